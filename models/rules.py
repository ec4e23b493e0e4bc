"""Pure checks for every command. Each raises a distinct, typed refusal.

Workflow validators call these to refuse a command before it enters history; the
handlers call them again after any await, because the state may have moved on.
"""

from __future__ import annotations

from datetime import datetime

from models.authority import Authorities, Authority
from models.change import ChangeState
from models.commands import Decide, RecordMeasurement, SignOffCommand, SubmitWork, Withdraw
from models.errors import (
    AlreadySigned,
    ChangeClosed,
    CommentRequired,
    ConditionsOpen,
    ConditionsRequired,
    CrossStageSeparation,
    GateClosed,
    GateNotInReview,
    InvalidRequest,
    MeasurementsMissing,
    NotEligible,
    NotPermitted,
    OneRolePerGate,
    ProposerSeparation,
    RejectTargetNotAllowed,
    RevisionSuperseded,
    RoleNotRequired,
    SeparationOfDuties,
    UnknownMeasure,
    UnknownRevision,
    WrongStage,
)
from models.gate import ActOutcome, Decision, GateState, GateStatus
from models.intake import ChangeIntake
from models.playbook import GateKind, Playbook
from models.roles import Role


def require_active(state: ChangeState) -> None:
    if state.status.is_closed:
        raise ChangeClosed(f"the change is {state.status} and accepts no further commands")


def require_team_member(state: ChangeState, person: str, doing: str) -> None:
    if person not in state.team_members():
        raise NotEligible(
            f"only the change's proposer or its named digital people may {doing}; "
            f"{person} is neither"
        )


def check_submit(state: ChangeState, cmd: SubmitWork) -> None:
    require_active(state)
    gate = state.gate
    if gate.kind is GateKind.DECISION:
        raise WrongStage("the act stage takes a decision from the service owner, not a submission")
    require_team_member(state, cmd.actor, "submit work")
    if state.playbook.stage(gate.stage).records_measurements:
        recorded = {m.metric for m in state.measurements}
        missing = [m.metric for m in state.intake.success_measures if m.metric not in recorded]
        if missing:
            raise MeasurementsMissing(
                f"record a measurement for {', '.join(missing)} before submitting the check"
            )


def gate_for_revision(state: ChangeState, revision: int) -> GateState:
    """The gate a revision belongs to; refuses revisions that are unknown or closed."""
    if revision >= state.next_revision:
        raise UnknownRevision(f"revision {revision} has not been submitted on this change")
    for gate in [state.gate, *state.past_gates]:
        if any(s.revision == revision for s in gate.submissions):
            if gate is not state.gate or gate.status.is_closed:
                raise GateClosed(f"revision {revision} belongs to gate {gate.name!r}, now closed")
            return gate
    raise GateClosed(f"revision {revision} belongs to a gate of an earlier cycle, now closed")


def check_sign_off(state: ChangeState, cmd: SignOffCommand) -> None:
    require_active(state)
    gate = gate_for_revision(state, cmd.revision)
    if gate.status is not GateStatus.IN_REVIEW:
        raise GateNotInReview(
            f"gate {gate.name!r} is {gate.status}: it waits for a new revision from the team"
        )
    if cmd.revision != gate.revision:
        raise RevisionSuperseded(
            f"revision {cmd.revision} was superseded by revision {gate.revision}; "
            "review the new revision"
        )
    check_signer(state, gate, cmd)
    _check_decision_details(gate, cmd)


def _identities(cmd: SignOffCommand) -> list[str]:
    return [p for p in [cmd.actor, cmd.acting_for] if p is not None]


def check_signer(state: ChangeState, gate: GateState, cmd: SignOffCommand) -> None:
    """Whether this person may give this decision in this role at this gate."""
    if cmd.role not in gate.quorum:
        needed = ", ".join(gate.quorum)
        raise RoleNotRequired(f"gate {gate.name!r} needs sign-off from {needed}, not {cmd.role}")
    if cmd.acting_for == cmd.actor:
        raise InvalidRequest("acting_for names yourself; leave it out to sign as yourself")
    holder = cmd.acting_for or cmd.actor
    if holder not in state.intake.people.for_role(cmd.role):
        raise NotEligible(f"{holder} is not named for the {cmd.role} role on this change")
    _check_one_role(gate, cmd)
    _check_not_signed_yet(gate, cmd)
    _check_submitter(gate, cmd)
    if state.playbook.governance.separation_across_stages:
        _check_proposer(state, gate, cmd)
        _check_previous_gate(state, cmd)


