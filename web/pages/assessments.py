"""A change's service assessments, set out like a published GOV.UK service assessment
report: the panel, the outcome, every point of the Service Standard with its rating and
reasons, and the actions each amber point carries. Anyone signed in may read them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import PracticeDep
from web.deps import ANY_ROLE, ChangeId
from web.render import render

router = APIRouter(dependencies=[ANY_ROLE])


@router.get("/changes/{change_id}/assessments", summary="Assessment reports")
async def assessment_reports_page(
    request: Request, change_id: ChangeId, practice: PracticeDep
) -> Response:
    reports = await practice.assessment_reports(change_id)
    context = {"title": "Service assessment reports", "change_id": change_id, "reports": reports}
    return render(request, "assessments.html", context)
