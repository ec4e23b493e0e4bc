"""A stage's work submitted as a new revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState
from models.commands import SubmitWork
from models.events import EventKind
from models.evidence import Submission
from models.gate import GateState, GateStatus
from models.playbook import GateKind
from models.rules.submission import check_submit
from models.transitions.carryover import reassess_approvals
from models.transitions.handoffs import hand_to_next


def apply_submit(
    state: ChangeState, cmd: SubmitWork, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_submit(state, cmd)
    owner = state.playbook.stage(state.stage).owner
    authorities.of(cmd.actor).require(owner)
    gate = state.gate
    submission = Submission(
        revision=state.next_revision,
        gate_id=gate.id,
        stage=gate.stage,
        summary=cmd.summary,
        evidence=cmd.evidence,
        submitted_by=cmd.actor,
        submitted_at=now,
        measurements=list(state.measurements),
    )
    evidence_bound = state.playbook.governance.evidence_bound_approvals
    reassess_approvals(gate, gate.current_submission, submission, evidence_bound)
    state.next_revision += 1
    gate.submissions.append(submission)
    # The revision before stays whole: the next one is compared with it.
    gate.compact_submissions(keep=2)
    gate.revision = submission.revision
    gate.status = GateStatus.IN_REVIEW
    submitted = state.record(
        kind=EventKind.WORK_SUBMITTED,
        actor=cmd.actor,
        role=owner,
        at=now,
        payload=_submission_payload(gate),
    )
    awaits = "the panel's assessment" if gate.kind is GateKind.ASSESSMENT else "sign-off"
    reason = (
        f"revision {submission.revision} of the {gate.stage} work awaits {awaits} at {gate.name!r}"
    )
    return [submitted, *hand_to_next(state, now, cmd.actor, owner, reason)]


def _submission_payload(gate: GateState) -> dict[str, Any]:
    submission = gate.current_submission
    assert submission is not None
    return {"gate_id": gate.id, **submission.model_dump(mode="json", exclude={"gate_id"})}
