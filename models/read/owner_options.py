"""What the service owner may do now: decide at the act gate (adopt, adapt or abandon)
and rule on a challenged reject (uphold or overturn), with why anything is not offered.

As for sign-offs (options.py), each answer is the refusal a candidate command meets from
the rules a real one meets: models/rules/decision.py and challenges.py, then the
directory's answer that the person holds the service owner role.
"""

from __future__ import annotations

from pydantic import Field

from models.authority import Authorities
from models.base import Strict
from models.change import ChangeState
from models.commands import Decide, ResolveChallenge
from models.gate import ActOutcome
from models.read.options import FILLED_IN, Choice, choice, joined, refusal
from models.rejection import ChallengeOutcome
from models.roles import Role
from models.rules.challenges import check_resolve
from models.rules.decision import check_decide

RULINGS = (ChallengeOutcome.UPHOLD, ChallengeOutcome.OVERTURN)
"""What a person may rule; a challenge lapses only by what happens to the change."""


class OutcomeOption(Strict):
    outcome: ActOutcome
    offered: bool
    reason: str | None = Field(default=None, description="Why not, in the rule's words.")
    restart_at: list[Choice] = Field(
        default_factory=list,
        description="For adapt: each stage the next cycle may start at; the first is the default.",
    )


class DecideOptions(Strict):
    may_decide: bool
    reason: str | None = Field(default=None, description="Why nothing is offered, if nothing.")
    outcomes: list[OutcomeOption]


class RulingOption(Strict):
    outcome: ChallengeOutcome
    offered: bool
    reason: str | None = Field(default=None, description="Why not, in the rule's words.")


class RulingOptions(Strict):
    may_rule: bool
    reason: str | None = Field(default=None, description="Why nothing is offered, if nothing.")
    outcomes: list[RulingOption]


class OwnerOptions(Strict):
    change_id: str
    person: str
    decide: DecideOptions
    challenge: RulingOptions


def owner_options(state: ChangeState, person: str, authorities: Authorities) -> OwnerOptions:
    return OwnerOptions(
        change_id=state.change_id,
        person=person,
        decide=decide_options(state, person, authorities),
        challenge=ruling_options(state, person, authorities),
    )


def decide_options(state: ChangeState, person: str, authorities: Authorities) -> DecideOptions:
    """Adopt, adapt or abandon at the act gate, each offered or not and why."""
    outcomes = [_outcome_option(state, person, o, authorities) for o in ActOutcome]
    offered = any(o.offered for o in outcomes)
    reason = None if offered else joined(o.reason for o in outcomes)
    return DecideOptions(may_decide=offered, reason=reason, outcomes=outcomes)


def _outcome_option(
    state: ChangeState, person: str, outcome: ActOutcome, authorities: Authorities
) -> OutcomeOption:
    why = _decide_refusal(state, _decision(person, outcome, None), authorities)
    if outcome is not ActOutcome.ADAPT:
        return OutcomeOption(outcome=outcome, offered=why is None, reason=why)
    targets = [
        choice(stage, _decide_refusal(state, _decision(person, outcome, stage), authorities))
        for stage in state.playbook.adapt_restart_at
    ]
    return OutcomeOption(outcome=outcome, offered=why is None, reason=why, restart_at=targets)


def _decision(person: str, outcome: ActOutcome, restart_at: str | None) -> Decide:
    return Decide(actor=person, outcome=outcome, comment=FILLED_IN, restart_at=restart_at)


def _decide_refusal(state: ChangeState, cmd: Decide, authorities: Authorities) -> str | None:
    return refusal(
        lambda: check_decide(state, cmd),
        lambda: authorities.of(cmd.actor).require(Role.SERVICE_OWNER),
    )


def ruling_options(state: ChangeState, person: str, authorities: Authorities) -> RulingOptions:
    """Uphold or overturn the challenged reject, each offered or not and why."""
    outcomes = [_ruling_option(state, person, o, authorities) for o in RULINGS]
    offered = any(o.offered for o in outcomes)
    reason = None if offered else joined(o.reason for o in outcomes)
    return RulingOptions(may_rule=offered, reason=reason, outcomes=outcomes)


def _ruling_option(
    state: ChangeState, person: str, outcome: ChallengeOutcome, authorities: Authorities
) -> RulingOption:
    cmd = ResolveChallenge(actor=person, outcome=outcome, comment=FILLED_IN)
    why = refusal(
        lambda: check_resolve(state, cmd),
        lambda: authorities.of(person).require(Role.SERVICE_OWNER),
    )
    return RulingOption(outcome=outcome, offered=why is None, reason=why)
