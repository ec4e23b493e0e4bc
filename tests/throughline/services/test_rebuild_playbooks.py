"""Published playbook versions come back with the directory when the database is lost
and rebuilt from Temporal: throughline/services/rebuild.py."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

import yaml
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from api.playbook_examples import PLAYBOOK
from models.directory.state import OPERATOR, PublishedPlaybook
from models.playbook_source import PlaybookFormat, PlaybookText
from throughline import db
from throughline.services.directory import DirectoryService
from throughline.services.playbooks import PlaybookAdmin, PlaybookCatalogue
from throughline.services.rebuild import rebuild
from throughline.settings import Settings
from throughline.store import playbooks
from workers.main import build_worker


def _version(name: str, version: int) -> PlaybookText:
    data = copy.deepcopy(PLAYBOOK)
    data.update(name=name, version=version, title=f"Version {version}")
    return PlaybookText(text=yaml.safe_dump(data), form=PlaybookFormat.YAML)


def _delete_database(folder: Path, name: str) -> None:
    for path in folder.glob(f"{name}*"):
        path.unlink()


async def _published(sessions: async_sessionmaker[AsyncSession]) -> list[PublishedPlaybook]:
    async with sessions() as session:
        return await playbooks.published(session)


async def test_rebuild_restores_every_published_version(
    temporal_client: Client, task_queue: str, tmp_path: Path
) -> None:
    lost, fresh = tmp_path / "lost.db", tmp_path / "fresh.db"
    queue = f"{task_queue}-own-database"
    settings = Settings(task_queue=queue, database_url=f"sqlite:///{lost}")
    db.migrate_sync(settings.database)
    engine = db.make_engine(settings.database)
    sessions = db.session_factory(engine)
    name = f"custom-{uuid.uuid4().hex[:8]}"
    async with build_worker(temporal_client, queue, sessions):
        directory = DirectoryService(temporal_client, settings, sessions)
        admin = PlaybookAdmin(PlaybookCatalogue(sessions), directory)
        for version in (1, 2):
            await admin.publish(OPERATOR, _version(name, version))
        before = await _published(sessions)
    await engine.dispose()
    _delete_database(tmp_path, "lost.db")

    rebuilt = settings.model_copy(update={"database_url": f"sqlite:///{fresh}"})
    db.migrate_sync(rebuilt.database)
    engine = db.make_engine(rebuilt.database)
    sessions = db.session_factory(engine)
    assert await _published(sessions) == []
    await rebuild(temporal_client, sessions, rebuilt, [])
    after = await _published(sessions)
    assert [(p.name, p.version) for p in after] == [(name, 1), (name, 2)]
    assert after == before
    assert (await PlaybookCatalogue(sessions).latest(name)).title == "Version 2"
    await engine.dispose()
