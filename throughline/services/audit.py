"""Audit logs for auditors: a change's events and the directory's, each checked link by
link and against the workflow's own record of where it ends; a change's log and its
refusals a page at a time, and exports of many changes' events, streamed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import ChainAnchor, ChainVerdict, HashScheme, verify_chain
from models.read.audit_pages import (
    AuditPage,
    EventFilter,
    ExportFilter,
    ExportFormat,
    RefusalPage,
)
from models.read.reports import DirectoryLog
from models.tables import AuditEventRow
from throughline.audit_keys import AuditPublicKey, audit_signer
from throughline.services.audit_exports import export_text
from throughline.services.chain_checks import stream_verdict
from throughline.services.change_workflows import ChangeWorkflows
from throughline.services.directory import DirectoryService
from throughline.store import directory, readmodel


class AuditService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        workflows: ChangeWorkflows,
        directory_service: DirectoryService,
    ) -> None:
        self._sessions = sessions
        self._workflows = workflows
        self._directory = directory_service

    async def change_log(self, change_id: str, where: EventFilter | None = None) -> AuditPage:
        """The change's events (a page of them when `where` asks for one) and the whole
        log's verdict, read in chunks so no check holds the whole log. Checked against the
        workflow's own head when Temporal answers, else against the read model's record of
        the last event. When the log was rewritten, the hashes Temporal recorded show from
        which event on. Temporal is asked while the page is read."""
        anchoring = asyncio.ensure_future(self._workflows.chain_anchor(change_id))
        try:
            async with self._sessions() as session:
                row = await readmodel.require_change(session, change_id)
                events, next_after = await readmodel.audit_page(session, change_id, where)
        except BaseException:
            anchoring.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await anchoring
            raise
        anchor = await anchoring
        anchor = anchor or ChainAnchor(seq=row.last_seq, hash=row.last_hash, source="read_model")
        verdict = await self._verdict(change_id, anchor, HashScheme(row.hash_scheme))
        return AuditPage(change_id=change_id, events=events, verdict=verdict, next_after=next_after)

    async def _verdict(
        self, change_id: str, anchor: ChainAnchor, scheme: HashScheme
    ) -> ChainVerdict:
        verdict = await stream_verdict(
            self._sessions, AuditEventRow, change_id, anchor, scheme=scheme
        )
        if verdict.problem and verdict.first_bad_seq is None and anchor.source == "temporal":
            recorded = await self._workflows.recorded_hashes(change_id)
            anchor = anchor.model_copy(update={"recorded": recorded})
            verdict = await stream_verdict(
                self._sessions, AuditEventRow, change_id, anchor, scheme=scheme
            )
        return verdict

    async def export(self, where: ExportFilter, as_format: ExportFormat) -> AsyncIterator[str]:
        """The audit events `where` picks, as CSV or a JSON array, a chunk at a time."""
        return await export_text(self._sessions, where, as_format)

    async def public_key(self) -> AuditPublicKey:
        """The public half of the key audit bundles are signed with, made on first use."""
        path = self._workflows.settings.audit_key_path()
        signer = await asyncio.to_thread(audit_signer, path)
        return signer.public()

    async def refusals(self, change_id: str, where: EventFilter | None = None) -> RefusalPage:
        """The commands refused on this change by a rule (a page of them when `where`
        asks for one), and the whole log checked link by link."""
        return await self._workflows.refusals.log_of(change_id, where)

    async def directory_log(self) -> DirectoryLog:
        """The directory's events, checked the same way."""
        directory_id = self._directory.directory_id
        anchor = await self._directory.chain_anchor()
        async with self._sessions() as session:
            events = await directory.events_of(session, directory_id)
            head = await directory.log_head(session, directory_id)
        if anchor is None and head is not None:
            anchor = ChainAnchor(seq=head.last_seq, hash=head.last_hash, source="read_model")
        verdict = verify_chain(directory_id, events, anchor)
        return DirectoryLog(directory_id=directory_id, events=events, verdict=verdict)
