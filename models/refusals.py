"""Refusals on the record: a command refused by a rule leaves no workflow history, so it
is kept in an append-only, hash-chained log of its own per change. Repeats of the same
refusal are counted, not stored again, so no client can flood the log. Bad input (422)
and a missing token (401) are not attempts to act, and are not recorded."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.audit import AuditEvent, ChainVerdict, chain_event
from models.base import Strict
from models.canonical import fingerprint
from models.errors import IdempotencyKeyReused, ThroughlineError

REFUSED = "refused"
"""The kind of every event in a refusals log."""

ON_THE_RECORD = {403, 409}
"""Refusals by a rule: not permitted, not eligible, separation of duties, a closed gate,
a conflict with the change's state."""


class Refusal(Strict):
    """A refused attempt, as the service saw it."""

    change_id: str
    actor: str
    role: str | None
    command: str
    code: str
    reason: str


class RefusalLog(Strict):
    change_id: str
    refusals: list[AuditEvent]
    repeats: dict[int, int] = Field(
        description="For each event's seq, how many more times the same refusal came."
    )
    verdict: ChainVerdict


def is_on_the_record(error: ThroughlineError) -> bool:
    """A refusal by a rule; a reused Idempotency-Key is a client's mistake, not an act."""
    return error.status in ON_THE_RECORD and not isinstance(error, IdempotencyKeyReused)


def repeat_key(refusal: Refusal) -> str:
    """The same person refused the same command for the same reason: one record."""
    parts = [refusal.actor, refusal.role, refusal.command, refusal.code, refusal.reason]
    return fingerprint(parts)


def refusal_event(refusal: Refusal, seq: int, prev_hash: str, at: datetime) -> AuditEvent:
    """The next event of the change's refusals log."""
    return chain_event(
        log_id=refusal.change_id,
        seq=seq,
        prev_hash=prev_hash,
        at=at,
        actor=refusal.actor,
        role=refusal.role,
        kind=REFUSED,
        payload={"command": refusal.command, "code": refusal.code, "reason": refusal.reason},
    )
