"""Sign off: approve, approve with conditions, request changes or reject the revision in
review. Only what the signer may give is offered, and whatever is not offered says why in
the rule's own words, from ReadService.sign_off_options; the form is read into the API's
own SignOffRequest."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import ChangesDep, ReadsDep
from models.commands import SignOffRequest
from models.gate import Decision
from models.playbook import CLOSE
from models.read.options import DecisionOption, RoleOption, SignOffOptions
from throughline.services.changes import ChangeService
from throughline.services.reads import ReadService
from web.deps import ANY_ROLE, ChangeId, Form, PagePerson
from web.forms import FormPage, act, form_key, read
from web.links import change_page
from web.render import words

router = APIRouter(dependencies=[ANY_ROLE])

CONDITIONS = 3
"""How many conditions the form has room for."""

LABELS = {
    "role": "Select the role you sign in",
    "decision": "Select your decision",
    "comment": "Comment",
    "reject_to": "Where the change goes back to",
    "revision": "The revision",
    **{
        f"conditions.{row}.{name}": f"Condition {row + 1} {text}"
        for row in range(CONDITIONS)
        for name, text in (("description", "description"), ("owner", "owner"), ("due", "due date"))
    },
}


class Offer(NamedTuple):
    value: str
    text: str


class NotOffered(NamedTuple):
    what: str
    reason: str


@router.get("/changes/{change_id}/sign-off", summary="Sign off the revision in review")
async def sign_off_page(
    *, request: Request, change_id: ChangeId, caller: PagePerson, reads: ReadsDep
) -> Response:
    return await _page(reads, change_id, caller.id).show(request)


@router.post("/changes/{change_id}/sign-off", summary="Give a sign-off")
async def sign_off(
    *,
    request: Request,
    change_id: ChangeId,
    caller: PagePerson,
    reads: ReadsDep,
    changes: ChangesDep,
    form: Form,
) -> Response:
    page = _page(reads, change_id, caller.id)
    done = ("Your sign-off is recorded", change_page(change_id))
    return await act(request, page, form, _attempt(changes, change_id, caller.id), done)


def _page(reads: ReadService, change_id: str, person: str) -> FormPage:
    async def load() -> dict[str, Any]:
        return sign_off_context(await reads.sign_off_options(change_id, person))

    return FormPage("sign_off.html", "Sign off", load)


def _attempt(
    changes: ChangeService, change_id: str, person: str
) -> Callable[[dict[str, Any]], Awaitable[object]]:
    async def attempt(values: dict[str, Any]) -> object:
        body = read(SignOffRequest, sign_off_fields(values), LABELS)
        return await changes.sign_off(change_id, person, body, key=form_key())

    return attempt


def sign_off_context(options: SignOffOptions) -> dict[str, Any]:
    """What the form offers: the roles and decisions open to the signer, the reject
    targets open to them, and each thing not offered with the rule's reason."""
    open_roles = [r for r in options.roles if r.may_sign]
    given = [d for r in open_roles for d in r.decisions if d.offered]
    decisions = [
        Offer(d.value, sentence(words(d))) for d in Decision if any(g.decision is d for g in given)
    ]
    targets = dict.fromkeys(c.value for g in given for c in g.reject_to if c.offered)
    return {
        "options": options,
        "reason": options.reason or "",
        "signers": [Offer(signer_value(r), sentence(_signer_words(r))) for r in open_roles],
        "decisions": decisions,
        "reject_to": [Offer(t, target_words(t)) for t in targets],
        "not_offered": not_offered(options),
        "conditions": range(CONDITIONS),
    }


def not_offered(options: SignOffOptions) -> list[NotOffered]:
    """Each role, decision and reject target not open to the signer, and why."""
    found: list[NotOffered] = []
    for role in options.roles:
        signer = _signer_words(role)
        if not role.may_sign:
            found.append(NotOffered(f"Signing as {signer}", role.reason or ""))
            continue
        for option in role.decisions:
            found.extend(_decision_not_offered(option, signer))
    return found


def _decision_not_offered(option: DecisionOption, signer: str) -> list[NotOffered]:
    what = f"{sentence(words(option.decision))} as {signer}"
    if not option.offered:
        return [NotOffered(what, option.reason or "")]
    return [
        NotOffered(f"{what}, {target_words(c.value).lower()}", c.reason or "")
        for c in option.reject_to
        if not c.offered
    ]


def signer_value(role: RoleOption) -> str:
    """The role radio's value: the role, then the holder signed for under a delegation."""
    return f"{role.role.value}:{role.acting_for}" if role.acting_for else role.role.value


def _signer_words(role: RoleOption) -> str:
    held = words(role.role)
    return f"{held} for {role.acting_for}" if role.acting_for else held


def target_words(target: str) -> str:
    return "Close the change" if target == CLOSE else f"Back to {words(target)}"


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def sign_off_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The form as the API's sign-off request: the role radio carries the role and any
    holder signed for, the revision is a number, and only the chosen decision's own
    fields count (a browser posts the hidden fields of the others too)."""
    fields: dict[str, Any] = {n: values[n] for n in ("decision", "comment") if n in values}
    if isinstance(values.get("role"), str):
        role, _, holder = values["role"].partition(":")
        fields |= {"role": role, **({"acting_for": holder} if holder else {})}
    if "revision" in values:
        fields["revision"] = whole_number(values["revision"])
    decision = values.get("decision")
    if decision == Decision.REJECT and "reject_to" in values:
        fields["reject_to"] = values["reject_to"]
    if decision == Decision.APPROVE_WITH_CONDITIONS:
        rows = values.get("conditions", [])
        fields["conditions"] = [_condition(r) for r in rows] if isinstance(rows, list) else rows
    return fields


def whole_number(value: Any) -> Any:
    """A number typed as text, as a number; anything else as it came, for the model to
    refuse."""
    return int(value) if isinstance(value, str) and re.fullmatch(r"[0-9]{1,9}", value) else value


def _condition(row: Any) -> Any:
    """A condition with its due date's day, month and year fields as one date."""
    if not isinstance(row, dict) or not isinstance(row.get("due"), dict):
        return row
    day, month, year = (str(row["due"].get(part, "")) for part in ("day", "month", "year"))
    return {**row, "due": f"{year.zfill(4)}-{month.zfill(2)}-{day.zfill(2)}"}
