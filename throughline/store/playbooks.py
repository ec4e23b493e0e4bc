"""Published playbook versions in SQL, and the open changes each playbook name carries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState, ChangeStatus
from models.directory.state import PublishedPlaybook
from models.tables import ChangeRow, PlaybookVersionRow
from throughline.store.sql import insert_missing


async def write_published(session: AsyncSession, published: Sequence[PublishedPlaybook]) -> None:
    """Rows for versions not yet in SQL; a version once written is never rewritten."""
    rows = [
        {
            "name": p.name,
            "version": p.version,
            "document": p.document,
            "fingerprint": p.fingerprint,
            "published_by": p.published_by,
            "published_at": p.published_at,
            "directory_seq": p.seq,
        }
        for p in published
    ]
    await insert_missing(session, PlaybookVersionRow, rows)


async def published(session: AsyncSession) -> list[PublishedPlaybook]:
    """Every published version, by name and then version."""
    statement = select(PlaybookVersionRow).order_by(
        col(PlaybookVersionRow.name), col(PlaybookVersionRow.version)
    )
    return [_record(row) for row in (await session.exec(statement)).all()]


def _record(row: PlaybookVersionRow) -> PublishedPlaybook:
    return PublishedPlaybook(
        name=row.name,
        version=row.version,
        document=row.document,
        fingerprint=row.fingerprint,
        published_by=row.published_by,
        published_at=row.published_at,
        seq=row.directory_seq,
    )


async def open_changes_on(
    session: AsyncSession, name: str, limit: int
) -> tuple[list[ChangeState], int]:
    """Up to `limit` of the changes still under way on any version of the named playbook,
    oldest first, and how many there are in all."""
    under_way = (
        col(ChangeRow.playbook) == name,
        col(ChangeRow.status) == ChangeStatus.ACTIVE.value,
    )
    total = (
        await session.exec(select(func.count()).select_from(ChangeRow).where(*under_way))
    ).one()
    statement = (
        select(ChangeRow.snapshot)
        .where(*under_way)
        .order_by(col(ChangeRow.created_at), col(ChangeRow.id))
        .limit(limit)
    )
    snapshots = (await session.exec(statement)).all()
    return [ChangeState.model_validate(snapshot) for snapshot in snapshots], total
