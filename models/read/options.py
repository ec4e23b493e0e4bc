"""What a person may sign at a change's current gate: in which roles, with which decisions
and reject targets, and why anything else is not offered.

Nothing here restates a rule. Each answer is the refusal a candidate sign-off meets from
the rules a real one meets (models/rules/sign_off.py, then the directory's authority),
so what a page offers never disagrees with what the workflow would accept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from pydantic import Field

from models.authority import Authorities
from models.base import Strict
from models.change import ChangeState
from models.commands import ConditionInput, SignOffCommand
from models.errors import ThroughlineError
from models.gate import Decision
from models.playbook import GateKind
from models.roles import SIGNING_ROLES, Role
from models.rules.common import require_active
from models.rules.sign_off import check_sign_off, require_in_review

FILLED_IN = "given on the form"
"""What a candidate carries where a form would ask for words: the rules then judge who
may give a decision, not what the form still lacks."""


class Choice(Strict):
    """One value a form may offer: offered, or not and why."""

    value: str
    offered: bool
    reason: str | None = Field(default=None, description="Why not, in the rule's words.")


class DecisionOption(Strict):
    decision: Decision
    offered: bool
    reason: str | None = Field(default=None, description="Why not, in the rule's words.")
    reject_to: list[Choice] = Field(
        default_factory=list,
        description="For reject: each stage this gate may return to, or 'close'.",
    )


class RoleOption(Strict):
    role: Role
    acting_for: str | None = Field(
        default=None, description="The role holder signed for, under a delegation in force."
    )
    may_sign: bool = Field(description="Whether any decision is open in this role.")
    reason: str | None = Field(default=None, description="Why no decision is open, if none.")
    decisions: list[DecisionOption]


class SignOffOptions(Strict):
    change_id: str
    person: str
    gate_id: str
    gate_name: str
    revision: int | None = Field(
        description="The revision a sign-off now would be for; None when none is in review."
    )
    to_sign: bool = Field(description="Whether the gate has a revision waiting for sign-off.")
    may_sign: bool = Field(description="Whether the person may give any decision at all.")
    reason: str | None = Field(default=None, description="Why nothing is offered, if nothing.")
    roles: list[RoleOption] = Field(default_factory=list)


def sign_off_options(
    state: ChangeState, person: str, authorities: Authorities, now: datetime
) -> SignOffOptions:
    """What the person may sign at the current gate, by the directory's answer of now."""
    gate = state.gate
    waiting = nothing_to_sign(state)
    candidates = [] if waiting else _candidates(state, person, authorities, now)
    roles = [
        _role_option(state, person, role, holder, authorities, now) for role, holder in candidates
    ]
    may_sign = any(r.may_sign for r in roles)
    return SignOffOptions(
        change_id=state.change_id,
        person=person,
        gate_id=gate.id,
        gate_name=gate.name,
        revision=None if waiting else gate.revision,
        to_sign=waiting is None,
        may_sign=may_sign,
        reason=waiting or (None if may_sign else joined(r.reason for r in roles)),
        roles=roles,
    )


def nothing_to_sign(state: ChangeState) -> str | None:
    """Why the current gate takes no sign-off from anyone now; None when it does."""
    gate = state.gate
    if gate.kind is GateKind.DECISION:
        decided = f"gate {gate.name!r} takes the service owner's decision, not sign-offs"
        return refusal(lambda: require_active(state)) or decided
    return refusal(lambda: require_active(state), lambda: require_in_review(gate))


def _candidates(
    state: ChangeState, person: str, authorities: Authorities, now: datetime
) -> list[tuple[Role, str | None]]:
    """Each role the person might sign in: roles they hold or are named for on this change,
    and roles they act in for a holder under a delegation in force. With none, the gate's
    own roles, so that the rules say why none of them is theirs."""
    found = authorities.of(person)
    own = {r for r in found.roles if r in SIGNING_ROLES}
    own |= {r for r in SIGNING_ROLES if person in state.intake.people.for_role(r)}
    delegated = {
        (g.role, g.delegator)
        for g in found.delegations
        if g.covers(state.change_id) and g.in_force_at(now)
    }
    pairs: set[tuple[Role, str | None]] = {(r, None) for r in own} | set(delegated)
    if not pairs:
        pairs = {(r, None) for r in state.gate.quorum}
    order = list(Role)
    return sorted(pairs, key=lambda pair: (order.index(pair[0]), pair[1] or ""))


def _role_option(
    state: ChangeState,
    person: str,
    role: Role,
    holder: str | None,
    authorities: Authorities,
    now: datetime,
) -> RoleOption:
    decisions = [
        _decision_option(state, _candidate(state, person, role, holder, d, now), authorities)
        for d in Decision
    ]
    may_sign = any(d.offered for d in decisions)
    reason = None if may_sign else joined(d.reason for d in decisions)
    return RoleOption(
        role=role, acting_for=holder, may_sign=may_sign, reason=reason, decisions=decisions
    )


def _decision_option(
    state: ChangeState, cmd: SignOffCommand, authorities: Authorities
) -> DecisionOption:
    if cmd.decision is not Decision.REJECT or not state.gate.reject_to:
        why = _sign_off_refusal(state, cmd, authorities)
        return DecisionOption(decision=cmd.decision, offered=why is None, reason=why)
    targets = [
        choice(
            target,
            _sign_off_refusal(state, cmd.model_copy(update={"reject_to": target}), authorities),
        )
        for target in state.gate.reject_to
    ]
    offered = any(t.offered for t in targets)
    reason = None if offered else joined(t.reason for t in targets)
    return DecisionOption(decision=cmd.decision, offered=offered, reason=reason, reject_to=targets)


def _candidate(
    state: ChangeState,
    person: str,
    role: Role,
    holder: str | None,
    decision: Decision,
    now: datetime,
) -> SignOffCommand:
    """A sign-off as a form would send it, filled in as far as the decision needs."""
    conditions = []
    if decision is Decision.APPROVE_WITH_CONDITIONS:
        conditions = [ConditionInput(description=FILLED_IN, owner=person, due=now.date())]
    return SignOffCommand(
        actor=person,
        role=role,
        decision=decision,
        revision=state.gate.revision or 1,
        acting_for=holder,
        comment=None if decision.approves else FILLED_IN,
        conditions=conditions,
    )


def _sign_off_refusal(
    state: ChangeState, cmd: SignOffCommand, authorities: Authorities
) -> str | None:
    """In the order a sign-off meets them: the change's rules, then the directory."""
    return refusal(
        lambda: check_sign_off(state, cmd),
        lambda: authorities.require_signer(cmd.actor, cmd.role, cmd.acting_for),
    )


def refusal(*checks: Callable[[], None]) -> str | None:
    """The first refusal the checks raise, in the rule's own words; None if all pass."""
    try:
        for check in checks:
            check()
    except ThroughlineError as refused:
        return refused.message
    return None


def choice(value: str, why_not: str | None) -> Choice:
    return Choice(value=value, offered=why_not is None, reason=why_not)


def joined(reasons: Iterable[str | None]) -> str | None:
    """Distinct reasons, in order, as one sentence; None if there are none."""
    distinct = list(dict.fromkeys(r for r in reasons if r))
    return "; ".join(distinct) or None
