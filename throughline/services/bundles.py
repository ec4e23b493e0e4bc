"""Signed audit bundles: everything an auditor needs to check a change, a service or a
time range with no server: the audit logs, refusals, evidence fingerprints, the
directory events about the people who acted, and Temporal's own histories, under a
manifest signed with the audit key. docs/audit-bundle.md specifies the format."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from models.audit import HashScheme
from models.bundle import BundleScope, ChangeRecord, SigningKey, unsigned_bundle
from models.bundle_history import pack_history, recorded_hashes
from models.change import ChangeStatus
from models.errors import BundleTooLarge, InvalidRequest, Unavailable
from models.jcs import jcs_bytes
from throughline.audit_keys import audit_signer
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.store import archive, bundles, directory, readmodel, refusals
from throughline.temporal import workflow_id

CATCH_UP_TRIES = 20
CATCH_UP_SECONDS = 0.1
MOST_CHANGES = 100
"""A bundle is one document, built in memory: a service or a range with more changes
than this is refused, and asked to be narrowed."""


class BundleService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: Client,
        settings: Settings,
        directory_service: DirectoryService,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._settings = settings
        self._directory = directory_service

    async def export_change(self, actor: str, change_id: str) -> dict[str, Any]:
        """One change's bundle; an unknown change is refused."""
        async with self._sessions() as session:
            await readmodel.require_change(session, change_id)
        return await self._bundle(
            actor, BundleScope(kind="change", change_id=change_id), [change_id]
        )

    async def export_many(
        self, actor: str, service: str | None, since: datetime | None, until: datetime | None
    ) -> dict[str, Any]:
        """A service's changes, or the changes with events in a time range."""
        if service is not None and (since or until):
            raise InvalidRequest("give service, or since and until, not both")
        if service is not None:
            return await self.export_service(actor, service)
        if since is None and until is None:
            raise InvalidRequest("give service, or since and/or until, to say what to export")
        if since and until and since >= until:
            raise InvalidRequest("since must be before until")
        return await self.export_range(actor, since, until)

    async def export_service(self, actor: str, service: str) -> dict[str, Any]:
        """A bundle of every change of a service."""
        async with self._sessions() as session:
            ids = await bundles.changes_of_service(session, service, MOST_CHANGES + 1)
        return await self._bundle(actor, BundleScope(kind="service", service=service), ids)

    async def export_range(
        self, actor: str, since: datetime | None, until: datetime | None
    ) -> dict[str, Any]:
        """A bundle of every change with an event in [since, until), each whole, since a
        chain cut short cannot be checked."""
        async with self._sessions() as session:
            ids = await bundles.changes_active_between(session, since, until, MOST_CHANGES + 1)
        scope = BundleScope(
            kind="range",
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
        )
        return await self._bundle(actor, scope, ids)

    async def _bundle(self, actor: str, scope: BundleScope, ids: list[str]) -> dict[str, Any]:
        if len(ids) > MOST_CHANGES:
            raise BundleTooLarge(
                f"a bundle holds at most {MOST_CHANGES} changes and this one would hold "
                "more: narrow it to a service or a shorter time range"
            )
        records = [await self._record(change_id) for change_id in ids]
        async with self._sessions() as session:
            people = await directory.events_of(session, self._directory.directory_id)
        signer = await asyncio.to_thread(audit_signer, self._settings.audit_key_path())
        key = SigningKey(**signer.public().model_dump(include={"kid", "public_key"}))
        manifest, parts = unsigned_bundle(scope, actor, key, records, people)
        value = base64.b64encode(signer.sign(jcs_bytes(manifest))).decode("ascii")
        signature = {"alg": "Ed25519", "kid": key.kid, "value": value}
        return {"manifest": manifest, "signature": signature, "parts": parts}

    async def _record(self, change_id: str) -> ChangeRecord:
        """Histories first, then the logs, until the two agree: a projection the
        histories recorded may still be on its way to the database, and the change may
        move on while it is read. A log that never agrees is exported as it is, for the
        check to name."""
        for _ in range(CATCH_UP_TRIES):
            histories, recorded = await self._histories(change_id)
            async with self._sessions() as session:
                row = await readmodel.require_change(session, change_id)
                events = await readmodel.audit_events(session, change_id)
                refused = await refusals.log_of(session, change_id)
            if not histories or len(events) == recorded:
                break
            await asyncio.sleep(CATCH_UP_SECONDS)
        return ChangeRecord(
            change_id=change_id,
            title=row.title,
            service=row.service,
            status=ChangeStatus(row.status),
            closed=row.closed_at is not None,
            hash_scheme=HashScheme(row.hash_scheme),
            events=events,
            refusals=[event for event, _ in refused],
            repeats={event.seq: repeats for event, repeats in refused},
            histories=histories,
        )

    async def _histories(self, change_id: str) -> tuple[list[dict[str, Any]], int]:
        """Every run of the change's workflow, oldest first, packed, and the last audit
        event they recorded: the archived runs Temporal no longer has, then the runs
        it has, walked back from the latest by each run's predecessor."""
        wid = workflow_id(change_id)
        retained = await self._retained_runs(wid)
        async with self._sessions() as session:
            archived = [r.run_id for r in await archive.runs_of(session, wid)]
            gone = [run for run in archived if run not in retained]
            older = [(run, await archive.history_of(session, wid, run)) for run in gone]
        texts = [(run, gzip.decompress(data)) for run, data in older if data is not None]
        texts += list(retained.items())
        recorded = [recorded_hashes(json.loads(text)) for _, text in texts]
        last = max((max(hashes) for hashes in recorded if hashes), default=0)
        return [pack_history(wid, run, text) for run, text in texts], last

    async def _retained_runs(self, wid: str) -> dict[str, bytes]:
        """The history JSON of each run Temporal still has, oldest first."""
        runs: list[tuple[str, bytes]] = []
        run_id: str | None = None
        while True:
            handle = self._client.get_workflow_handle(wid, run_id=run_id)
            try:
                history = await handle.fetch_history()
            except RPCError as error:
                if error.status is RPCStatusCode.NOT_FOUND:
                    break
                raise Unavailable(
                    f"Temporal did not answer ({error.message}); the bundle would lack its "
                    "histories, so none was made: try again shortly"
                ) from None
            runs.append((history.run_id, history.to_json().encode("utf-8")))
            started = history.events[0].workflow_execution_started_event_attributes
            run_id = started.continued_execution_run_id or None
            if run_id is None:
                break
        return dict(reversed(runs))
