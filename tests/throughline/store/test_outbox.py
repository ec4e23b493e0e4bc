"""The outbox sends each notification at most once, on SQLite and on PostgreSQL:
throughline/store/outbox.py and throughline/store/deliveries.py."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState
from models.commands import SubmitWork
from models.notifications import MessageStyle
from models.roles import Role
from models.subscriptions import DeliveryStatus as Status
from models.tables import NotificationPreference, NotificationRow, Person, WebhookSubscription
from models.transitions.opening import open_change
from models.transitions.submission import apply_submit
from tests.factories import PROPOSER, T0, authority, evidence, later, new_change
from throughline.channels.webhooks import new_secret
from throughline.store import deliveries, outbox

STYLE = MessageStyle(public_url="https://throughline.example.gov.uk")


def _submitted() -> tuple[ChangeState, list]:  # type: ignore[type-arg]
    state, _ = open_change(new_change(), T0)
    cmd = SubmitWork(actor=PROPOSER, summary="intent", evidence=[evidence()])
    return state, apply_submit(state, cmd, authority(PROPOSER), later(5))


async def _listening(session: AsyncSession, state: ChangeState) -> str:
    person = state.intake.people.for_role(Role.POLICY)[0]
    now = datetime.now(UTC)
    if await session.get(Person, person) is None:
        session.add(Person(id=person, name=person, created_at=now))
    session.add(
        NotificationPreference(
            person_id=person, email=f"{person}@example.gov.uk", channels=["email"], updated_at=now
        )
    )
    session.add(
        WebhookSubscription(
            id=f"wh_{state.change_id[:8]}",
            url="https://hooks.example.gov.uk/x",
            secret=new_secret(),
            topics=[],
            created_at=now,
            created_by="admin",
        )
    )
    await session.flush()
    return person


async def _rows(session: AsyncSession, change_id: str) -> list[NotificationRow]:
    statement = select(NotificationRow).where(col(NotificationRow.change_id) == change_id)
    return list((await session.exec(statement)).all())


async def test_the_same_events_enqueue_once_and_leave_the_list_once_sending(
    rollback_session: AsyncSession,
) -> None:
    state, events = _submitted()
    person = await _listening(rollback_session, state)
    first = await outbox.enqueue(rollback_session, state, events, STYLE)
    again = await outbox.enqueue(rollback_session, state, events, STYLE)
    rows = await _rows(rollback_session, state.change_id)

    assert first >= 2
    assert again == first, "counted as due, but written once"
    assert len(rows) == first
    assert {(r.channel, r.recipient) for r in rows} >= {("email", person)}
    listed = await deliveries.claim_pending(rollback_session, 1000)
    assert {r.id for r in rows} <= set(listed)
    relisted = await deliveries.claim_pending(rollback_session, 1000)
    assert {r.id for r in rows} <= set(relisted), "listing changes nothing; Temporal starts once"
    for row in rows:
        await deliveries.begin_sending(rollback_session, row.id)
    assert set(await deliveries.claim_pending(rollback_session, 1000)).isdisjoint(listed)


async def test_an_email_cut_off_mid_send_is_never_sent_again_but_a_webhook_is(
    rollback_session: AsyncSession,
) -> None:
    state, events = _submitted()
    await _listening(rollback_session, state)
    await outbox.enqueue(rollback_session, state, events, STYLE)
    rows = {r.channel: r.id for r in await _rows(rollback_session, state.change_id)}

    assert await deliveries.begin_sending(rollback_session, rows["email"]) is not None
    assert await deliveries.begin_sending(rollback_session, rows["email"]) is None
    email = await deliveries.find(rollback_session, rows["email"])
    assert email is not None
    assert email.status == Status.UNKNOWN

    assert await deliveries.begin_sending(rollback_session, rows["webhook"]) is not None
    resent = await deliveries.begin_sending(rollback_session, rows["webhook"])
    assert resent is not None
    assert resent.attempts == 2


async def test_a_sent_row_is_not_sent_again_and_a_retry_counts_its_attempt(
    rollback_session: AsyncSession,
) -> None:
    state, events = _submitted()
    await _listening(rollback_session, state)
    await outbox.enqueue(rollback_session, state, events, STYLE)
    email = next(
        r.id for r in await _rows(rollback_session, state.change_id) if r.channel == "email"
    )
    now = datetime.now(UTC)

    await deliveries.begin_sending(rollback_session, email)
    await deliveries.settle(rollback_session, email, now, Status.QUEUED, "421 try later", None)
    retried = await deliveries.begin_sending(rollback_session, email)
    assert retried is not None
    assert retried.attempts == 2
    await deliveries.settle(rollback_session, email, now, Status.SENT)
    assert await deliveries.begin_sending(rollback_session, email) is None
    failures = await deliveries.failures_by_channel(rollback_session, T0)
    assert failures.get("email", 0) == 0


async def test_someone_who_left_the_directory_is_told_nothing_more(
    rollback_session: AsyncSession,
) -> None:
    state, events = _submitted()
    person = await _listening(rollback_session, state)
    left = await rollback_session.get(Person, person)
    assert left is not None
    left.active = False
    rollback_session.add(left)
    await rollback_session.flush()
    await outbox.enqueue(rollback_session, state, events, STYLE)
    rows = await _rows(rollback_session, state.change_id)
    assert [r.channel for r in rows if r.recipient == person] == []
    assert {r.channel for r in rows} == {"webhook"}, "webhooks still hear of it"
