"""Typed rows of the change read model, built from domain objects.

Each mapping names, for every field of a domain type, the column it is stored in, or
why it is not stored. A field added to a domain type and left out of its mapping fails
tests/throughline/store/test_rows.py, instead of being dropped without a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import SQLModel

from models.change import ChangeState
from models.condition import Condition
from models.evidence import Measurement, Submission
from models.gate import GateState, SignOff
from models.handoff import Handoff
from models.tables import (
    ConditionRow,
    GateRow,
    HandoffRow,
    MeasurementRow,
    SignOffRow,
    SubmissionRow,
)

D = TypeVar("D", bound=BaseModel)


@dataclass(frozen=True)
class RowMapping:
    """How one domain type becomes rows of one table."""

    domain: type[BaseModel]
    table: type[SQLModel]
    columns: dict[str, str]
    """Domain field -> the column that stores it."""
    not_stored: dict[str, str] = field(default_factory=dict)
    """Domain field -> why no column holds it."""

    def row(self, obj: BaseModel, **keys: Any) -> dict[str, Any]:
        values = {column: _plain(getattr(obj, name)) for name, column in self.columns.items()}
        return {**keys, **values}


def _plain(value: Any) -> Any:
    """Enums as their values, lists of them too, and domain objects as JSON."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


CHASE = ("due_at", "reminded_at", "overdue_at", "escalated_at")


GATES = RowMapping(
    GateState,
    GateRow,
    {"id": "gate_id", **_same("iteration", "stage", "name", "status", "revision")}
    | _same("opened_at", "closed_at"),
    not_stored={
        "kind": "the playbook says, by stage",
        "quorum": "the playbook says, by stage",
        "reject_to": "the playbook says, by stage",
        "submissions": "a table of their own",
        "signoffs": "a table of their own",
        "approval_notes": "in the snapshot; the gate report shows them",
        "decision": "in the snapshot and its decision_made audit event",
    },
)
SUBMISSIONS = RowMapping(
    Submission,
    SubmissionRow,
    _same("revision", "gate_id", "stage", "summary", "submitted_by", "submitted_at", "evidence"),
    not_stored={
        "measurements": "the measurement table holds them",
        "compacted": "never stored: only whole submissions are written",
    },
)
SIGN_OFFS = RowMapping(
    SignOff,
    SignOffRow,
    {"person": "person_id"}
    | _same("seq", "gate_id", "revision", "acting_for", "role", "decision", "comment")
    | _same("reject_to", "at", "counts", "not_counted_reason", "condition_ids")
    | _same("lapsed_at_revision"),
)
MEASUREMENTS = RowMapping(
    Measurement,
    MeasurementRow,
    _same("metric", "value", "note", "recorded_by", "recorded_at"),
)
HANDOFFS = RowMapping(
    Handoff,
    HandoffRow,
    _same("seq", "kind", "from_party", "to_party", "roles", "reason", "opened_at", "closed_at")
    | _same("gate_id", "about", *CHASE),
)
CONDITIONS = RowMapping(
    Condition,
    ConditionRow,
    {"id": "condition_id"}
    | _same("gate_id", "gate_name", "description", "owner", "due", "raised_by", "raised_role")
    | _same("raised_at", "status", "binding", "closed_by", "closed_at", *CHASE),
    not_stored={
        "note": "in the snapshot and its condition_closed audit event",
        "evidence": "in the snapshot and its condition_closed audit event",
    },
)
MAPPINGS = [GATES, SUBMISSIONS, SIGN_OFFS, MEASUREMENTS, HANDOFFS, CONDITIONS]


def child_rows(state: ChangeState) -> dict[type[SQLModel], list[dict[str, Any]]]:
    """Every row of the change's child tables that this state describes. Trimmed
    (superseded) submissions are left out: the read model keeps them whole."""
    keys = {"change_id": state.change_id}
    gates = [*state.past_gates, state.gate]
    submissions = [s for g in gates for s in g.submissions if not s.compacted]
    return {
        GateRow: [GATES.row(g, **keys) for g in gates],
        SubmissionRow: [SUBMISSIONS.row(s, **keys) for s in submissions],
        SignOffRow: [SIGN_OFFS.row(s, **keys) for g in gates for s in g.signoffs],
        MeasurementRow: [
            MEASUREMENTS.row(m, **keys, iteration=state.iteration) for m in state.measurements
        ],
        HandoffRow: [HANDOFFS.row(h, **keys) for h in state.handoffs],
        ConditionRow: [CONDITIONS.row(c, **keys) for c in state.conditions],
    }
