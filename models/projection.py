"""What the workflow hands to the projection, and what its history records of each one.

Until the `project-in-a-local-activity` patch, the workflow scheduled an ordinary
activity whose recorded input is a `ProjectionBatch`: the whole state, every time.
Since, the worker projects in a local activity, whose input is not recorded; what it
returns is, as a `ProjectionRecord`: the events, the receipts, and the state as a patch
against the run's previous record (whole in a run's first). `Replayed` reads records
back into the batches they stood for, run by run.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, ValidationError

from models.audit import AuditEvent
from models.base import Strict
from models.change import ChangeState
from models.json_patch import PatchProblem, apply, diff
from models.results import Receipt


class ProjectionBatch(Strict):
    """A snapshot of the change, and the audit events and command receipts written since
    the last batch."""

    workflow_id: str
    state: ChangeState
    events: list[AuditEvent]
    receipts: list[Receipt] = Field(
        default_factory=list,
        description="Answers to keyed commands, kept in SQL for the life of the change.",
    )


class LocalProjection(Strict):
    """A local projection's input: a batch whose state is its JSON, the state as the run
    last recorded it (None in a run's first record), and how far SQL is projected."""

    workflow_id: str
    state: str
    events: list[AuditEvent]
    receipts: list[Receipt] = Field(default_factory=list)
    recorded: str | None = None
    projected_seq: int = Field(
        default=0,
        description="The seq SQL held before this batch, by the run's own account: what SQL"
        " holds past it was written by an attempt whose workflow task was lost.",
    )

    def batch(self) -> ProjectionBatch:
        return ProjectionBatch(
            workflow_id=self.workflow_id,
            state=ChangeState.model_validate_json(self.state),
            events=self.events,
            receipts=self.receipts,
        )

    def record(self, batch: ProjectionBatch) -> ProjectionRecord:
        """What the history keeps of this batch."""
        if self.recorded is None:
            return ProjectionRecord.of(batch, state=batch.state)
        previous = json.loads(self.recorded)
        patch = diff(previous, json.loads(self.state))
        return ProjectionRecord.of(batch, patch=patch, previous_seq=previous["seq"])


class ProjectionRecord(Strict):
    """A projection as the history keeps it: the state whole, or as a patch against the
    run's previous record, whose seq was previous_seq."""

    workflow_id: str
    seq: int
    events: list[AuditEvent]
    receipts: list[Receipt] = Field(default_factory=list)
    state: ChangeState | None = None
    patch: dict[str, Any] | None = None
    previous_seq: int | None = None

    @classmethod
    def of(
        cls,
        batch: ProjectionBatch,
        *,
        state: ChangeState | None = None,
        patch: dict[str, Any] | None = None,
        previous_seq: int | None = None,
    ) -> ProjectionRecord:
        return cls(
            workflow_id=batch.workflow_id,
            seq=batch.state.seq,
            events=batch.events,
            receipts=batch.receipts,
            state=state,
            patch=patch,
            previous_seq=previous_seq,
        )


class RecordProblem(ValueError):
    """A run's records that do not add up to a state: a patch with nothing before it,
    against another seq, or that does not fit."""


class Replayed:
    """One run's records turned back into batches, in the order the run made them."""

    def __init__(self) -> None:
        self._state: dict[str, Any] | None = None

    def batch(self, record: ProjectionRecord) -> ProjectionBatch:
        self._state = self._next_state(record)
        try:
            state = ChangeState.model_validate(self._state)
        except ValidationError as error:
            raise RecordProblem(f"a patched state is not a change's state: {error}") from None
        return ProjectionBatch(
            workflow_id=record.workflow_id,
            state=state,
            events=record.events,
            receipts=record.receipts,
        )

    def _next_state(self, record: ProjectionRecord) -> dict[str, Any]:
        if record.state is not None:
            return record.state.model_dump(mode="json")
        if record.patch is None or self._state is None:
            raise RecordProblem(f"the record of seq {record.seq} has no state to start from")
        if self._state.get("seq") != record.previous_seq:
            raise RecordProblem(
                f"the record of seq {record.seq} patches seq {record.previous_seq},"
                f" not {self._state.get('seq')}"
            )
        try:
            patched: dict[str, Any] = apply(self._state, record.patch)
        except PatchProblem as problem:
            raise RecordProblem(f"the record of seq {record.seq}: {problem}") from None
        return patched
