"""Audit logs for auditors: a change's events and the directory's, each checked link by
link and against the workflow's own record of where it ends."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import ChainAnchor, verify_chain
from models.read.reports import AuditLog, DirectoryLog
from models.refusals import RefusalLog
from throughline.audit_keys import AuditPublicKey, audit_signer
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

    async def change_log(self, change_id: str) -> AuditLog:
        """Checked against the workflow's own head when Temporal answers, else against the
        read model's record of the last event. When the log was rewritten, the hashes
        Temporal recorded show from which event on."""
        anchor = await self._workflows.chain_anchor(change_id)
        async with self._sessions() as session:
            row = await readmodel.require_change(session, change_id)
            events = await readmodel.audit_events(session, change_id)
        anchor = anchor or ChainAnchor(seq=row.last_seq, hash=row.last_hash, source="read_model")
        verdict = verify_chain(change_id, events, anchor)
        if verdict.problem and verdict.first_bad_seq is None and anchor.source == "temporal":
            recorded = await self._workflows.recorded_hashes(change_id)
            verdict = verify_chain(
                change_id, events, anchor.model_copy(update={"recorded": recorded})
            )
        return AuditLog(change_id=change_id, events=events, verdict=verdict)

    async def public_key(self) -> AuditPublicKey:
        """The public half of the key audit bundles are signed with, made on first use."""
        path = self._workflows.settings.audit_key_path()
        signer = await asyncio.to_thread(audit_signer, path)
        return signer.public()

    async def refusals(self, change_id: str) -> RefusalLog:
        """The commands refused on this change by a rule, checked link by link."""
        return await self._workflows.refusals.log_of(change_id)

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
