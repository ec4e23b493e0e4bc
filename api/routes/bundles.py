"""Signed audit bundles for auditors: one change, a service, or a time range, as one JSON
document that `throughline audit verify` (or any verifier written from
docs/audit-bundle.md) checks with no server."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from api.deps import Auditor, BundlesDep
from api.errors import error_responses
from models.base import Moment as BaseMoment
from models.base import Strict
from models.bundle import Manifest

router = APIRouter(tags=["audit"])

ChangeId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Moment = Annotated[
    BaseMoment | None,
    Query(description="ISO 8601 with an offset, e.g. 2026-11-01T00:00:00Z"),
]


class BundleSignature(Strict):
    alg: str = Field(examples=["Ed25519"])
    kid: str = Field(description="The signing key's id, as the manifest names it.")
    value: str = Field(description="The Ed25519 signature of the manifest's RFC 8785 text, base64.")


class AuditBundle(Strict):
    """A signed audit bundle; docs/audit-bundle.md says what each part holds."""

    manifest: Manifest
    signature: BundleSignature
    parts: dict[str, Any] = Field(description="Each part by name, as the manifest lists them.")


def bundle_download(bundle: dict[str, Any], name: str) -> JSONResponse:
    """A bundle as a file to save, named after what it covers."""
    disposition = f'attachment; filename="{name}.audit-bundle.json"'
    return JSONResponse(bundle, headers={"Content-Disposition": disposition})


@router.get(
    "/changes/{change_id}/export",
    summary="A signed audit bundle of one change",
    response_model=AuditBundle,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def export_change(
    *, change_id: ChangeId, caller: Auditor, bundles: BundlesDep
) -> JSONResponse:
    """Everything an auditor needs to check the change offline: its audit log, refused
    attempts, evidence fingerprints, who held each role when it was used, and Temporal's
    histories, under a manifest signed with the key at
    /.well-known/throughline-audit-key. Check it with `throughline audit verify`."""
    return bundle_download(await bundles.export_change(caller.id, change_id), change_id)


@router.get(
    "/audit/bundle",
    summary="A signed audit bundle of a service, or of a time range",
    response_model=AuditBundle,
    responses=error_responses(401, 403, 422, 503),
)
async def export_audit_bundle(
    *,
    caller: Auditor,
    bundles: BundlesDep,
    service: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    since: Moment = None,
    until: Moment = None,
) -> JSONResponse:
    """Give `service` for every change of a service, or `since` and/or `until` for every
    change with an event in that range (each change whole: a chain cut short cannot be
    checked). A bundle holds at most 100 changes; a wider one is refused (422) and
    asked to be narrowed."""
    return bundle_download(
        await bundles.export_many(caller.id, service, since, until), "throughline"
    )
