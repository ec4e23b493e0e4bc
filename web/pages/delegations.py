"""Delegations: the ones I gave and the ones I received, a form to give one for a bounded
period, and a way to revoke the ones I may; the directory's rules refuse in their own
words."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from api.deps import DelegationsDep
from models.base import PersonId, ShortText, Text
from models.directory.commands import DelegationRequest
from models.directory.rules import require_may_revoke
from models.errors import NotPermitted
from models.read.reports import DelegationOut
from models.roles import Role
from throughline.services.auth import Caller
from throughline.services.delegations import DelegationService
from web.deps import Form, PagePerson
from web.forms import FormPage, act, form_key, read
from web.render import PREFIX

router = APIRouter()

DelegationId = Annotated[int, Path(ge=1, le=2**31 - 1)]
HERE = f"{PREFIX}/delegations"
LABELS = {
    "delegate": "The user id of the person to act for you",
    "role": "The role",
    "change_id": "The change id",
    "starts_on": "The first day",
    "ends_on": "The last day",
    "reason": "The reason",
}


LAST_DAY = date(9999, 12, 31)
"""The day after a delegation's last is its end: it must exist."""


class DelegationForm(BaseModel):
    """The form as a browser sends it: whole days, where the API takes moments."""

    delegate: PersonId
    role: Role
    change_id: ShortText | None = None
    starts_on: date | None = Field(default=None, lt=LAST_DAY)
    ends_on: date = Field(lt=LAST_DAY)
    reason: Text | None = None

    def request(self) -> DelegationRequest:
        """From the start of the first day (or now) to the end of the last, in UTC."""
        return DelegationRequest(
            delegate=self.delegate,
            role=self.role,
            change_id=self.change_id,
            starts_at=_midnight(self.starts_on) if self.starts_on else None,
            ends_at=_midnight(self.ends_on + timedelta(days=1)),
            reason=self.reason,
        )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _state(delegation: DelegationOut, now: datetime) -> str:
    """The delegation's state, in a word or two, for its tag."""
    if delegation.revoked_at is not None and delegation.revoked_at <= now:
        return "Revoked"
    if delegation.in_force:
        return "In force"
    return "Not started" if delegation.starts_at > now else "Ended"


def _revocable(delegation: DelegationOut, caller: Caller, state: str) -> bool:
    """Not yet over, and the directory's rule lets this person revoke it."""
    if state not in ("In force", "Not started"):
        return False
    try:
        require_may_revoke(delegation.delegator, caller.id, caller.holds(Role.ADMIN))
    except NotPermitted:
        return False
    return True


def _rows(delegations: list[DelegationOut], caller: Caller) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    rows = []
    for delegation in delegations:
        state = _state(delegation, now)
        revocable = _revocable(delegation, caller, state)
        rows.append({"d": delegation, "state": state, "revocable": revocable})
    return rows


async def _load(delegations: DelegationService, caller: Caller) -> dict[str, Any]:
    rows = _rows(await delegations.involving(caller.id), caller)
    return {
        "given": [row for row in rows if row["d"].delegator == caller.id],
        "received": [row for row in rows if row["d"].delegator != caller.id],
        "roles": caller.roles,
    }


def _page(delegations: DelegationService, caller: Caller, refusal: str) -> FormPage:
    load = partial(_load, delegations, caller)
    return FormPage("delegations.html", "Delegations", load=load, refusal_field=refusal)


async def _give(delegations: DelegationService, caller: Caller, values: dict[str, Any]) -> object:
    form = read(DelegationForm, values, LABELS)
    return await delegations.delegate(caller.id, form.request(), form_key())


async def _revoke(
    delegations: DelegationService, caller: Caller, delegation_id: int, _values: dict[str, Any]
) -> object:
    return await delegations.revoke(caller.id, delegation_id)


@router.get("/delegations", summary="My delegations")
async def delegations_page(
    request: Request, caller: PagePerson, delegations: DelegationsDep
) -> Response:
    return await _page(delegations, caller, "delegation").show(request)


@router.post("/delegations", summary="Give a delegation")
async def give_delegation(
    request: Request, caller: PagePerson, delegations: DelegationsDep, form: Form
) -> Response:
    page = _page(delegations, caller, "delegation")
    attempt = partial(_give, delegations, caller)
    return await act(request, page, form, attempt, done=("The delegation was given", HERE))


@router.post("/delegations/{delegation_id}/revoke", summary="Revoke a delegation")
async def revoke_delegation(
    request: Request,
    delegation_id: DelegationId,
    caller: PagePerson,
    delegations: DelegationsDep,
    form: Form,
) -> Response:
    page = _page(delegations, caller, f"revoke.{delegation_id}")
    attempt = partial(_revoke, delegations, caller, delegation_id)
    message = "The delegation was revoked: the delegate's sign-offs stop counting from now"
    return await act(request, page, form, attempt, done=(message, HERE))
