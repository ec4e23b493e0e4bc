"""Reading one's own writes. A change's workflow answers a command as soon as it has
applied it, and the read model catches up a moment later, in the background. So that a
caller never reads a page older than the answer it was just given, every request but a
command first waits, briefly, until the read model holds every command this process has
answered (api/deps.py), and the command line waits before it exits."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.results import CommandResult
from throughline.store import readmodel

PATIENCE_S = 2.0
"""The longest a read waits; a projection held up longer (a database outage, say) is read
as it stands rather than keeping readers waiting."""
FORGET_AFTER_S = 60.0
"""An answer the read model has not reached in this long is no longer waited for."""
POLL_S = 0.003


class Answered:
    """The newest seq this process has answered for each change, until SQL holds it."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._due: dict[str, tuple[int, float]] = {}

    def note(self, result: CommandResult) -> None:
        seq, _ = self._due.get(result.change_id, (-1, 0.0))
        if result.seq > seq:
            # Moved to the end, so the dict stays in the order answers were noted.
            self._due.pop(result.change_id, None)
            self._due[result.change_id] = (result.seq, time.monotonic())
        self._forget_the_stale()

    def pending(self) -> dict[str, int]:
        return {change_id: seq for change_id, (seq, _) in self._due.items()}

    async def caught_up(self, patience_s: float | None = None) -> None:
        """Return once SQL holds every answered command, or after patience_s (by
        default PATIENCE_S)."""
        deadline = time.monotonic() + (PATIENCE_S if patience_s is None else patience_s)
        while self._due:
            self._forget_the_stale()
            await self._drop_the_projected()
            if not self._due or time.monotonic() >= deadline:
                return
            await asyncio.sleep(POLL_S)

    def _forget_the_stale(self) -> None:
        """Drop answers older than FORGET_AFTER_S, oldest first: a process that only
        takes commands and is never read from keeps a minute's answers, no more."""
        oldest = time.monotonic() - FORGET_AFTER_S
        while self._due:
            change_id, (_, noted) = next(iter(self._due.items()))
            if noted >= oldest:
                return
            del self._due[change_id]

    async def _drop_the_projected(self) -> None:
        due = dict(self._due)
        if not due:
            return
        async with self._sessions() as session:
            projected = await readmodel.projected_seqs(session, list(due))
        for change_id, (seq, _) in due.items():
            if projected.get(change_id, -1) >= seq and self._due.get(change_id) == due[change_id]:
                del self._due[change_id]
