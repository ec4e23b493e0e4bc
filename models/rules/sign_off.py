"""Who may sign off, in which role, on which revision: quorum roles, separation of
duties (within a gate and across stages), and what each decision must carry."""

from __future__ import annotations

from datetime import datetime

from models.change import ChangeState
from models.commands import SignOffCommand
from models.errors import (
    AlreadySigned,
    CommentRequired,
    ConditionsRequired,
    CrossStageSeparation,
    GateClosed,
    GateNotInReview,
    InvalidRequest,
    NotEligible,
    OneRolePerGate,
    ProposerSeparation,
    RejectTargetNotAllowed,
    RevisionSuperseded,
    RoleNotRequired,
    SeparationOfDuties,
    UnknownRevision,
    WrongGateKind,
)
from models.gate import Decision, GateState, GateStatus
from models.playbook import GateKind
from models.rules.common import require_active
from models.rules.practice import check_gate_may_pass, check_observed


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
    require_in_review(gate)
    if gate.kind is GateKind.ASSESSMENT:
        raise WrongGateKind(
            f"gate {gate.name!r} is an assessment: its lead assessor records the panel's "
            "ratings, POST /changes/{id}/assessments"
        )
    if cmd.revision != gate.revision:
        raise RevisionSuperseded(
            f"revision {cmd.revision} was superseded by revision {gate.revision}; "
            "review the new revision"
        )
    check_signer(state, gate, cmd)
    _check_decision_details(gate, cmd)
    if cmd.decision.approves:
        check_gate_may_pass(state)


def require_in_review(gate: GateState) -> None:
    """A gate takes sign-offs only while a revision is in review."""
    if gate.status is not GateStatus.IN_REVIEW:
        raise GateNotInReview(
            f"gate {gate.name!r} is {gate.status}: it waits for a new revision from the team"
        )


def _identities(cmd: SignOffCommand) -> list[str]:
    return [p for p in [cmd.actor, cmd.acting_for] if p is not None]


def check_signer(state: ChangeState, gate: GateState, cmd: SignOffCommand) -> None:
    """Whether this person may give this decision in this role at this gate."""
    if cmd.role not in gate.quorum:
        needed = ", ".join(gate.quorum)
        raise RoleNotRequired(f"gate {gate.name!r} needs sign-off from {needed}, not {cmd.role}")
    if cmd.acting_for == cmd.actor:
        raise InvalidRequest("acting_for names yourself; leave it out to sign as yourself")
    on_panel = sorted(set(_identities(cmd)) & set(state.intake.people.assessor))
    if on_panel:
        raise SeparationOfDuties(
            f"{', '.join(on_panel)} sits on this change's assessment panel and does not "
            "also sign it"
        )
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


def check_sign_off_at(state: ChangeState, cmd: SignOffCommand, now: datetime) -> None:
    """The checks that need the time: conditions due in the future, and live data
    observed for as long as the gate needs before an approval."""
    check_conditions_due(cmd, now)
    if cmd.decision.approves:
        check_observed(state, cmd.first_observed, now)


def check_conditions_due(cmd: SignOffCommand, now: datetime) -> None:
    late = [c.description for c in cmd.conditions if c.due < now.date()]
    if late:
        raise InvalidRequest(f"a condition's due date is in the past: {late[0]!r}")
