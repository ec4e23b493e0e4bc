"""Property: whatever people do, no gate passes without its quorum of distinct, currently
eligible people, and nobody is ever counted twice.

A hypothesis state machine makes submissions (with tagged evidence changing), sign-offs
(some by a delegate, some by people with no business signing), revocations of people
whose approval counts, re-grants and delegation expiry. It drives them as the workflow
does: sign, then complete the gate against the directory as it stands at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from models.authority import Authorities, Authority, DelegationGrant
from models.change import ChangeState
from models.commands import SignOffCommand, SubmitWork
from models.errors import ThroughlineError
from models.gate import Decision, GateState, GateStatus, SignOff, counted_approvers
from models.lifecycle import apply_submit, open_change
from models.roles import Role
from models.signing import apply_sign_off, complete_gate, gate_ready
from tests.factories import PROPOSER, T0, evidence, new_change

NAMED = {
    Role.POLICY: ["pol-a", "pol-b", "both"],
    Role.DIGITAL: ["dig-a", "dig-b"],
    Role.OPERATIONS: ["ops-a", "both"],
}
QUORUM = {Role.POLICY: 2, Role.DIGITAL: 1, Role.OPERATIONS: 1}
DEPUTY = "deputy"
PEOPLE = sorted({p for people in NAMED.values() for p in people} | {DEPUTY, PROPOSER})


@dataclass
class World:
    state: ChangeState
    held: dict[str, set[Role]]
    delegation_active: bool = True
    passes: list[tuple[GateState, dict[str, set[Role]]]] = field(default_factory=list)

    def directory(self) -> Authorities:
        grant = DelegationGrant(
            id=1,
            delegator="pol-a",
            delegate=DEPUTY,
            role=Role.POLICY,
            starts_at=T0 - timedelta(days=1),
            ends_at=T0 + timedelta(days=1) if self.delegation_active else T0,
        )
        people = {
            p: Authority(
                person=p,
                active=True,
                roles=sorted(self.held[p]),
                delegations=[grant] if p == DEPUTY else [],
            )
            for p in PEOPLE
        }
        return Authorities(as_of=T0, by_person=people)


def _world() -> World:
    people = {role.value: names for role, names in NAMED.items()}
    state, _ = open_change(new_change(people={**people, "service_owner": ["owner"]}), T0)
    state.gate.quorum = dict(QUORUM)
    held = {p: {r for r, names in NAMED.items() if p in names} for p in PEOPLE}
    held[PROPOSER] = {Role.DIGITAL}
    return World(state=state, held=held)


def _submit(world: World, submitter: str, changed: frozenset[Role], round_: int) -> None:
    items = [
        evidence(f"{role}-{round_ if role in changed else 0}", roles=(role,)) for role in QUORUM
    ]
    cmd = SubmitWork(actor=submitter, summary="work", evidence=items)
    apply_submit(world.state, cmd, world.directory(), T0)


def _sign(world: World, person: str, role: Role, decision: Decision) -> None:
    """Sign, then complete the gate against the directory as it is now, as the workflow does."""
    state = world.state
    cmd = SignOffCommand(
        actor=person,
        role=role,
        decision=decision,
        revision=state.gate.revision or 1,
        comment="needs work" if decision is Decision.REQUEST_CHANGES else None,
        acting_for="pol-a" if person == DEPUTY else None,
    )
    apply_sign_off(state, cmd, world.directory(), T0)
    if gate_ready(state):
        gate, held = state.gate, {p: set(r) for p, r in world.held.items()}
        complete_gate(state, T0, person, role, world.directory())
        if gate.status is GateStatus.PASSED:
            world.passes.append((gate, held))


def _act(world: World, action: tuple[object, ...], round_: int) -> None:
    kind = action[0]
    if kind == "submit":
        _submit(world, str(action[1]), action[2], round_)  # type: ignore[arg-type]
    elif kind == "sign":
        _sign(world, str(action[1]), action[2], action[3])  # type: ignore[arg-type]
    elif kind == "revoke":
        world.held[str(action[1])].discard(action[2])
    elif kind == "grant":
        world.held[str(action[1])].add(action[2])  # type: ignore[arg-type]
    else:
        world.delegation_active = False


def _assert_passed_with_a_real_quorum(
    gate: GateState, held: dict[str, set[Role]], delegation_active: bool
) -> None:
    counted = counted_approvers(gate)
    everyone = [p for people in counted.values() for p in people]
    assert len(everyone) == len(set(everyone)), f"someone counted twice: {counted}"
    submission = gate.current_submission
    assert submission is not None
    for role, need in gate.quorum.items():
        assert len(set(counted[role])) >= need, f"{role} short: {counted}"
    named = {role: NAMED.get(role, []) for role in gate.quorum}
    for approval in gate.counting_approvals():
        if gate.iteration == 1 and approval.role in named and gate.stage == "intent":
            assert approval.counted_as in named[approval.role]
        assert approval.role in held[approval.counted_as], (
            f"{approval.counted_as} lost {approval.role}"
        )
        assert submission.submitted_by not in approval.people
        assert not approval.acting_for or delegation_active, "an expired delegation counted"


DECISIONS = st.sampled_from([Decision.APPROVE] * 5 + [Decision.REQUEST_CHANGES])
ROLES = st.sampled_from(list(QUORUM))
PICKS = st.integers(0, 11)
ODDS = st.integers(0, 3)
SUBMITTERS = st.sampled_from([PROPOSER, "dig-a"])
CHANGED_ROLES = st.frozensets(ROLES)


class GateMachine(RuleBasedStateMachine):
    """Random people doing random things to one change, checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.world = _world()
        self.round = 0

    def _attempt(self, action: tuple[object, ...]) -> None:
        self.round += 1
        before = self.world.state.model_dump()
        try:
            _act(self.world, action, self.round)
        except ThroughlineError:
            assert self.world.state.model_dump() == before, "a refused command changed the state"
        for gate, held in self.world.passes:
            _assert_passed_with_a_real_quorum(gate, held, self.world.delegation_active)
        self.world.passes.clear()

    @initialize()
    def first_submission(self) -> None:
        self._attempt(("submit", PROPOSER, frozenset()))

    # Hypothesis picks rules evenly, so signing by named people has three rules and the
    # disruptive ones act only a quarter of the time; gates then really do pass.

    @rule(submitter=SUBMITTERS, changed=CHANGED_ROLES, odds=ODDS)
    def submit(self, submitter: str, changed: frozenset[Role], odds: int) -> None:
        if odds == 0:
            self._attempt(("submit", submitter, changed))

    @rule(role=ROLES, pick=PICKS, decision=DECISIONS)
    def sign_as_someone_named(self, role: Role, pick: int, decision: Decision) -> None:
        self._sign_named(role, pick, decision)

    @rule(role=ROLES, pick=PICKS, decision=DECISIONS)
    def sign_as_someone_named_again(self, role: Role, pick: int, decision: Decision) -> None:
        self._sign_named(role, pick, decision)

    @rule(role=ROLES, pick=PICKS, decision=DECISIONS)
    def sign_as_someone_named_once_more(self, role: Role, pick: int, decision: Decision) -> None:
        self._sign_named(role, pick, decision)

    def _sign_named(self, role: Role, pick: int, decision: Decision) -> None:
        likely = NAMED[role] + ([DEPUTY] if role is Role.POLICY else [])
        self._attempt(("sign", likely[pick % len(likely)], role, decision))

    @rule(person=st.sampled_from(PEOPLE), role=ROLES, decision=DECISIONS)
    def sign_as_anyone(self, person: str, role: Role, decision: Decision) -> None:
        self._attempt(("sign", person, role, decision))

    @rule(pick=PICKS, odds=ODDS)
    def revoke_someone_counted(self, pick: int, odds: int) -> None:
        counted = self.world.state.gate.counting_approvals()
        if counted and odds == 0:
            approval = counted[pick % len(counted)]
            self._attempt(("revoke", approval.counted_as, approval.role))

    @rule(person=st.sampled_from(PEOPLE), role=ROLES)
    def grant(self, person: str, role: Role) -> None:
        self._attempt(("grant", person, role))

    @rule(odds=ODDS)
    def expire_the_delegation(self, odds: int) -> None:
        if odds == 0:
            self._attempt(("expire",))

    @invariant()
    def nobody_counts_twice_at_the_open_gate(self) -> None:
        counted = counted_approvers(self.world.state.gate)
        everyone = [p for people in counted.values() for p in people]
        assert len(everyone) == len(set(everyone))


GateMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=80, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
TestNoGatePassesWithoutARealQuorum = GateMachine.TestCase


@st.composite
def hand_built_signoffs(draw: st.DrawFn) -> list[SignOff]:
    count = draw(st.integers(0, 12))
    signoffs = []
    for seq in range(100, 100 + count):
        # Mostly plausible approvals, so gates reach their quorum; the rest is noise.
        role = draw(ROLES)
        likely = NAMED[role] + ([DEPUTY] if role is Role.POLICY else [])
        person = draw(
            st.one_of(st.sampled_from(likely), st.sampled_from(likely), st.sampled_from(PEOPLE))
        )
        signoffs.append(
            SignOff(
                seq=seq,
                gate_id="1.intent.1",
                revision=1,
                person=person,
                acting_for="pol-a" if person == DEPUTY and draw(st.booleans()) else None,
                role=role,
                decision=draw(st.sampled_from([*[Decision.APPROVE] * 3, *Decision])),
                at=T0,
                counts=draw(st.sampled_from([True, True, True, False])),
            )
        )
    return signoffs


@settings(max_examples=1000, deadline=None)
@given(
    signoffs=hand_built_signoffs(),
    revoked=st.sets(st.tuples(st.sampled_from(PEOPLE), ROLES), max_size=4),
    delegation_active=st.booleans(),
)
def test_completing_a_gate_built_by_hand_never_miscounts(
    signoffs: list[SignOff], revoked: set[tuple[str, Role]], delegation_active: bool
) -> None:
    """Even for states no command sequence could reach, completion counts honestly."""
    world = _world()
    _submit(world, PROPOSER, frozenset(), 0)
    world.state.gate.signoffs = signoffs
    for person, role in revoked:
        world.held[person].discard(role)
    world.delegation_active = delegation_active
    gate, held = world.state.gate, {p: set(r) for p, r in world.held.items()}
    complete_gate(world.state, T0, "someone", Role.POLICY, world.directory())
    counted = counted_approvers(gate)
    everyone = [p for people in counted.values() for p in people]
    assert len(everyone) == len(set(everyone))
    if gate.status is not GateStatus.PASSED:
        return
    for role, need in gate.quorum.items():
        assert len(counted[role]) >= need
    for approval in gate.counting_approvals():
        assert approval.role in held[approval.counted_as]
        assert approval.acting_for is None or delegation_active
