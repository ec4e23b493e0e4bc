"""Reads for the portfolio: what the ranking needs of each change, and the states of the
changes decided in a time range, from the read model."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState, ChangeStatus
from models.intake import ChangeIntake
from models.outcomes import OutcomesQuery
from models.portfolio import Candidate
from models.practice import PrioritisationRecord
from models.tables import ChangeRow, CycleFact

_SNAPSHOT = col(ChangeRow.snapshot)
_PARTS = ("intake", "prioritisation", "ground_override", "readiness")
"""The parts of a change's snapshot the ranking reads: a few kilobytes of a state that
can be far larger, taken from the JSON by the database."""


async def candidates(
    session: AsyncSession, service: str | None, status: ChangeStatus
) -> list[Candidate]:
    """Every change of the service (or all) with this status, as the ranking reads it."""
    parts = [_SNAPSHOT[part].label(part) for part in _PARTS]
    statement = select(
        ChangeRow.id, ChangeRow.stage, ChangeRow.status, ChangeRow.created_at, *parts
    ).where(ChangeRow.status == status.value)
    if service is not None:
        statement = statement.where(ChangeRow.service == service)
    rows = (await session.exec(statement.order_by(col(ChangeRow.id)))).all()
    names = ("id", "stage", "status", "created_at", *_PARTS)
    return [_candidate(dict(zip(names, row, strict=True))) for row in rows]


def _candidate(row: dict[str, Any]) -> Candidate:
    intake = ChangeIntake.model_validate(row["intake"])
    assessed = row["prioritisation"]
    in_force = (
        PrioritisationRecord.model_validate(assessed).assessment if assessed else None
    ) or intake.prioritisation
    return Candidate.model_validate(
        {
            "change_id": row["id"],
            "title": intake.title,
            "service": intake.service,
            "stage": row["stage"],
            "status": row["status"],
            "created_at": row["created_at"],
            "user_groups": intake.user_groups,
            "prioritisation": in_force,
            "ground_override": row["ground_override"],
            "readiness": row["readiness"] or {},
        }
    )


async def decided_in(session: AsyncSession, query: OutcomesQuery) -> list[ChangeState]:
    """The changes of the service (or all) with an act decision in the range, found by
    their cycle facts (indexed by the time of decision)."""
    decided = select(CycleFact.change_id)
    if query.since is not None:
        decided = decided.where(col(CycleFact.decided_at) >= query.since)
    if query.until is not None:
        decided = decided.where(col(CycleFact.decided_at) < query.until)
    if query.service is not None:
        decided = decided.where(CycleFact.service == query.service)
    statement = (
        select(ChangeRow.snapshot)
        .where(col(ChangeRow.id).in_(decided.distinct()))
        .order_by(col(ChangeRow.id))
    )
    snapshots = (await session.exec(statement)).all()
    return [ChangeState.model_validate(snapshot) for snapshot in snapshots]
