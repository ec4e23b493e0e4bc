"""Idempotency for POSTs handled in SQL alone.

The key is claimed first, with an insert that does nothing if the key exists, in the
same transaction as the effect. A concurrent duplicate waits on the database's unique
index, then reads the committed answer: it sees both the effect and the answer, or
neither, and never causes a second effect.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import IdempotencyKeyReused
from models.tables import IdempotentRequest
from throughline.store.sql import insert_missing

M = TypeVar("M", bound=BaseModel)


def fingerprint(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def once(
    session: AsyncSession,
    caller: str,
    key: str | None,
    body: BaseModel,
    work: Callable[[], Awaitable[M]],
    answer: type[M],
) -> M:
    """Do the work once per key; a retry gets the first answer."""
    if key is None:
        return await work()
    earlier = await _claim(session, caller, key, body)
    if earlier is not None:
        return answer.model_validate(earlier)
    result = await work()
    record = await session.get(IdempotentRequest, (caller, key))
    assert record is not None
    record.response = result.model_dump(mode="json")
    session.add(record)
    await session.flush()
    return result


async def _claim(
    session: AsyncSession, caller: str, key: str, body: BaseModel
) -> dict[str, Any] | None:
    """None if this request now owns the key, else the earlier answer."""
    row = {
        "caller": caller,
        "key": key,
        "fingerprint": fingerprint(body),
        "response": {},
        "created_at": datetime.now(UTC),
    }
    if await insert_missing(session, IdempotentRequest, [row]):
        return None
    record = await session.get(IdempotentRequest, (caller, key), populate_existing=True)
    assert record is not None
    if record.fingerprint != row["fingerprint"]:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used for a different request; "
            "use a new key for a new request"
        )
    return record.response
