"""Notifications end to end: people choose channels, a change moves, and a real SMTP
server, a Notify emulator and a signature-checking webhook receiver hear of it once:
api/routes/notifications.py, workflows/notifications.py, activities/notifications.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.worker import Worker

from models.notifications import MessageStyle
from models.roles import Role
from tests.api.client import SECRET, Api
from tests.api.flows import propose, submit
from tests.factories import Team
from tests.support.notify_emulator import NotifyEmulator
from tests.support.smtp_server import SmtpServer
from tests.support.webhook_receiver import WebhookReceiver
from throughline.settings import Settings
from throughline.store import deliveries
from workers.main import build_worker, start_dispatcher

pytestmark = pytest.mark.slow
PUBLIC_URL = "https://throughline.example.gov.uk"


@pytest.fixture
def settings(
    task_queue: str, sqlite_url: str, smtp_server: SmtpServer, notify: NotifyEmulator
) -> Settings:
    return Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        public_url=PUBLIC_URL,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_sender="throughline@example.gov.uk",
        notify_api_key=SecretStr(notify.api_key()),
        notify_base_url=notify.base_url,
        notify_template_id=notify.template_id,
        notification_poll_seconds=1,
        delivery_first_retry_seconds=0.2,
        delivery_attempts=3,
    )


@pytest.fixture
async def worker(
    temporal_client: Client,
    task_queue: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> AsyncIterator[Worker]:
    """The worker with every channel set up, and this task queue's dispatcher."""
    async with build_worker(temporal_client, task_queue, sqlite_sessions, settings) as running:
        await start_dispatcher(temporal_client, settings)
        yield running


async def _until(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    for _ in range(int(seconds / 0.2)):
        found = check()
        if found:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"waited {seconds}s for {what}")


def _address(person: str) -> str:
    return f"{person}@example.gov.uk"


async def _choose(api: Api, person: str, channels: list[str], digest: bool = False) -> None:
    body = {"email": _address(person), "channels": channels, "digest": digest}
    response = await api.put(person, "/me/notifications", body)
    assert response.status_code == 200, response.text
    assert response.json()["channels"] == channels


Subscribe = Callable[..., Any]


@pytest.fixture
async def subscribe(api: Api, team: Team, receiver: WebhookReceiver) -> AsyncIterator[Subscribe]:
    """Subscribe this test's receiver; the subscription is removed afterwards, as the
    database is shared with other tests."""
    made: list[str] = []

    async def create(**extra: Any) -> str:
        response = await api.post(team.admin, "/webhooks", {"url": receiver.url, **extra})
        assert response.status_code == 201, response.text
        receiver.secret = response.json()["secret"]
        webhook_id: str = response.json()["webhook"]["id"]
        made.append(webhook_id)
        return webhook_id

    yield create
    for webhook_id in made:
        await api.delete(team.admin, f"/webhooks/{webhook_id}")


def _mail_to(smtp_server: SmtpServer, person: str) -> list[Any]:
    return [m.message for m in smtp_server.received if _address(person) in m.envelope_to]


async def test_a_gate_opening_tells_its_signers_by_every_channel_once(
    api: Api,
    team: Team,
    smtp_server: SmtpServer,
    notify: NotifyEmulator,
    receiver: WebhookReceiver,
    subscribe: Subscribe,
) -> None:
    policy = team.signer(Role.POLICY)
    await _choose(api, policy, ["email", "notify"])
    webhook_id = await subscribe(topics=["sign_off_requested"])
    change_id = await propose(api, team)
    await submit(api, team, change_id, "discovery notes")

    mails = await _until(lambda: _mail_to(smtp_server, policy), "an email to the policy signer")
    await _until(lambda: notify.accepted, "a Notify email")
    await _until(lambda: receiver.deliveries, "a verified webhook")
    await asyncio.sleep(1.5)  # a repeat, if there were one, would arrive by now

    assert len(mails) == 1
    body = mails[0].get_content()
    assert "your sign-off is asked for" in mails[0]["Subject"]
    assert f"Open it: {PUBLIC_URL}/changes/{change_id}" in body
    assert "Due: " in body
    assert [e.email_address for e in notify.accepted] == [_address(policy)]
    assert notify.accepted[0].personalisation["subject"] == mails[0]["Subject"]
    [delivery] = receiver.deliveries.values()
    assert delivery.body["type"] == "throughline.sign_off_requested"
    assert delivery.body["data"]["change_id"] == change_id
    assert "title" not in delivery.body["data"], "minimal payloads carry no title"
    assert set(receiver.arrivals.values()) == {1}
    log = (await api.get(team.admin, f"/webhooks/{webhook_id}/deliveries")).json()
    assert [(d["status"], d["attempts"]) for d in log["deliveries"]] == [("sent", 1)]
    assert log["deliveries"][0]["log"][0]["status_code"] == 200


