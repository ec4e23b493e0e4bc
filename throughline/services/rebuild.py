"""Rebuilding SQL from Temporal and the archive: the directory first, then every change
(or some)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.projection import RecordProblem
from throughline.services.directory import directory_workflow_id
from throughline.services.history import changes_known, rebuild_change, rebuild_directory
from throughline.settings import Settings


async def rebuild(
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    changes: list[str] | None = None,
) -> list[str]:
    """Replay every projection recorded in Temporal or archived; one line of what was done
    per log."""
    directory_id = directory_workflow_id(settings.task_queue)
    batches = await rebuild_directory(client, sessions, directory_id)
    lines = [f"directory: replayed {batches} projection batches"]
    for change_id in changes if changes is not None else await changes_known(client, sessions):
        try:
            batches = await rebuild_change(client, sessions, change_id)
        except RecordProblem as problem:
            lines.append(f"{change_id}: not rebuilt, its history does not add up: {problem}")
            continue
        lines.append(f"{change_id}: replayed {batches} projection batches")
    return lines
