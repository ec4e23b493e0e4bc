"""Idempotency for POSTs handled in SQL alone. The record is written in the same
transaction as the effect, so a retry either sees both or neither.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import IdempotencyKeyReused
from models.tables import IdempotentRequest


def fingerprint(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def earlier_response(
    session: AsyncSession, caller: str, key: str, body: BaseModel
) -> dict[str, Any] | None:
    record = await session.get(IdempotentRequest, (caller, key))
    if record is None:
        return None
    if record.fingerprint != fingerprint(body):
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used for a different request; "
            "use a new key for a new request"
        )
    return record.response


async def remember(
    session: AsyncSession, caller: str, key: str, body: BaseModel, response: BaseModel
) -> None:
    session.add(
        IdempotentRequest(
            caller=caller,
            key=key,
            fingerprint=fingerprint(body),
            response=response.model_dump(mode="json"),
            created_at=datetime.now(UTC),
        )
    )
    await session.flush()
