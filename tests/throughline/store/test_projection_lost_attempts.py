"""A local projection writes SQL before its workflow task completes; when that task is
lost and the command applied again, what the lost attempt wrote past the run's own
account of SQL (its audit events, the keyed answer, the change row, the notifications
nobody has sent yet) gives way to the attempt the history keeps, and nothing at or
before it is touched:
throughline/store/projection.py (forget_unrecorded)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState
from models.commands import RequestKey, SubmitWork
from models.projection import ProjectionBatch
from models.results import Receipt, result_of
from models.roles import Role
from models.subscriptions import DeliveryStatus
from models.tables import AuditEventRow, ChangeRow, DeliveryAttemptRow, NotificationRow
from models.transitions.opening import open_change
from models.transitions.sign_off import apply_sign_off
from models.transitions.submission import apply_submit
from tests.factories import PROPOSER, SIGNERS, authority, evidence, later, new_change, sign_command
from tests.throughline.store.test_projection import NOW
from throughline.store import receipts
from throughline.store.projection import forget_unrecorded, project
from throughline.store.sql import insert_missing


async def _opened(session: AsyncSession) -> ChangeState:
    state, opening = open_change(new_change(), later(0))
    batch = ProjectionBatch(workflow_id="wf", state=state.model_copy(deep=True), events=opening)
    assert await project(session, batch, NOW)
    return state


def _attempt(opened: ChangeState, minutes: int, signed: bool = False) -> ProjectionBatch:
    """The submission applied to the opened change, as one attempt of a workflow task
    applies it, at its own time; followed by a sign-off when signed."""
    state, at = opened.model_copy(deep=True), later(minutes)
    cmd = SubmitWork(actor=PROPOSER, summary="intent", evidence=[evidence()])
    events = apply_submit(state, cmd, authority(PROPOSER), at)
    if signed:
        person = SIGNERS[Role.POLICY]
        sign = sign_command(state, person, Role.POLICY)
        events += apply_sign_off(state, sign, authority(person), at)
    request = RequestKey(key="submit-once", fingerprint="f")
    receipt = Receipt.of(request, result_of(state, "submit_work"))
    return ProjectionBatch(workflow_id="wf", state=state, events=events, receipts=[receipt])


async def _written(session: AsyncSession, batch: ProjectionBatch, after_seq: int) -> int:
    forgotten = await forget_unrecorded(session, batch, after_seq)
    assert await project(session, batch, NOW)
    return forgotten


async def _stored(session: AsyncSession, change_id: str) -> dict[int, str]:
    rows = await session.exec(
        select(AuditEventRow.seq, AuditEventRow.hash).where(
            col(AuditEventRow.change_id) == change_id
        )
    )
    return dict(rows.all())


async def _change_row(session: AsyncSession, change_id: str) -> ChangeRow:
    row = await session.get(ChangeRow, change_id, populate_existing=True)
    assert row is not None
    return row


async def test_a_lost_attempt_gives_way_to_the_one_the_history_keeps(
    rollback_session: AsyncSession,
) -> None:
    opened = await _opened(rollback_session)
    lost, kept = _attempt(opened, 5, signed=True), _attempt(opened, 6)
    assert await _written(rollback_session, lost, opened.seq) == 0
    assert await _written(rollback_session, kept, opened.seq) == len(lost.events)
    stored = await _stored(rollback_session, opened.change_id)
    assert max(stored) == kept.state.seq
    assert [stored[e.seq] for e in kept.events] == [e.hash for e in kept.events]
    receipt = await receipts.find(rollback_session, opened.change_id, "submit-once")
    assert receipt is not None
    assert receipt.result == kept.receipts[0].result.model_dump(mode="json")
    row = await _change_row(rollback_session, opened.change_id)
    assert (row.last_seq, row.last_hash, row.updated_at) == (
        kept.state.seq,
        kept.state.last_hash,
        kept.state.updated_at,
    )


async def test_what_the_history_already_holds_is_never_touched(
    rollback_session: AsyncSession,
) -> None:
    opened = await _opened(rollback_session)
    await rollback_session.exec(
        update(AuditEventRow)
        .where(col(AuditEventRow.change_id) == opened.change_id)
        .values(hash="0" * 64)
    )
    assert await _written(rollback_session, _attempt(opened, 5), opened.seq) == 0
    assert (await _stored(rollback_session, opened.change_id))[1] == "0" * 64


async def test_the_same_attempt_tried_again_forgets_nothing(
    rollback_session: AsyncSession,
) -> None:
    opened = await _opened(rollback_session)
    batch = _attempt(opened, 5, signed=True)
    assert await _written(rollback_session, batch, opened.seq) == 0
    assert await _written(rollback_session, batch, opened.seq) == 0
    assert len(await _stored(rollback_session, opened.change_id)) == batch.state.seq


def _notice(change_id: str, seq: int, status: DeliveryStatus) -> dict[str, Any]:
    return {
        "id": f"n-{change_id[:8]}-{seq}-{status.value}",
        "change_id": change_id,
        "seq": seq,
        "topic": "handoff",
        "channel": "email",
        "recipient": "pol-a",
        "subject": "s",
        "body": "b",
        "payload": {},
        "status": status.value,
        "created_at": NOW,
    }


async def test_a_lost_attempts_unsent_notifications_are_withdrawn_and_sent_ones_kept(
    rollback_session: AsyncSession,
) -> None:
    opened = await _opened(rollback_session)
    lost, kept = _attempt(opened, 5, signed=True), _attempt(opened, 6)
    await _written(rollback_session, lost, opened.seq)
    change_id, past = opened.change_id, lost.state.seq
    notices = [_notice(change_id, past, status) for status in DeliveryStatus]
    notices.append(_notice(change_id, opened.seq, DeliveryStatus.PENDING))
    await insert_missing(rollback_session, NotificationRow, notices)
    tried = {"notification_id": notices[0]["id"], "attempt": 1, "at": NOW, "outcome": "error"}
    await insert_missing(rollback_session, DeliveryAttemptRow, [tried])

    await _written(rollback_session, kept, opened.seq)

    left = await rollback_session.exec(
        select(NotificationRow.seq, NotificationRow.status).where(
            col(NotificationRow.change_id) == change_id
        )
    )
    unsent = {DeliveryStatus.PENDING.value, DeliveryStatus.HELD.value}
    assert sorted(left.all()) == sorted(
        [(past, s.value) for s in DeliveryStatus if s.value not in unsent]
        + [(opened.seq, DeliveryStatus.PENDING.value)]
    )
