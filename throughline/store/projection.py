"""Writes the read model and the audit log from a workflow's snapshot.

Idempotent and monotonic: audit events are inserted only if absent, and a snapshot
older than the one stored never overwrites it, so retries and races converge.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlmodel import SQLModel, col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.projection import ProjectionBatch
from models.read.waiting import waiting_on
from models.service_levels import next_due, overdue_since
from models.tables import (
    AuditEventRow,
    ChangePerson,
    ChangeRow,
    CommandReceiptRow,
    SubmissionRow,
)
from throughline.store import analytics, outbox, receipts, waiting
from throughline.store.rows import child_rows
from throughline.store.sql import insert_missing, table_of, upsert

log = logging.getLogger(__name__)
WRITTEN_ONCE = {SubmissionRow}
"""A submission never changes once made; the workflow later trims superseded ones from
its state, and the read model keeps them whole."""


async def project(session: AsyncSession, batch: ProjectionBatch, now: datetime) -> bool:
    """Apply a batch; returns False when a newer snapshot was already stored. ``now``
    is when the directory is read, to tell who can act on what the change waits on."""
    if not await _record(session, batch):
        return False
    for model, rows in child_rows(batch.state).items():
        if model in WRITTEN_ONCE:
            await insert_missing(session, model, rows)
        else:
            await upsert(session, model, rows)
    await waiting.write_waiting(session, batch.state, now)
    await analytics.write_facts(session, batch.state)
    await _check_events_match(session, batch.events)
    return True


async def forget_unrecorded(
    session: AsyncSession, batch: ProjectionBatch, recorded_seq: int
) -> int:
    """Undo what an attempt of this projection left that the history never recorded, before
    this batch is written; returns how many audit events were removed.

    A local projection writes SQL before its workflow task completes. If the task failed
    after that (a worker killed), the command is applied again at a new time, with other
    hashes, or not at all: the rows past recorded_seq, the last seq the history holds, are
    that lost attempt's. Rows up to it are never touched, so an edited one stays edited.
    """
    change_id = batch.state.change_id
    lost = await _lost_seqs(session, batch, recorded_seq)
    if not lost:
        return 0
    await session.exec(
        delete(AuditEventRow).where(
            col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq).in_(lost)
        )
    )
    await session.exec(
        delete(CommandReceiptRow).where(
            col(CommandReceiptRow.log_id) == change_id, col(CommandReceiptRow.seq) > recorded_seq
        )
    )
    withdrawn = await outbox.withdraw_unsent(session, change_id, lost)
    # The change row is written only when newer: let this batch's state replace the lost one.
    await session.exec(
        update(ChangeRow)
        .where(col(ChangeRow.id) == change_id, col(ChangeRow.last_seq) > recorded_seq)
        .values(last_seq=-1)
    )
    log.warning(
        "removed audit events a lost attempt wrote and the history never recorded",
        extra={"change_id": change_id, "seqs": lost, "notifications_withdrawn": withdrawn},
    )
    return len(lost)


async def _lost_seqs(session: AsyncSession, batch: ProjectionBatch, recorded_seq: int) -> list[int]:
    """The seqs past recorded_seq that SQL holds with a hash this batch does not give."""
    ours = {(event.seq, event.hash) for event in batch.events}
    stored = await session.exec(
        select(AuditEventRow.seq, AuditEventRow.hash).where(
            AuditEventRow.change_id == batch.state.change_id, AuditEventRow.seq > recorded_seq
        )
    )
    return [seq for seq, hash_ in stored.all() if (seq, hash_) not in ours]


async def restore(session: AsyncSession, batches: list[ProjectionBatch], now: datetime) -> None:
    """Put back whatever rows are missing, from every batch of every run a rebuild found.

    Each row comes back as the newest batch that held it last saw it, so the gates and
    sign-offs of cycles that ended long ago return with their final status. Rows that
    are there are never overwritten: an edited row stays edited, for audit to find.
    """
    newest: dict[type[SQLModel], dict[tuple[Any, ...], dict[str, Any]]] = {}
    for batch in batches:
        await _record(session, batch)
        for model, rows in child_rows(batch.state).items():
            keys = [c.name for c in table_of(model).primary_key.columns]
            newest.setdefault(model, {}).update({tuple(r[k] for k in keys): r for r in rows})
    for model, rows_by_key in newest.items():
        await insert_missing(session, model, list(rows_by_key.values()))
    if batches:
        await waiting.write_waiting(session, batches[-1].state, now)
    for batch in batches:
        await analytics.write_facts(session, batch.state)


async def _record(session: AsyncSession, batch: ProjectionBatch) -> bool:
    """The change row (never moved backwards), the audit events and the receipts; True
    when this batch's snapshot is the newest stored."""
    state = batch.state
    await upsert(session, ChangeRow, [_change_row(batch)], newer_by="last_seq")
    await insert_missing(session, AuditEventRow, [_event_row(e) for e in batch.events])
    await receipts.keep(session, state.change_id, batch.receipts, state.updated_at)
    await insert_missing(session, ChangePerson, waiting.people_rows(state))
    stored = await session.get(ChangeRow, state.change_id, populate_existing=True)
    return stored is not None and stored.last_seq == state.seq


def _change_row(batch: ProjectionBatch) -> dict[str, Any]:
    state = batch.state
    waiting = waiting_on(state, state.updated_at)
    return {
        "id": state.change_id,
        "workflow_id": batch.workflow_id,
        "title": state.intake.title,
        "service": state.intake.service,
        "playbook": state.playbook.name,
        "playbook_version": state.playbook.version,
        "iteration": state.iteration,
        "stage": state.stage,
        "gate_id": state.gate.id,
        "gate_status": state.gate.status.value,
        "status": state.status.value,
        "proposer": state.proposer,
        "waiting_kind": waiting.kind.value,
        "waiting_since": waiting.since,
        "waiting_reason": waiting.reason,
        "due_at": next_due(state),
        "overdue_since": overdue_since(state),
        "calendar": state.calendar.name if state.calendar else None,
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "closed_at": state.closed_at,
        "last_seq": state.seq,
        "last_hash": state.last_hash,
        "hash_scheme": state.playbook.governance.hash_scheme.value,
        "snapshot": state.model_dump(mode="json"),
    }


def _event_row(event: AuditEvent) -> dict[str, Any]:
    return event.model_dump(mode="python")


async def _check_events_match(session: AsyncSession, events: list[AuditEvent]) -> None:
    """An existing row with a different hash means the stored log was altered."""
    for event in events:
        statement = select(AuditEventRow.hash).where(
            AuditEventRow.change_id == event.change_id, AuditEventRow.seq == event.seq
        )
        stored = (await session.exec(statement)).first()
        if stored != event.hash:
            log.error(
                "stored audit event differs from the workflow's",
                extra={"change_id": event.change_id, "seq": event.seq},
            )
