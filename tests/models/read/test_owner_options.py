"""What the service owner is offered at the act gate and on a challenge, and why the rest
is not: models/read/owner_options.py."""

from __future__ import annotations

from datetime import date

from models.authority import Authority
from models.change import ChangeState
from models.commands import Challenge, ConditionInput
from models.gate import ActOutcome, Decision
from models.read.owner_options import DecideOptions, OutcomeOption, owner_options
from models.rejection import ChallengeOutcome
from models.roles import Role
from models.transitions.challenges import apply_challenge
from tests.factories import (
    OWNER,
    PROPOSER,
    T0,
    authority,
    everyone_at,
    fresh_state,
    pass_gate,
    record_all_measurements,
    sign,
    submit,
)

NOT_NAMED = "pol-a is not named as service owner on this change"


def _at_the_act_gate() -> ChangeState:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    assert state.stage == "act"
    return state


def _outcome(options: DecideOptions, outcome: ActOutcome) -> OutcomeOption:
    return next(o for o in options.outcomes if o.outcome is outcome)


def test_the_owner_may_adopt_adapt_or_abandon_at_the_act_gate() -> None:
    options = owner_options(_at_the_act_gate(), OWNER, authority(OWNER))
    assert options.decide.may_decide
    assert {o.outcome for o in options.decide.outcomes if o.offered} == set(ActOutcome)
    adapt = _outcome(options.decide, ActOutcome.ADAPT)
    assert [(t.value, t.offered) for t in adapt.restart_at] == [("design", True), ("intent", True)]


def test_someone_not_named_as_owner_is_told_so() -> None:
    options = owner_options(_at_the_act_gate(), "pol-a", authority("pol-a"))
    assert not options.decide.may_decide
    assert options.decide.reason == NOT_NAMED
    assert {t.reason for t in _outcome(options.decide, ActOutcome.ADAPT).restart_at} == {NOT_NAMED}


def test_a_named_owner_who_lost_the_role_is_told_so() -> None:
    lost = everyone_at(T0, **{OWNER: Authority(person=OWNER, active=True, roles=[])})
    options = owner_options(_at_the_act_gate(), OWNER, lost)
    assert options.decide.reason == "owner does not hold the service_owner role in the directory"


def test_adopt_waits_for_open_conditions_while_abandon_does_not() -> None:
    state = fresh_state()
    for _ in range(3):
        pass_gate(state)
    record_all_measurements(state)
    submit(state)
    sign(state, "pol-a", Role.POLICY)
    sign(state, "dig-lead", Role.DIGITAL)
    condition = ConditionInput(
        description="Brief the call centre", owner="ops-b", due=date(2026, 4, 1)
    )
    sign(state, "ops-a", Role.OPERATIONS, Decision.APPROVE_WITH_CONDITIONS, conditions=[condition])
    options = owner_options(state, OWNER, authority(OWNER)).decide
    adopt = _outcome(options, ActOutcome.ADOPT)
    assert not adopt.offered
    assert adopt.reason is not None
    assert adopt.reason.startswith("adopt needs every condition closed; still open: ")
    assert _outcome(options, ActOutcome.ABANDON).offered


def test_decisions_wait_for_the_act_gate() -> None:
    state = fresh_state()
    options = owner_options(state, OWNER, authority(OWNER))
    assert options.decide.reason == "decisions are made at the act gate; the change is at intent"


def test_without_a_challenge_there_is_nothing_to_rule_on() -> None:
    options = owner_options(fresh_state(), OWNER, authority(OWNER))
    assert not options.challenge.may_rule
    assert options.challenge.reason == "no challenge is waiting for a decision on this change"


def _challenged() -> ChangeState:
    state = fresh_state()
    pass_gate(state)
    submit(state, text="design")
    sign(state, "ops-a", Role.OPERATIONS, Decision.REJECT, comment="not viable", reject_to="intent")
    challenge = Challenge(actor=PROPOSER, reason="the costs were agreed")
    apply_challenge(state, challenge, authority(PROPOSER), T0)
    return state


def test_the_owner_may_uphold_or_overturn_a_challenge() -> None:
    options = owner_options(_challenged(), OWNER, authority(OWNER)).challenge
    assert options.may_rule
    assert [(o.outcome, o.offered) for o in options.outcomes] == [
        (ChallengeOutcome.UPHOLD, True),
        (ChallengeOutcome.OVERTURN, True),
    ]


def test_only_the_named_owner_rules_on_a_challenge() -> None:
    options = owner_options(_challenged(), "pol-a", authority("pol-a")).challenge
    assert (options.may_rule, options.reason) == (False, NOT_NAMED)
