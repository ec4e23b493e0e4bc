"""Notification choices, for oneself or (for admins) anyone; webhook subscriptions and
their delivery log, for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, status

from api import examples
from api.deps import ADMINS, CurrentCaller, NotificationsDep
from api.errors import error_responses
from models.subscriptions import (
    Delivery,
    DeliveryLog,
    Preferences,
    PreferencesRequest,
    Webhook,
    WebhookRequest,
    WebhookSecret,
    WebhookUpdate,
)

router = APIRouter(tags=["notifications"])
admin_router = APIRouter(tags=["notifications"], dependencies=[ADMINS])

PersonId = Annotated[str, Path(max_length=64)]
WebhookId = Annotated[str, Path(max_length=40)]
PreferencesBody = Annotated[PreferencesRequest, Body(openapi_examples=examples.PREFERENCES)]
WRITE_ERRORS = error_responses(401, 403, 404, 413, 415, 422)


@router.get(
    "/me/notifications",
    summary="How I am told",
    response_model=Preferences,
    responses=error_responses(401),
)
async def my_preferences(*, caller: CurrentCaller, notifications: NotificationsDep) -> Preferences:
    """My channels, my address and whether I get a daily digest, with the channels this
    deployment offers."""
    return await notifications.preferences(caller.id)


@router.put(
    "/me/notifications",
    summary="Choose how I am told",
    response_model=Preferences,
    responses=error_responses(401, 409, 413, 415, 422),
)
async def set_my_preferences(
    *, body: PreferencesBody, caller: CurrentCaller, notifications: NotificationsDep
) -> Preferences:
    """Replace my choices. No channels means I am told nothing; with digest, the day's
    notices come together at the digest hour."""
    return await notifications.set_preferences(caller.id, body)


@admin_router.get(
    "/people/{person_id}/notifications",
    summary="How a person is told",
    response_model=Preferences,
    responses=error_responses(401, 403, 404, 422),
)
async def preferences_of(*, person_id: PersonId, notifications: NotificationsDep) -> Preferences:
    """Admins only."""
    return await notifications.preferences(person_id)


@admin_router.put(
    "/people/{person_id}/notifications",
    summary="Choose how a person is told",
    response_model=Preferences,
    responses=error_responses(401, 403, 404, 409, 413, 415, 422),
)
async def set_preferences_of(
    *, person_id: PersonId, body: PreferencesBody, notifications: NotificationsDep
) -> Preferences:
    """Admins only: for someone who cannot set their own."""
    return await notifications.set_preferences(person_id, body)


@admin_router.get(
    "/webhooks",
    summary="List webhook subscriptions",
    response_model=list[Webhook],
    responses=error_responses(401, 403),
)
async def list_webhooks(*, notifications: NotificationsDep) -> list[Webhook]:
    """Every subscription, without its secret."""
    return await notifications.webhooks()


@admin_router.post(
    "/webhooks",
    summary="Subscribe a webhook",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookSecret,
    responses=error_responses(401, 403, 413, 415, 422),
)
async def create_webhook(
    *,
    body: Annotated[WebhookRequest, Body(openapi_examples=examples.WEBHOOK)],
    caller: CurrentCaller,
    notifications: NotificationsDep,
) -> WebhookSecret:
    """Deliveries are signed as Standard Webhooks asks; the secret is shown only now."""
    return await notifications.create_webhook(caller.id, body)


@admin_router.patch(
    "/webhooks/{webhook_id}",
    summary="Change a webhook subscription",
    response_model=Webhook,
    responses=WRITE_ERRORS,
)
async def update_webhook(
    *,
    webhook_id: WebhookId,
    body: Annotated[WebhookUpdate, Body(openapi_examples=examples.WEBHOOK_UPDATE)],
    notifications: NotificationsDep,
) -> Webhook:
    """Change its URL, topics or description, or pause it with active false."""
    return await notifications.update_webhook(webhook_id, body)


@admin_router.delete(
    "/webhooks/{webhook_id}",
    summary="Remove a webhook subscription",
    response_model=Webhook,
    responses=error_responses(401, 403, 404, 422),
)
async def delete_webhook(*, webhook_id: WebhookId, notifications: NotificationsDep) -> Webhook:
    """Nothing more is sent to it, and it is given back as it was; the rows of its
    deliveries stay for the record."""
    return await notifications.delete_webhook(webhook_id)


@admin_router.post(
    "/webhooks/{webhook_id}/secret",
    summary="Rotate a webhook's secret",
    response_model=WebhookSecret,
    responses=error_responses(401, 403, 404, 422),
)
async def rotate_secret(*, webhook_id: WebhookId, notifications: NotificationsDep) -> WebhookSecret:
    """A new secret signs every delivery from now on, redeliveries included."""
    return await notifications.rotate_secret(webhook_id)


@admin_router.get(
    "/webhooks/{webhook_id}/deliveries",
    summary="A webhook's delivery log",
    response_model=DeliveryLog,
    responses=error_responses(401, 403, 404, 422),
)
async def delivery_log(
    *,
    webhook_id: WebhookId,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    notifications: NotificationsDep,
) -> DeliveryLog:
    """The newest deliveries first, each with every attempt: when, how it ended, the
    status the endpoint answered and the error."""
    return await notifications.delivery_log(webhook_id, limit)


@admin_router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    summary="Send a delivery again",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Delivery,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def redeliver(
    *,
    webhook_id: WebhookId,
    delivery_id: Annotated[str, Path(max_length=40)],
    notifications: NotificationsDep,
) -> Delivery:
    """Sends it again under the same webhook-id; 409 while it is still being sent."""
    return await notifications.redeliver(webhook_id, delivery_id)