def _check_one_role(gate: GateState, cmd: SignOffCommand) -> None:
    for person in _identities(cmd):
        other_roles = sorted({s.role for s in gate.signoffs_by(person) if s.role != cmd.role})
        if other_roles:
            raise OneRolePerGate(
                f"{person} already acted at gate {gate.name!r} as {', '.join(other_roles)}; "
                "one person may act in one role per gate"
            )


def _check_not_signed_yet(gate: GateState, cmd: SignOffCommand) -> None:
    for person in _identities(cmd):
        # A sign-off whose authority lapsed no longer speaks for anyone: its signer may
        # sign again once their role or delegation is back.
        signed = [s for s in gate.signoffs_by(person) if s.lapsed_at_revision is None]
        if any(s.revision == cmd.revision for s in signed):
            raise AlreadySigned(f"{person} already signed revision {cmd.revision}")
        carried = [s for s in gate.counting_approvals() if person in s.people]
        if cmd.decision.approves and carried:
            raise AlreadySigned(
                f"{person}'s approval of revision {carried[0].revision} still counts; "
                "it carried over to this revision"
            )


def _check_submitter(gate: GateState, cmd: SignOffCommand) -> None:
    submission = gate.current_submission
    if cmd.decision.approves and submission and submission.submitted_by in _identities(cmd):
        raise SeparationOfDuties(
            f"{submission.submitted_by} submitted revision {cmd.revision} and cannot approve it"
        )


def _check_proposer(state: ChangeState, gate: GateState, cmd: SignOffCommand) -> None:
    if gate.stage == state.playbook.first_stage.name and state.proposer in _identities(cmd):
        raise ProposerSeparation(
            f"{state.proposer} proposed this change and cannot sign its {gate.name!r} gate "
            "(rule: separation of duties across stages)"
        )


def _check_previous_gate(state: ChangeState, cmd: SignOffCommand) -> None:
    previous = state.previous_passed_gate()
    if previous is None or not cmd.decision.approves:
        return
    for signoff in previous.counting_approvals():
        crossed = signoff.people & set(_identities(cmd))
        if crossed and signoff.role != cmd.role:
            raise CrossStageSeparation(
                f"{', '.join(sorted(crossed))} approved {previous.name!r} as {signoff.role} and "
                f"cannot approve the next gate as {cmd.role} "
                "(rule: separation of duties across stages)"
            )


def _check_decision_details(gate: GateState, cmd: SignOffCommand) -> None:
    if cmd.decision in {Decision.REQUEST_CHANGES, Decision.REJECT} and not cmd.comment:
        raise CommentRequired(f"a {cmd.decision} decision must carry a comment saying why")
    if cmd.decision is Decision.APPROVE_WITH_CONDITIONS and not cmd.conditions:
        raise ConditionsRequired(
            "approve_with_conditions needs at least one condition: description, owner, due"
        )
    if cmd.conditions and cmd.decision is not Decision.APPROVE_WITH_CONDITIONS:
        raise InvalidRequest("conditions are only for an approve_with_conditions decision")
    if cmd.decision is not Decision.REJECT:
        if cmd.reject_to is not None:
            raise InvalidRequest("reject_to is only for a reject decision")
        return
    allowed = ", ".join(gate.reject_to) or "none"
    if cmd.reject_to is None:
        raise RejectTargetNotAllowed(f"a reject must name the stage to return to: {allowed}")
    if cmd.reject_to not in gate.reject_to:
        raise RejectTargetNotAllowed(
            f"gate {gate.name!r} may reject back to {allowed}, not {cmd.reject_to!r}"
        )


def check_conditions_due(cmd: SignOffCommand, now: datetime) -> None:
    late = [c.description for c in cmd.conditions if c.due < now.date()]
    if late:
        raise InvalidRequest(f"a condition's due date is in the past: {late[0]!r}")


