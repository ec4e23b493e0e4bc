"""Handoff analytics, for service owners, admins and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ReadsDep, RequireRole
from api.errors import error_responses
from models.analytics import AnalyticsQuery, HandoffAnalytics
from models.roles import Role

router = APIRouter(
    prefix="/analytics",
    tags=["analytics"],
    dependencies=[RequireRole(Role.SERVICE_OWNER, Role.ADMIN, Role.AUDITOR)],
)


@router.get(
    "/handoffs",
    summary="How long handoffs wait",
    response_model=HandoffAnalytics,
    responses=error_responses(401, 403, 422),
)
async def handoff_analytics(
    *, query: Annotated[AnalyticsQuery, Query()], reads: ReadsDep
) -> HandoffAnalytics:
    """Per role and per gate, for one service or all, over a time range: how many
    handoffs, the median and 90th percentile wait in hours and in working days, the share
    that went overdue, request changes per gate, and each cycle from intent to outcome."""
    return await reads.handoff_analytics(query)
