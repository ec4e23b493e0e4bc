"""What a new revision does to the approvals already given at a gate."""

from __future__ import annotations

from models.evidence import Submission, evidence_changed_for
from models.gate import ApprovalNote, Decision, GateState, SignOff
from models.roles import Role


def reassess_approvals(
    gate: GateState, previous: Submission | None, new: Submission, evidence_bound: bool
) -> None:
    requested = _roles_requesting_changes(gate, previous)
    for approval in gate.counting_approvals():
        reason = _reset_reason(approval, previous, new, requested, evidence_bound)
        if reason is not None:
            approval.counts = False
            approval.not_counted_reason = reason
        gate.approval_notes.append(
            ApprovalNote(
                revision=new.revision,
                person=approval.person,
                acting_for=approval.acting_for,
                role=approval.role,
                carried_over=reason is None,
                reason=reason or f"carried over: evidence for {approval.role} is unchanged",
            )
        )


def _roles_requesting_changes(gate: GateState, previous: Submission | None) -> set[Role]:
    if previous is None:
        return set()
    return {
        s.role
        for s in gate.signoffs
        if s.revision == previous.revision and s.decision is Decision.REQUEST_CHANGES
    }


def _reset_reason(
    approval: SignOff,
    previous: Submission | None,
    new: Submission,
    requested: set[Role],
    evidence_bound: bool,
) -> str | None:
    if not evidence_bound:
        return f"superseded by revision {new.revision}"
    if new.submitted_by in approval.people:
        return f"reset by revision {new.revision}: {new.submitted_by} submitted it"
    if approval.role in requested:
        return f"reset by revision {new.revision}: {approval.role} requested changes"
    if previous is None or evidence_changed_for(approval.role, previous.evidence, new.evidence):
        return f"reset by revision {new.revision}: evidence for {approval.role} changed"
    return None