def check_record_measurement(state: ChangeState, cmd: RecordMeasurement) -> None:
    require_active(state)
    if not state.playbook.stage(state.stage).records_measurements:
        raise WrongStage(
            f"measurements are recorded at the check stage; the change is at {state.stage}"
        )
    require_team_member(state, cmd.actor, "record measurements")
    if state.intake.measure(cmd.metric) is None:
        known = ", ".join(m.metric for m in state.intake.success_measures)
        raise UnknownMeasure(f"{cmd.metric!r} is not a success measure of this change: {known}")


def check_decide(state: ChangeState, cmd: Decide) -> None:
    require_active(state)
    gate = state.gate
    if gate.kind is not GateKind.DECISION:
        raise WrongStage(f"decisions are made at the act gate; the change is at {state.stage}")
    if cmd.actor not in state.intake.people.service_owner:
        raise NotEligible(f"{cmd.actor} is not named as service owner on this change")
    if cmd.outcome is not ActOutcome.ADOPT and not cmd.comment:
        raise CommentRequired(f"an {cmd.outcome} decision must carry a comment saying why")
    open_conditions = state.binding_conditions()
    if cmd.outcome is ActOutcome.ADOPT and open_conditions:
        listed = "; ".join(f"{c.description!r} (owner {c.owner})" for c in open_conditions)
        raise ConditionsOpen(f"adopt needs every condition closed; still open: {listed}")
    _check_restart(state, cmd)


def _check_restart(state: ChangeState, cmd: Decide) -> None:
    if cmd.outcome is not ActOutcome.ADAPT:
        if cmd.restart_at is not None:
            raise InvalidRequest("restart_at is only for an adapt decision")
        return
    allowed = state.playbook.adapt_restart_at
    if cmd.restart_at is not None and cmd.restart_at not in allowed:
        raise RejectTargetNotAllowed(
            f"an adapt may restart at {', '.join(allowed)}, not {cmd.restart_at!r}"
        )


def check_withdraw(state: ChangeState, cmd: Withdraw) -> None:
    require_active(state)
    allowed = {state.proposer, *state.intake.people.digital, *state.intake.people.service_owner}
    if cmd.actor not in allowed:
        raise NotPermitted(
            "only the proposer, the named digital people or the service owner may withdraw"
        )


def check_staffing(
    intake: ChangeIntake, playbook: Playbook, directory: Authorities, proposer: str
) -> None:
    """A new change must name people who hold their roles, enough of them that every
    gate can be signed by distinct people other than the proposer (who submits)."""
    for role, need in _largest_quorums(playbook).items():
        named = intake.people.for_role(role)
        if len(named) < need:
            raise InvalidRequest(
                f"the {playbook.name} playbook needs {need} {role} sign-off(s) "
                f"but the change names {len(named)} {role} people"
            )
        for person in named:
            _check_named(directory.of(person), role)
    for stage in playbook.stages:
        if stage.gate.kind is GateKind.SIGN_OFF and not _can_staff(
            intake, stage.gate.quorum, proposer
        ):
            needed = ", ".join(f"{n} {r}" for r, n in stage.gate.quorum.items())
            raise InvalidRequest(
                f"gate {stage.gate.name!r} needs {needed} approvals from different people, "
                f"and the change does not name enough people besides the proposer {proposer} "
                "(one person counts for one role per gate)"
            )


def _largest_quorums(playbook: Playbook) -> dict[Role, int]:
    largest: dict[Role, int] = {}
    for stage in playbook.stages:
        for role, need in stage.gate.quorum.items():
            largest[role] = max(largest.get(role, 0), need)
    return largest


def _can_staff(intake: ChangeIntake, quorum: dict[Role, int], proposer: str) -> bool:
    """Whether each quorum slot can go to a different named person: a bipartite matching
    of people to slots, since one person may be named for several roles."""
    slots = [role for role, need in quorum.items() for _ in range(need)]
    assigned: dict[str, int] = {}

    def place(slot: int, tried: set[str]) -> bool:
        for person in intake.people.for_role(slots[slot]):
            if person == proposer or person in tried:
                continue
            tried.add(person)
            if person not in assigned or place(assigned[person], tried):
                assigned[person] = slot
                return True
        return False

    return all(place(slot, set()) for slot in range(len(slots)))


def _check_named(authority: Authority, role: Role) -> None:
    if not authority.active:
        raise InvalidRequest(f"{authority.person} is not an active person in the directory")
    if not authority.holds(role):
        raise InvalidRequest(f"{authority.person} is named for {role} but does not hold that role")