async def test_nobody_is_told_of_their_own_act_and_the_team_hears_of_a_send_back(
    api: Api, team: Team, smtp_server: SmtpServer
) -> None:
    for person in (team.proposer, team.signer(Role.DIGITAL)):
        await _choose(api, person, ["email"])
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "first notes")
    body = {
        "role": "digital",
        "decision": "request_changes",
        "revision": revision,
        "comment": "add the user research",
    }
    signed = await api.post(team.signer(Role.DIGITAL), f"/changes/{change_id}/sign-offs", body)
    assert signed.status_code == 200, signed.text

    sent_back = await _until(
        lambda: [m for m in _mail_to(smtp_server, team.proposer) if "sent back" in m["Subject"]],
        "the team told the work was sent back",
    )
    assert "add the user research" in sent_back[0].get_content()
    digital = _mail_to(smtp_server, team.signer(Role.DIGITAL))
    assert all("sent back" not in m["Subject"] for m in digital), "told of their own act"


async def test_a_failing_endpoint_is_retried_and_its_failures_are_logged(
    api: Api, team: Team, receiver: WebhookReceiver, subscribe: Subscribe
) -> None:
    webhook_id = await subscribe(topics=["sign_off_requested"])
    receiver.answer_with(503, 500)
    change_id = await propose(api, team)
    await submit(api, team, change_id, "notes")

    await _until(lambda: receiver.deliveries, "the third try to be accepted")
    log = (await api.get(team.admin, f"/webhooks/{webhook_id}/deliveries")).json()
    [delivery] = log["deliveries"]
    assert delivery["status"] == "sent"
    assert [a["outcome"] for a in delivery["log"]] == ["retrying", "retrying", "sent"]
    assert [a["status_code"] for a in delivery["log"]] == [503, 500, 200]


async def test_an_endpoint_that_refuses_fails_at_once_and_can_be_redelivered(
    api: Api, team: Team, receiver: WebhookReceiver, subscribe: Subscribe
) -> None:
    webhook_id = await subscribe(topics=["sign_off_requested"])
    receiver.answer_with(410)
    change_id = await propose(api, team)
    await submit(api, team, change_id, "notes")
    path = f"/webhooks/{webhook_id}/deliveries"

    async def statuses() -> list[str]:
        return [d["status"] for d in (await api.get(team.admin, path)).json()["deliveries"]]

    for _ in range(100):
        if await statuses() == ["failed"]:
            break
        await asyncio.sleep(0.2)
    [failed] = (await api.get(team.admin, path)).json()["deliveries"]
    assert failed["status"] == "failed"
    assert "410" in failed["last_error"]
    health = await api.http.get("/healthz")
    assert health.status_code == 200, "a failing channel never stops changes"
    assert health.json()["status"] == "degraded"
    assert health.json()["failed_notifications"]["webhook"] >= 1

    again = await api.post(team.admin, f"{path}/{failed['id']}/redeliver", {})
    assert again.status_code == 202, again.text
    await _until(lambda: receiver.deliveries, "the redelivery")
    assert list(receiver.deliveries) == [failed["id"]], "the same webhook-id both times"
    assert receiver.arrivals[failed["id"]] == 2


