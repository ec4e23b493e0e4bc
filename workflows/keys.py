"""Idempotency-Keys inside a change workflow: the answers of recent keyed commands, and
the keys of commands still being handled."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.commands import Command
    from models.errors import IdempotencyKeyReused
    from models.receipts import ReceiptBook
    from models.results import CommandResult, Receipt


class CommandKeys:
    """Temporal de-duplicates an update id only within one run; the book of recent
    answers travels across continue-as-new, and the service answers older keys from SQL.
    A key in use by one command refuses a different body before the first has an answer."""

    def __init__(self, receipts: list[Receipt]) -> None:
        self.book = ReceiptBook(receipts)
        self._in_flight: dict[str, str] = {}

    def refuse_a_different_body_in_flight(self, cmd: Command) -> None:
        request = cmd.request
        if request and self._in_flight.get(request.key, request.fingerprint) != request.fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key is in use by a different request right now; "
                "use a new key for a new request"
            )

    def earlier(self, cmd: Command) -> CommandResult | None:
        """The answer this key already got in this run or a recent one."""
        return self.book.replay(cmd.request)

    @contextmanager
    def handling(self, cmd: Command) -> Iterator[None]:
        if cmd.request is None:
            yield
            return
        self._in_flight[cmd.request.key] = cmd.request.fingerprint
        try:
            yield
        finally:
            self._in_flight.pop(cmd.request.key, None)

    def remember(self, cmd: Command, result: CommandResult) -> Receipt | None:
        """Keep the answer; the full receipt, for SQL, when the command had a key."""
        self.book.remember(cmd.request, result)
        return Receipt.of(cmd.request, result) if cmd.request is not None else None
