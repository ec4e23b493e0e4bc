"""Email through GOV.UK Notify, sent by the official client to a local Notify emulator:
what arrives, and which refusals are permanent and which transient."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
import pytest
from pydantic import SecretStr, ValidationError

from tests.processes import free_port
from tests.support.notify_emulator import EMAIL_PATH, NotifyEmulator
from throughline.channels.errors import ChannelError
from throughline.channels.notify import NotifySettings, send_notify_email


def settings_for(notify: NotifyEmulator, **overrides: object) -> NotifySettings:
    fields = {
        "api_key": notify.api_key(),
        "base_url": notify.base_url,
        "email_template_id": notify.template_id,
        "timeout_seconds": 5,
    }
    return NotifySettings.model_validate(fields | overrides)


async def send(settings: NotifySettings) -> str:
    return await send_notify_email(
        settings, "amira@example.gov.uk", "Gate opened", "The café opens at 8.", "delivery-42"
    )


async def test_an_email_reaches_notify_with_its_personalisation_and_reference(
    notify: NotifyEmulator,
) -> None:
    notification_id = await send(settings_for(notify))

    [email] = notify.accepted
    assert notification_id == email.id
    assert email.email_address == "amira@example.gov.uk"
    assert email.template_id == notify.template_id
    assert email.personalisation == {"subject": "Gate opened", "body": "The café opens at 8."}
    assert email.reference == "delivery-42"


async def test_a_key_with_the_wrong_secret_is_refused_for_good(notify: NotifyEmulator) -> None:
    wrong_key = f"throughline_test-{notify.service_id}-{uuid.uuid4()}"
    with pytest.raises(ChannelError) as caught:
        await send(settings_for(notify, api_key=wrong_key))
    assert caught.value.permanent
    assert caught.value.status_code == 403
    assert "AuthError: Invalid token: signature, api token not found" in caught.value.message
    assert wrong_key[-36:] not in str(caught.value)
    assert notify.accepted == []


async def test_a_key_for_another_service_is_refused_for_good(notify: NotifyEmulator) -> None:
    other_service = f"throughline_test-{uuid.uuid4()}-{notify.secret}"
    with pytest.raises(ChannelError) as caught:
        await send(settings_for(notify, api_key=other_service))
    assert caught.value.permanent
    assert "service not found" in caught.value.message


async def test_an_unknown_template_is_refused_for_good(notify: NotifyEmulator) -> None:
    with pytest.raises(ChannelError) as caught:
        await send(settings_for(notify, email_template_id=str(uuid.uuid4())))
    assert caught.value.permanent
    assert caught.value.status_code == 400
    assert "BadRequestError: Template not found" in caught.value.message


@pytest.mark.parametrize("status", [500, 429])
async def test_a_server_error_or_rate_limit_passes_and_a_retry_gets_through(
    notify: NotifyEmulator, status: int
) -> None:
    notify.fail_next(1, status)
    with pytest.raises(ChannelError) as caught:
        await send(settings_for(notify))
    assert not caught.value.permanent
    assert caught.value.status_code == status
    assert notify.accepted == []

    notification_id = await send(settings_for(notify))
    assert [email.id for email in notify.accepted] == [notification_id]


async def test_nothing_listening_is_a_transient_failure(notify: NotifyEmulator) -> None:
    settings = settings_for(notify, base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ChannelError) as caught:
        await send(settings)
    assert not caught.value.permanent
    assert caught.value.status_code is None
    assert "could not be reached" in caught.value.message


def test_settings_refuse_a_malformed_key_without_repeating_it() -> None:
    with pytest.raises(ValidationError) as caught:
        NotifySettings(api_key=SecretStr("not-a-key-at-all"), email_template_id=str(uuid.uuid4()))
    assert "not-a-key-at-all" not in str(caught.value)
    assert "{key_name}-{service_id}-{secret_key}" in str(caught.value)


def test_the_settings_never_show_the_key(notify: NotifyEmulator) -> None:
    settings = settings_for(notify)
    assert notify.secret not in repr(settings)
    assert notify.secret not in settings.model_dump_json()


def token(notify: NotifyEmulator, issued_at: float) -> str:
    return jwt.encode({"iss": notify.service_id, "iat": int(issued_at)}, notify.secret, "HS256")


@pytest.mark.parametrize(
    ("authorization", "status", "words"),
    [
        (None, 401, "authentication token must be provided"),
        ("Basic abc", 401, "bearer scheme must be used"),
        ("Bearer not-a-jwt", 403, "api token is not valid"),
        ("stale", 403, "accurate to within 30 seconds"),
        ("future", 403, "accurate to within 30 seconds"),
    ],
)
def test_the_emulator_checks_tokens_as_notify_does(
    notify: NotifyEmulator, authorization: str | None, status: int, words: str
) -> None:
    # Well past the 30 seconds allowed: `iat` is whole seconds, so a token 31 seconds
    # ahead, cut down to the second and checked a moment later, could fall inside them.
    shifts = {"stale": -45, "future": 45}
    if authorization in shifts:
        authorization = f"Bearer {token(notify, time.time() + shifts[authorization])}"
    headers = {"Authorization": authorization} if authorization else {}
    body = {"email_address": "a@example.gov.uk", "template_id": notify.template_id}
    answer = httpx.post(f"{notify.base_url}{EMAIL_PATH}", json=body, headers=headers)
    assert answer.status_code == status
    [error] = answer.json()["errors"]
    assert error["error"] == "AuthError"
    assert words in error["message"]
    assert notify.accepted == []


def test_the_emulator_answers_in_notifys_success_shape(notify: NotifyEmulator) -> None:
    headers = {"Authorization": f"Bearer {token(notify, time.time())}"}
    body = {
        "email_address": "a@example.gov.uk",
        "template_id": notify.template_id,
        "personalisation": {"subject": "S", "body": "B"},
        "reference": "r-1",
    }
    answer = httpx.post(f"{notify.base_url}{EMAIL_PATH}", json=body, headers=headers)
    assert answer.status_code == 201
    created = answer.json()
    assert created["reference"] == "r-1"
    assert created["content"]["subject"] == "S"
    assert created["content"]["body"] == "B"
    assert created["template"]["id"] == notify.template_id
    assert created["uri"].endswith(f"/v2/notifications/{created['id']}")


@pytest.mark.parametrize(
    ("body", "error", "words"),
    [
        ({"template_id": "T"}, "ValidationError", "email_address is a required property"),
        ({"email_address": "a@example.gov.uk"}, "ValidationError", "template_id is a required"),
        ({"email_address": "a@example.gov.uk", "template_id": "T"}, "BadRequestError", "subject"),
    ],
)
def test_the_emulator_refuses_an_incomplete_request(
    notify: NotifyEmulator, body: dict[str, str], error: str, words: str
) -> None:
    filled = {name: notify.template_id if value == "T" else value for name, value in body.items()}
    headers = {"Authorization": f"Bearer {token(notify, time.time())}"}
    answer = httpx.post(f"{notify.base_url}{EMAIL_PATH}", json=filled, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["error"] == error
    assert words in answer.json()["errors"][0]["message"]
