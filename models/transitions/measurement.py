"""A measured outcome recorded at the check stage."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState
from models.commands import RecordMeasurement
from models.events import EventKind
from models.evidence import Measurement
from models.roles import Role
from models.rules.measurement import check_record_measurement


def apply_record_measurement(
    state: ChangeState, cmd: RecordMeasurement, authorities: Authorities, now: datetime
) -> list[AuditEvent]:
    check_record_measurement(state, cmd)
    authorities.of(cmd.actor).require(state.playbook.stage(state.stage).owner)
    measurement = Measurement(
        metric=cmd.metric, value=cmd.value, note=cmd.note, recorded_by=cmd.actor, recorded_at=now
    )
    state.measurements = [m for m in state.measurements if m.metric != cmd.metric]
    state.measurements.append(measurement)
    recorded = state.record(
        kind=EventKind.MEASUREMENT_RECORDED,
        actor=cmd.actor,
        role=Role.DIGITAL,
        at=now,
        payload={"iteration": state.iteration, **measurement.model_dump(mode="json")},
    )
    return [recorded]
