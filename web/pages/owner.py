"""The service owner's pages: decide at the act gate (adopt, adapt or abandon) and rule on
a challenged reject (uphold or overturn). Only what the owner may do is offered, and
whatever is not offered says why in the rule's own words, from ReadService.owner_options."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import ChangesDep, ReadsDep
from models.commands import ChallengeResolutionRequest, DecisionRequest
from models.gate import ActOutcome
from models.read.owner_options import DecideOptions, OwnerOptions, RulingOptions
from throughline.services.changes import ChangeService
from throughline.services.reads import ReadService
from web.deps import ANY_ROLE, ChangeId, Form, PagePerson
from web.forms import FormPage, act, form_key, read
from web.links import change_page
from web.pages.sign_off import NotOffered, Offer, sentence
from web.render import words

router = APIRouter(dependencies=[ANY_ROLE])

DECIDE_LABELS = {
    "outcome": "Select your decision",
    "comment": "Comment",
    "restart_at": "Select the stage to restart at",
}
RULING_LABELS = {"outcome": "Select your ruling", "comment": "Your reasons"}


@router.get("/changes/{change_id}/decide", summary="Adopt, adapt or abandon")
async def decide_page(
    *, request: Request, change_id: ChangeId, caller: PagePerson, reads: ReadsDep
) -> Response:
    return await _decide_page(reads, change_id, caller.id).show(request)


@router.post("/changes/{change_id}/decide", summary="Give the service owner's decision")
async def decide(
    *,
    request: Request,
    change_id: ChangeId,
    caller: PagePerson,
    reads: ReadsDep,
    changes: ChangesDep,
    form: Form,
) -> Response:
    page = _decide_page(reads, change_id, caller.id)
    done = ("Your decision is recorded", change_page(change_id))
    return await act(request, page, form, _decide(changes, change_id, caller.id), done)


@router.get("/changes/{change_id}/ruling", summary="Rule on a challenged reject")
async def ruling_page(
    *, request: Request, change_id: ChangeId, caller: PagePerson, reads: ReadsDep
) -> Response:
    return await _ruling_page(reads, change_id, caller.id).show(request)


@router.post("/changes/{change_id}/ruling", summary="Uphold or overturn a challenged reject")
async def rule(
    *,
    request: Request,
    change_id: ChangeId,
    caller: PagePerson,
    reads: ReadsDep,
    changes: ChangesDep,
    form: Form,
) -> Response:
    page = _ruling_page(reads, change_id, caller.id)
    done = ("Your ruling is recorded", change_page(change_id))
    return await act(request, page, form, _rule(changes, change_id, caller.id), done)


def _decide_page(reads: ReadService, change_id: str, person: str) -> FormPage:
    async def load() -> dict[str, Any]:
        return decide_context(await reads.owner_options(change_id, person))

    return FormPage("decide.html", "Adopt, adapt or abandon", load, refusal_field="outcome")


def _ruling_page(reads: ReadService, change_id: str, person: str) -> FormPage:
    async def load() -> dict[str, Any]:
        return ruling_context(await reads.owner_options(change_id, person))

    return FormPage("ruling.html", "Rule on the challenge", load, refusal_field="outcome")


Attempt = Callable[[dict[str, Any]], Awaitable[object]]


def _decide(changes: ChangeService, change_id: str, person: str) -> Attempt:
    async def attempt(values: dict[str, Any]) -> object:
        body = read(DecisionRequest, decision_fields(values), DECIDE_LABELS)
        return await changes.decide(change_id, person, body, key=form_key())

    return attempt


def _rule(changes: ChangeService, change_id: str, person: str) -> Attempt:
    async def attempt(values: dict[str, Any]) -> object:
        body = read(ChallengeResolutionRequest, values, RULING_LABELS)
        return await changes.resolve_challenge(change_id, person, body, key=form_key())

    return attempt


def decision_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The form as the API's decision: the restart stage counts only for adapt (a browser
    posts the hidden field of a conditional reveal too)."""
    fields: dict[str, Any] = {n: values[n] for n in ("outcome", "comment") if n in values}
    if values.get("outcome") == ActOutcome.ADAPT and "restart_at" in values:
        fields["restart_at"] = values["restart_at"]
    return fields


def decide_context(options: OwnerOptions) -> dict[str, Any]:
    """The outcomes and restart stages open to the owner, and why anything else is not."""
    decide: DecideOptions = options.decide
    open_ = [o for o in decide.outcomes if o.offered]
    restarts = [c.value for o in open_ for c in o.restart_at if c.offered]
    missing = [
        NotOffered(sentence(words(o.outcome)), o.reason or "")
        for o in decide.outcomes
        if not o.offered
    ]
    missing += [
        NotOffered(f"Adapt, restarting at {words(c.value)}", c.reason or "")
        for o in open_
        for c in o.restart_at
        if not c.offered
    ]
    return {
        "change_id": options.change_id,
        "may": decide.may_decide,
        "reason": decide.reason or "",
        "outcomes": [Offer(o.outcome.value, sentence(words(o.outcome))) for o in open_],
        "restart_at": [Offer(stage, sentence(words(stage))) for stage in restarts],
        "not_offered": missing,
    }


def ruling_context(options: OwnerOptions) -> dict[str, Any]:
    """The rulings open to the owner, and why anything else is not."""
    ruling: RulingOptions = options.challenge
    return {
        "change_id": options.change_id,
        "may": ruling.may_rule,
        "reason": ruling.reason or "",
        "outcomes": [
            Offer(o.outcome.value, sentence(words(o.outcome))) for o in ruling.outcomes if o.offered
        ],
        "not_offered": [
            NotOffered(sentence(words(o.outcome)), o.reason or "")
            for o in ruling.outcomes
            if not o.offered
        ],
    }
