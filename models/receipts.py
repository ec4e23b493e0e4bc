"""Receipts of completed commands, so a retried request gets its first answer.

Temporal de-duplicates update ids only within one run; these receipts travel
across continue-as-new so idempotency survives each new PDCA cycle.
"""

from __future__ import annotations

from models.commands import RequestKey
from models.errors import IdempotencyKeyReused
from models.read.views import GateView
from models.results import CommandResult, Receipt

RECEIPTS_KEPT = 100


def compact(result: CommandResult) -> CommandResult:
    """Receipts travel in every continue-as-new input, so they keep the outcome (status,
    stage, each role's progress, what is unmet) and drop the bulky detail."""

    def trim(gate: GateView | None) -> GateView | None:
        if gate is None:
            return None
        return gate.model_copy(
            update={"submission": None, "signoffs": [], "approval_notes": [], "conditions": []}
        )

    trimmed = trim(result.gate)
    assert trimmed is not None
    return result.model_copy(update={"gate": trimmed, "closed_gate": trim(result.closed_gate)})


class ReceiptBook:
    def __init__(self, receipts: list[Receipt], keep: int = RECEIPTS_KEPT) -> None:
        self._keep = keep
        self._by_key = {r.key: r for r in receipts[-keep:]}

    def replay(self, request: RequestKey | None) -> CommandResult | None:
        """The earlier result for this key; refuses a key reused for a different request."""
        if request is None:
            return None
        receipt = self._by_key.get(request.key)
        if receipt is None:
            return None
        if receipt.fingerprint != request.fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used for a different request; "
                "use a new key for a new request"
            )
        return receipt.result

    def remember(self, request: RequestKey | None, result: CommandResult) -> None:
        if request is None:
            return
        self._by_key[request.key] = Receipt(
            key=request.key, fingerprint=request.fingerprint, result=compact(result)
        )
        while len(self._by_key) > self._keep:
            del self._by_key[next(iter(self._by_key))]

    def recent(self) -> list[Receipt]:
        return list(self._by_key.values())