async def test_a_daily_digest_gathers_held_notices_into_one_email(
    api: Api,
    team: Team,
    smtp_server: SmtpServer,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    policy = team.signer(Role.POLICY)
    await _choose(api, policy, ["email"], digest=True)
    change_id = await propose(api, team)
    await submit(api, team, change_id, "notes")
    await asyncio.sleep(2)
    assert _mail_to(smtp_server, policy) == [], "held for the digest"

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    style = MessageStyle(public_url=PUBLIC_URL)
    async with sqlite_sessions() as session, session.begin():
        written = await deliveries.gather_digests(
            session, tomorrow.replace(hour=settings.digest_hour + 1), settings.digest_hour, style
        )
    assert written >= 1
    [digest] = await _until(lambda: _mail_to(smtp_server, policy), "the digest")
    assert "daily digest" in digest["Subject"]
    assert "your sign-off is asked for" in digest.get_content()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"channels": ["email"]}, "give an email address"),
        ({"email": "a@b.gov.uk", "channels": ["webhook"]}, "webhooks are subscriptions"),
        ({"email": "a@b.gov.uk", "channels": ["email", "email"]}, "listed twice"),
        ({"email": "not-an-address", "channels": ["email"]}, "email"),
        ({"email": "a@b.gov.uk", "channels": ["sms"]}, "channels"),
        ({"email": "a\u0000@b.gov.uk", "channels": []}, "email"),
    ],
)
async def test_choices_that_cannot_work_are_refused_with_the_reason(
    api: Api, team: Team, body: dict[str, Any], detail: str
) -> None:
    response = await api.put(team.proposer, "/me/notifications", body)
    assert response.status_code == 422
    assert detail in response.text


async def test_only_admins_manage_webhooks_and_see_other_peoples_choices(
    api: Api, team: Team, receiver: WebhookReceiver
) -> None:
    assert (await api.post(team.proposer, "/webhooks", {"url": receiver.url})).status_code == 403
    other = f"/people/{team.owner}/notifications"
    assert (await api.get(team.proposer, other)).status_code == 403
    assert (await api.get(team.admin, other)).status_code == 200
    assert (await api.get(team.admin, "/people/nobody-here/notifications")).status_code == 404
    assert (await api.get(team.admin, "/webhooks/wh_missing/deliveries")).status_code == 404


async def test_a_rotated_secret_signs_what_follows_and_a_paused_one_hears_nothing(
    api: Api, team: Team, receiver: WebhookReceiver, subscribe: Subscribe
) -> None:
    webhook_id = await subscribe()
    rotated = await api.post(team.admin, f"/webhooks/{webhook_id}/secret", {})
    assert rotated.status_code == 200
    receiver.secret = rotated.json()["secret"]
    change_id = await propose(api, team)
    await _until(lambda: receiver.deliveries, "a delivery signed with the new secret")
    assert receiver.refused == 0

    paused = await api.patch(team.admin, f"/webhooks/{webhook_id}", {"active": False})
    assert paused.json()["active"] is False
    heard = len(receiver.arrivals)
    await submit(api, team, change_id, "notes")
    await asyncio.sleep(2)
    assert len(receiver.arrivals) == heard
    [listed] = [w for w in (await api.get(team.admin, "/webhooks")).json() if w["id"] == webhook_id]
    assert "secret" not in listed
    removed = await api.delete(team.admin, f"/webhooks/{webhook_id}")
    assert removed.status_code == 200
    remaining = (await api.get(team.admin, "/webhooks")).json()
    assert webhook_id not in [w["id"] for w in remaining]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"url": "http://example.com?" + "a b" * 600}, "once encoded"),
        ({"url": "ftp://example.com/hook"}, "url"),
        ({"url": "https://example.com/hook", "description": "a\u0000"}, "control characters"),
        ({"url": "https://example.com/hook", "topics": ["everything"]}, "topics"),
    ],
)
async def test_a_subscription_that_cannot_work_is_refused_with_the_reason(
    api: Api, team: Team, body: dict[str, Any], detail: str
) -> None:
    response = await api.post(team.admin, "/webhooks", body)
    assert response.status_code == 422
    assert detail in response.text
