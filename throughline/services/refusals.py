"""Refusals on the record: every command a rule refused, kept in a chained log per
change that auditors read. Recording never stands in the way of the refusal's answer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import ThroughlineError
from models.read.audit_pages import EventFilter, RefusalPage
from models.refusals import Refusal, is_on_the_record
from models.tables import RefusalRow
from throughline.services.chain_checks import stream_verdict
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

    async def log_of(self, change_id: str, where: EventFilter | None = None) -> RefusalPage:
        """The change's refusals in order, each with its repeats (a page of them when
        `where` asks for one), and the whole log's check, link by link, read in chunks."""
        async with self._sessions() as session:
            await readmodel.require_change(session, change_id)
            entries, next_after = await refusals.page_of(session, change_id, where)
        events = [event for event, _ in entries]
        return RefusalPage(
            change_id=change_id,
            refusals=events,
            repeats={event.seq: repeats for event, repeats in entries if repeats},
            verdict=await stream_verdict(self._sessions, RefusalRow, change_id),
            next_after=next_after,
        )
