"""A new change, at its playbook's first stage."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.change import ChangeState
from models.commands import NewChange
from models.events import EventKind
from models.roles import Role
from models.transitions.handoffs import hand_to_next
from models.transitions.stages import new_gate


def open_change(new: NewChange, now: datetime) -> tuple[ChangeState, list[AuditEvent]]:
    first = new.playbook.first_stage.name
    state = ChangeState(
        change_id=new.change_id,
        intake=new.intake,
        proposer=new.proposer,
        playbook=new.playbook,
        stage=first,
        gate=new_gate(new.playbook, first, iteration=1, visit=1, now=now),
        stage_visits={first: 1},
        created_at=now,
        updated_at=now,
    )
    created = state.record(
        kind=EventKind.CHANGE_CREATED,
        actor=new.proposer,
        role=Role.DIGITAL,
        at=now,
        payload={
            "intake": new.intake.recorded(),
            "playbook": {"name": new.playbook.name, "version": new.playbook.version},
        },
    )
    reason = f"the change was proposed; the team prepares the {first} work"
    return state, [created, *hand_to_next(state, now, new.proposer, Role.DIGITAL, reason)]
