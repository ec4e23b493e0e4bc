"""Writes the read model and the audit log from a workflow's snapshot.

Idempotent and monotonic: audit events are inserted only if absent, and a snapshot
older than the one stored never overwrites it, so retries and races converge.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.change import ChangeState
from models.gate import GateState
from models.projection import ProjectionBatch
from models.read.waiting import waiting_on
from models.tables import (
    AuditEventRow,
    ChangePerson,
    ChangeRow,
    ConditionRow,
    GateRow,
    HandoffRow,
    MeasurementRow,
    SignOffRow,
    SubmissionRow,
)
from throughline.store import receipts, waiting
from throughline.store.sql import columns_of, insert_missing, table_of, upsert

log = logging.getLogger(__name__)
WRITTEN_ONCE = {SubmissionRow}
"""A submission never changes once made; the workflow later trims superseded ones from
its state, and the read model keeps them whole."""


async def project(session: AsyncSession, batch: ProjectionBatch) -> bool:
    """Apply a batch; returns False when a newer snapshot was already stored."""
    if not await _record(session, batch):
        return False
    for model, rows in child_rows(batch.state).items():
        if model in WRITTEN_ONCE:
            await insert_missing(session, model, rows)
        else:
            await upsert(session, model, rows)
    await waiting.write_waiting(session, batch.state)
    await _check_events_match(session, batch.events)
    return True


async def restore(session: AsyncSession, batches: list[ProjectionBatch]) -> None:
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
        await waiting.write_waiting(session, batches[-1].state)


async def _record(session: AsyncSession, batch: ProjectionBatch) -> bool:
    """The change row (never moved backwards), the audit events and the receipts; True
    when this batch's snapshot is the newest stored."""
    state = batch.state
    await upsert(
        session, ChangeRow, [_change_row(batch)], where=col(ChangeRow.last_seq) < state.seq
    )
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
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "closed_at": state.closed_at,
        "last_seq": state.seq,
        "last_hash": state.last_hash,
        "snapshot": state.model_dump(mode="json"),
    }


def _event_row(event: AuditEvent) -> dict[str, Any]:
    return event.model_dump(mode="python")


def child_rows(state: ChangeState) -> dict[type[SQLModel], list[dict[str, Any]]]:
    """Every row of the change's child tables that this state describes."""
    gates = [*state.past_gates, state.gate]
    return {
        GateRow: [_gate_row(state.change_id, g) for g in gates],
        SubmissionRow: _submission_rows(state.change_id, gates),
        SignOffRow: _signoff_rows(state.change_id, gates),
        MeasurementRow: _measurement_rows(state),
        HandoffRow: _handoff_rows(state),
        ConditionRow: _condition_rows(state),
    }


def _gate_row(change_id: str, gate: GateState) -> dict[str, Any]:
    return {
        "change_id": change_id,
        "gate_id": gate.id,
        "iteration": gate.iteration,
        "stage": gate.stage,
        "name": gate.name,
        "status": gate.status.value,
        "revision": gate.revision,
        "opened_at": gate.opened_at,
        "closed_at": gate.closed_at,
    }


def _submission_rows(change_id: str, gates: list[GateState]) -> list[dict[str, Any]]:
    return [
        {
            "change_id": change_id,
            "revision": s.revision,
            "gate_id": s.gate_id,
            "stage": s.stage,
            "summary": s.summary,
            "submitted_by": s.submitted_by,
            "submitted_at": s.submitted_at,
            "evidence": [e.model_dump(mode="json") for e in s.evidence],
        }
        for gate in gates
        for s in gate.submissions
        if not s.compacted
    ]


def _signoff_rows(change_id: str, gates: list[GateState]) -> list[dict[str, Any]]:
    return [
        columns_of(
            SignOffRow,
            {
                "change_id": change_id,
                **s.model_dump(mode="python"),
                "person_id": s.person,
                "role": s.role.value,
                "decision": s.decision.value,
            },
        )
        for gate in gates
        for s in gate.signoffs
    ]


def _measurement_rows(state: ChangeState) -> list[dict[str, Any]]:
    return [
        columns_of(
            MeasurementRow,
            {
                "change_id": state.change_id,
                "iteration": state.iteration,
                **m.model_dump(mode="python"),
            },
        )
        for m in state.measurements
    ]


def _handoff_rows(state: ChangeState) -> list[dict[str, Any]]:
    return [
        columns_of(
            HandoffRow,
            {
                "change_id": state.change_id,
                **h.model_dump(mode="python"),
                "roles": [r.value for r in h.roles],
            },
        )
        for h in state.handoffs
    ]


def _condition_rows(state: ChangeState) -> list[dict[str, Any]]:
    return [
        {
            "change_id": state.change_id,
            "condition_id": c.id,
            **c.model_dump(
                mode="python",
                include={
                    "gate_id", "gate_name", "description", "owner", "due", "binding",
                    "raised_by", "raised_at", "closed_by", "closed_at",
                },
            ),
            "status": c.status.value,
            "raised_role": c.raised_role.value,
        }
        for c in state.conditions
    ]  # fmt: skip


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
