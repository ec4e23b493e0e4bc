"""Reading one's own writes. A change's workflow answers a command as soon as it has
applied it, and the read model catches up a moment later, in the background. So that a
caller never reads a page older than the answer it was just given, every request but a
command first waits, briefly, until the read model holds every command this process has
answered (api/deps.py), and the command line waits before it exits."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.exc import SQLAlchemyError
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
CHUNK = 500
"""Change ids asked about in one query: SQLite takes a few thousand parameters at most."""


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
        """Return once SQL holds every command answered before this call, or after
        patience_s (by default PATIENCE_S). Answers noted meanwhile are not waited for,
        and a database that does not answer is read as it stands, by the read itself."""
        self._forget_the_stale()
        waiting = self.pending()
        try:
            async with asyncio.timeout(PATIENCE_S if patience_s is None else patience_s):
                while waiting:
                    waiting = await self._still_waiting(waiting)
                    if waiting:
                        await asyncio.sleep(POLL_S)
        except (TimeoutError, SQLAlchemyError, OSError):
            return

    async def _still_waiting(self, waiting: dict[str, int]) -> dict[str, int]:
        """Which of these answers SQL does not hold yet; those it holds are let go."""
        ids = list(waiting)
        projected: dict[str, int] = {}
        async with self._sessions() as session:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                projected |= await readmodel.projected_seqs(session, chunk)
        for change_id, seq in projected.items():
            noted = self._due.get(change_id)
            if noted is not None and noted[0] <= seq:
                del self._due[change_id]
        return {c: s for c, s in waiting.items() if projected.get(c, -1) < s}

    def _forget_the_stale(self) -> None:
        """Drop answers older than FORGET_AFTER_S, oldest first: a process that only
        takes commands and is never read from keeps a minute's answers, no more."""
        oldest = time.monotonic() - FORGET_AFTER_S
        while self._due:
            change_id, (_, noted) = next(iter(self._due.items()))
            if noted >= oldest:
                return
            del self._due[change_id]
