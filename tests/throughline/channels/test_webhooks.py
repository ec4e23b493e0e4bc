"""Standard Webhooks: our signatures against the official `standardwebhooks` library both
ways and against the specification's published example, and POSTs to a real receiver
that verifies them, with the answers that are permanent or transient failures."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tests.processes import free_port
from tests.support.local_http import QuietHandler, serving
from tests.support.webhook_receiver import WebhookReceiver
from throughline.channels.errors import ChannelError
from throughline.channels.webhooks import (
    USER_AGENT,
    WebhookVerificationError,
    new_secret,
    post_webhook,
    sign,
    signed_headers,
    verify,
)

# The specification's published example, from the reference implementation's own tests
# (standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py,
# test_sign_function); the installed package ships no tests or docs to take it from.
EXAMPLE_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
EXAMPLE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
EXAMPLE_TIMESTAMP = 1614265330
EXAMPLE_BODY = b'{"test": 2432232314}'
EXAMPLE_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
BODY = json.dumps({"event": "gate.opened", "change": "c-1", "note": "café"}).encode()


def example_headers(signature: str = EXAMPLE_SIGNATURE) -> dict[str, str]:
    return {
        "webhook-id": EXAMPLE_ID,
        "webhook-timestamp": str(EXAMPLE_TIMESTAMP),
        "webhook-signature": signature,
    }


def test_the_published_example_signs_and_verifies() -> None:
    assert sign(EXAMPLE_SECRET, EXAMPLE_ID, EXAMPLE_TIMESTAMP, EXAMPLE_BODY) == EXAMPLE_SIGNATURE
    verify(EXAMPLE_SECRET, example_headers(), EXAMPLE_BODY, now=EXAMPLE_TIMESTAMP)


def test_our_signature_verifies_with_the_official_library() -> None:
    secret, now = new_secret(), int(time.time())
    headers = signed_headers(secret, "msg_ours", now, BODY)
    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)


def test_the_official_librarys_signature_verifies_with_ours() -> None:
    secret, now = new_secret(), int(time.time())
    signature = Webhook(secret).sign("msg_theirs", datetime.fromtimestamp(now, UTC), BODY.decode())
    headers = {"Webhook-Id": "msg_theirs", "Webhook-Timestamp": str(now)}
    verify(secret, headers | {"Webhook-Signature": signature}, BODY)


def test_any_one_of_several_signatures_may_match() -> None:
    others = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,xyz v1,not*base64"
    headers = example_headers(f"{others} {EXAMPLE_SIGNATURE}")
    verify(EXAMPLE_SECRET, headers, EXAMPLE_BODY, now=EXAMPLE_TIMESTAMP)


@pytest.mark.parametrize(
    ("secret", "headers", "body", "now"),
    [
        (EXAMPLE_SECRET, example_headers(), b'{"test": 2432232315}', EXAMPLE_TIMESTAMP),
        (EXAMPLE_SECRET, example_headers(), EXAMPLE_BODY, EXAMPLE_TIMESTAMP + 301),
        (EXAMPLE_SECRET, example_headers(), EXAMPLE_BODY, EXAMPLE_TIMESTAMP - 301),
        (new_secret(), example_headers(), EXAMPLE_BODY, EXAMPLE_TIMESTAMP),
        (EXAMPLE_SECRET, example_headers("v2," + EXAMPLE_SIGNATURE[3:]), EXAMPLE_BODY, None),
        (EXAMPLE_SECRET, example_headers() | {"webhook-id": ""}, EXAMPLE_BODY, None),
        (EXAMPLE_SECRET, example_headers() | {"webhook-timestamp": "1e9"}, EXAMPLE_BODY, None),
    ],
    ids=["tampered", "old", "future", "other-secret", "v2-only", "no-id", "bad-timestamp"],
)
def test_a_webhook_that_does_not_hold_up_is_refused(
    secret: str, headers: dict[str, str], body: bytes, now: int | None
) -> None:
    with pytest.raises(WebhookVerificationError):
        verify(secret, headers, body, now=now)


async def test_a_post_arrives_verified_with_the_standard_headers(
    receiver: WebhookReceiver,
) -> None:
    payload = {"event": "gate.opened", "change": "c-1", "note": "café"}
    response = await post_webhook(receiver.url, receiver.secret, "msg_1", payload)

    assert response.status_code == 200
    assert json.loads(response.body) == {"status": 200}
    delivery = receiver.deliveries["msg_1"]
    assert delivery.body == payload
    assert abs(delivery.timestamp - time.time()) < 60
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["user-agent"] == USER_AGENT
    assert delivery.headers["webhook-signature"].startswith("v1,")


async def test_a_500_is_transient_and_the_retry_is_handled_once(
    receiver: WebhookReceiver,
) -> None:
    receiver.answer_with(500)
    with pytest.raises(ChannelError) as caught:
        await post_webhook(receiver.url, receiver.secret, "msg_2", {"n": 1})
    assert not caught.value.permanent
    assert caught.value.status_code == 500
    assert "msg_2" not in receiver.deliveries

    for _ in range(2):
        await post_webhook(receiver.url, receiver.secret, "msg_2", {"n": 1})
    assert receiver.arrivals["msg_2"] == 3
    assert list(receiver.deliveries) == ["msg_2"]


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (404, True), (410, True), (307, True), (408, False), (409, False),
     (429, False), (502, False), (503, False)],
)  # fmt: skip
async def test_each_answer_is_permanent_or_transient(
    receiver: WebhookReceiver, status: int, permanent: bool
) -> None:
    receiver.answer_with(status)
    with pytest.raises(ChannelError) as caught:
        await post_webhook(receiver.url, receiver.secret, f"msg_{status}", {"n": 1})
    assert caught.value.permanent is permanent
    assert caught.value.status_code == status
    assert f"answered {status}" in caught.value.message


async def test_a_signature_the_receiver_refuses_is_permanent(receiver: WebhookReceiver) -> None:
    with pytest.raises(ChannelError) as caught:
        await post_webhook(receiver.url, new_secret(), "msg_3", {"n": 1})
    assert caught.value.permanent
    assert caught.value.status_code == 401
    assert receiver.refused == 1
    assert receiver.deliveries == {}


async def test_a_shared_client_can_carry_the_post(receiver: WebhookReceiver) -> None:
    async with httpx.AsyncClient() as client:
        await post_webhook(receiver.url, receiver.secret, "msg_4", {"n": 4}, client=client)
    assert receiver.deliveries["msg_4"].body == {"n": 4}


class LongWinded(QuietHandler):
    def do_POST(self) -> None:
        self.read_body()
        text = ("é" * 5000).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


async def test_only_the_first_500_characters_of_the_answer_are_kept() -> None:
    with serving(LongWinded, None) as url:
        response = await post_webhook(url, new_secret(), "msg_8", {"n": 1})
    assert response.status_code == 200
    assert response.body == "é" * 500


async def test_nothing_listening_is_a_transient_failure() -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks?token=private"
    with pytest.raises(ChannelError) as caught:
        await post_webhook(url, new_secret(), "msg_5", {"n": 1})
    assert not caught.value.permanent
    assert caught.value.status_code is None
    assert "could not be reached" in caught.value.message
    assert "private" not in caught.value.message


@pytest.fixture
def silent_url() -> Iterator[str]:
    """An endpoint that accepts connections and never answers."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"


async def test_an_endpoint_that_never_answers_is_a_transient_timeout(silent_url: str) -> None:
    with pytest.raises(ChannelError) as caught:
        await post_webhook(silent_url, new_secret(), "msg_6", {"n": 1}, timeout_seconds=0.5)
    assert not caught.value.permanent
    assert "did not answer within 0.5 seconds" in caught.value.message


@pytest.mark.parametrize(
    ("secret", "payload"),
    [("whsec_not base64!", {"n": 1}), (new_secret(), {"n": float("nan")}),
     (new_secret(), {"when": datetime.now(UTC)})],
    ids=["secret-not-base64", "nan", "datetime"],
)  # fmt: skip
async def test_what_can_never_be_sent_is_permanent(
    receiver: WebhookReceiver, secret: str, payload: dict[str, object]
) -> None:
    with pytest.raises(ChannelError) as caught:
        await post_webhook(receiver.url, secret, "msg_7", payload)
    assert caught.value.permanent
    assert receiver.arrivals["msg_7"] == 0
