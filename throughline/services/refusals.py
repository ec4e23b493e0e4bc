"""Refusals on the record: every command a rule refused, kept in a chained log per
change that auditors read. Recording never stands in the way of the refusal's answer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import verify_chain
from models.errors import ThroughlineError
from models.refusals import Refusal, RefusalLog, is_on_the_record
from throughline.store import readmodel, refusals

log = logging.getLogger(__name__)


class RefusalService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def note(
        self, change_id: str, actor: str, role: str | None, command: str, error: ThroughlineError
    ) -> None:
        """Put a refusal by a rule on the change's record; other errors are not acts."""
        if not is_on_the_record(error):
            return
        refusal = Refusal(
            change_id=change_id,
            actor=actor,
            role=role,
            command=command,
            code=error.code,
            reason=error.message,
        )
        try:
            async with self._sessions() as session:
                await refusals.put_on_record(session, refusal, datetime.now(UTC))
        except (SQLAlchemyError, RuntimeError):
            log.exception(
                "a refusal could not be put on the record", extra={"change_id": change_id}
            )

    async def log_of(self, change_id: str) -> RefusalLog:
        """The change's refusals in order, each with its repeats, checked link by link."""
        async with self._sessions() as session:
            await readmodel.require_change(session, change_id)
            entries = await refusals.log_of(session, change_id)
        events = [event for event, _ in entries]
        return RefusalLog(
            change_id=change_id,
            refusals=events,
            repeats={event.seq: repeats for event, repeats in entries if repeats},
            verdict=verify_chain(change_id, events),
        )
