"""Property: whatever people do, no gate passes without its quorum of distinct, currently
eligible people, and nobody is ever counted twice.

A hypothesis state machine makes submissions (with tagged evidence changing), sign-offs
(some by a delegate, some by people with no business signing, some by the submitter),
revocations and deactivations of people whose approval counts, re-grants, delegation
expiry, and sign-offs that land while the quorum re-check is reading the directory. It
drives them as the workflow does: sign, then complete the gate against a reading of the
directory for the approvers counted at that moment.

After every step: no two counting approvals share a person, the submitter's approval
never counts, a refused command changes nothing, and a re-check only lapses people it
read. At every pass: the quorum is met by distinct people who held the role when read.
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
from models.gate import Decision, GateState, GateStatus, SignOff
from models.roles import Role
from models.rules.quorum import counted_approvers, gate_ready, people_to_recheck
from models.transitions.completion import complete_gate
from models.transitions.opening import open_change
from models.transitions.sign_off import apply_sign_off
from models.transitions.submission import apply_submit
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
class Reading:
    """What the directory said when the re-check read it."""

    authorities: Authorities
    held: dict[str, set[Role]]
    inactive: set[str]


@dataclass
class World:
    state: ChangeState
    held: dict[str, set[Role]]
    inactive: set[str] = field(default_factory=set)
    delegation_active: bool = True
    passes: list[tuple[GateState, Reading]] = field(default_factory=list)

    def directory(self, people: list[str] | None = None) -> Authorities:
        grant = DelegationGrant(
            id=1,
            delegator="pol-a",
            delegate=DEPUTY,
            role=Role.POLICY,
            starts_at=T0 - timedelta(days=1),
            ends_at=T0 + timedelta(days=1) if self.delegation_active else T0,
        )
        read = PEOPLE if people is None else people
        by_person = {
            p: Authority(
                person=p,
                active=p not in self.inactive,
                roles=sorted(self.held[p]),
                delegations=[grant] if p == DEPUTY else [],
            )
            for p in read
        }
        return Authorities(as_of=T0, by_person=by_person)

    def read_for_recheck(self) -> Reading:
        """As the workflow does: read only the people whose approval counts now."""
        return Reading(
            authorities=self.directory(people_to_recheck(self.state)),
            held={p: set(r) for p, r in self.held.items()},
            inactive=set(self.inactive),
        )


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


def _sign_only(world: World, person: str, role: Role, decision: Decision) -> None:
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


def _complete(world: World, person: str, role: Role, reading: Reading) -> None:
    state = world.state
    if not gate_ready(state):
        return
    gate = state.gate
    lapsed_before = {s.seq for s in gate.signoffs if s.lapsed_at_revision is not None}
    complete_gate(state, T0, person, role, reading.authorities)
    read = set(reading.authorities.by_person)
    for approval in gate.signoffs:
        if approval.lapsed_at_revision is not None and approval.seq not in lapsed_before:
            assert approval.people <= read, f"a re-check lapsed someone it did not read: {approval}"
    if gate.status is GateStatus.PASSED:
        world.passes.append((gate, reading))


def _sign(world: World, person: str, role: Role, decision: Decision) -> None:
    """Sign, then complete the gate against a fresh reading, as the workflow does."""
    _sign_only(world, person, role, decision)
    _complete(world, person, role, world.read_for_recheck())


def _assert_passed_with_a_real_quorum(
    gate: GateState, reading: Reading, delegation_active: bool
) -> None:
    counted = counted_approvers(gate)
    submission = gate.current_submission
    assert submission is not None
    for role, need in gate.quorum.items():
        assert len(set(counted[role])) >= need, f"{role} short: {counted}"
    for approval in gate.counting_approvals():
        if approval.people <= set(reading.authorities.by_person):
            holder = approval.counted_as
            assert approval.role in reading.held[holder], f"{holder} lost {approval.role}"
            assert not approval.people & reading.inactive, f"{approval.people} inactive"
        assert submission.submitted_by not in approval.people
        assert not approval.acting_for or delegation_active, "an expired delegation counted"


def _overlapping(approvals: list[SignOff]) -> list[tuple[int, int]]:
    return [
        (a.seq, b.seq)
        for i, a in enumerate(approvals)
        for b in approvals[i + 1 :]
        if a.people & b.people
    ]


DECISIONS = st.sampled_from([Decision.APPROVE] * 5 + [Decision.REQUEST_CHANGES])
ROLES = st.sampled_from(list(QUORUM))
PICKS = st.integers(0, 11)
ODDS = st.integers(0, 3)
SUBMITTERS = st.sampled_from([PROPOSER, "dig-a"])
CHANGED_ROLES = st.frozensets(ROLES)


def _named(role: Role, pick: int) -> str:
    likely = NAMED[role] + ([DEPUTY] if role is Role.POLICY else [])
    return likely[pick % len(likely)]


class GateMachine(RuleBasedStateMachine):
    """Random people doing random things to one change, checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.world = _world()
        self.round = 0

    def _attempt(self, act: object) -> None:
        self.round += 1
        before = self.world.state.model_dump()
        try:
            act()  # type: ignore[operator]
        except ThroughlineError:
            assert self.world.state.model_dump() == before, "a refused command changed the state"
        for gate, reading in self.world.passes:
            _assert_passed_with_a_real_quorum(gate, reading, self.world.delegation_active)
        self.world.passes.clear()

    @initialize()
    def first_submission(self) -> None:
        self._attempt(lambda: _submit(self.world, PROPOSER, frozenset(), 0))

    # Hypothesis picks rules evenly, so signing by named people has three rules and the
    # disruptive ones act only a quarter of the time; gates then really do pass.

    @rule(submitter=SUBMITTERS, changed=CHANGED_ROLES, odds=ODDS)
    def submit(self, submitter: str, changed: frozenset[Role], odds: int) -> None:
        if odds == 0:
            self._attempt(lambda: _submit(self.world, submitter, changed, self.round))

    @rule(role=ROLES, pick=PICKS, decision=DECISIONS)
    def sign_as_someone_named(self, role: Role, pick: int, decision: Decision) -> None:
        self._attempt(lambda: _sign(self.world, _named(role, pick), role, decision))

    @rule(role=ROLES, pick=PICKS, decision=DECISIONS)
    def sign_as_someone_named_again(self, role: Role, pick: int, decision: Decision) -> None:
        self._attempt(lambda: _sign(self.world, _named(role, pick), role, decision))

    @rule(role=ROLES, pick=PICKS, decision=DECISIONS)
    def sign_as_someone_named_once_more(self, role: Role, pick: int, decision: Decision) -> None:
        self._attempt(lambda: _sign(self.world, _named(role, pick), role, decision))

    @rule(person=st.sampled_from(PEOPLE), role=ROLES, decision=DECISIONS)
    def sign_as_anyone(self, person: str, role: Role, decision: Decision) -> None:
        self._attempt(lambda: _sign(self.world, person, role, decision))

    @rule()
    def the_submitter_tries_to_approve(self) -> None:
        submission = self.world.state.gate.current_submission
        if submission and submission.submitted_by == "dig-a":
            self._attempt(lambda: _sign(self.world, "dig-a", Role.DIGITAL, Decision.APPROVE))

    @rule()
    def an_approver_resubmits_unchanged_work(self) -> None:
        """dig-a approved; dig-a now submits the same evidence, which would otherwise carry
        every approval over, dig-a's own included."""
        gate = self.world.state.gate
        if any("dig-a" in a.people for a in gate.counting_approvals()):
            self._attempt(lambda: _submit(self.world, "dig-a", frozenset(), 0))

    @rule(role=ROLES, pick=PICKS, other=ROLES, other_pick=PICKS, revoke=st.booleans())
    def sign_while_the_directory_is_read(
        self, role: Role, pick: int, other: Role, other_pick: int, revoke: bool
    ) -> None:
        """The race the workflow has: a re-check reads the directory, another sign-off
        lands (and perhaps a revocation) before the re-check completes the gate."""
        world = self.world
        self._attempt(lambda: _sign_only(world, _named(role, pick), role, Decision.APPROVE))
        reading = world.read_for_recheck()
        self._attempt(lambda: _sign_only(world, _named(other, other_pick), other, Decision.APPROVE))
        if revoke and world.state.gate.counting_approvals():
            approval = world.state.gate.counting_approvals()[0]
            world.held[approval.counted_as].discard(approval.role)
        self._attempt(lambda: _complete(world, _named(role, pick), role, reading))

    @rule(pick=PICKS, odds=ODDS)
    def revoke_someone_counted(self, pick: int, odds: int) -> None:
        counted = self.world.state.gate.counting_approvals()
        if counted and odds == 0:
            approval = counted[pick % len(counted)]
            self.world.held[approval.counted_as].discard(approval.role)

    @rule(person=st.sampled_from(PEOPLE), odds=ODDS)
    def deactivate(self, person: str, odds: int) -> None:
        if odds == 0:
            self.world.inactive.add(person)

    @rule(person=st.sampled_from(PEOPLE), role=ROLES)
    def grant(self, person: str, role: Role) -> None:
        self.world.held[person].add(role)
        self.world.inactive.discard(person)

    @rule(odds=ODDS)
    def expire_the_delegation(self, odds: int) -> None:
        if odds == 0:
            self.world.delegation_active = False

    @invariant()
    def no_person_counts_twice_at_the_open_gate(self) -> None:
        assert _overlapping(self.world.state.gate.counting_approvals()) == []

    @invariant()
    def the_submitter_never_counts(self) -> None:
        gate = self.world.state.gate
        submission = gate.current_submission
        if submission is not None:
            for approval in gate.counting_approvals():
                assert submission.submitted_by not in approval.people


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
