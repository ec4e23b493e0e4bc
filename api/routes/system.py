"""Health, metrics and the audit signing key. Playbooks have their own routes, in
playbooks.py."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import AuditDep, HealthDep
from api.errors import error_responses
from models.read.reports import Health
from throughline.audit_keys import AuditPublicKey

router = APIRouter(tags=["system"])


@router.get(
    "/healthz",
    summary="Health of Temporal and the database",
    response_model=Health,
    responses={
        **error_responses(413),
        503: {"model": Health, "description": "Temporal or the database is unreachable."},
    },
)
async def healthz(*, health_service: HealthDep) -> JSONResponse:
    """Whether Temporal and the database answer; 503 when either does not. Failing
    notification channels make it degraded with a 200: changes still move."""
    health = await health_service.check()
    return JSONResponse(
        status_code=200 if health.serving else 503, content=health.model_dump(mode="json")
    )


@router.get(
    "/.well-known/throughline-audit-key",
    summary="The key audit bundles are signed with",
    response_model=AuditPublicKey,
    responses=error_responses(413, 503),
)
async def audit_public_key(*, audit: AuditDep) -> AuditPublicKey:
    """The Ed25519 public key audit bundles are signed with, for checking them offline.
    Open to anyone, like a published key should be; `throughline audit public-key`
    prints the same."""
    return await audit.public_key()


@router.get("/metrics", summary="Metrics for Prometheus", include_in_schema=False)
async def metrics(*, health_service: HealthDep) -> Response:
    """Prometheus's text format; open like /healthz, so keep it off the public internet."""
    return Response(await health_service.metrics(), media_type=CONTENT_TYPE_LATEST)
