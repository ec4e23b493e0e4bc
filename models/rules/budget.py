"""A change's record has a size budget for one cycle, because every projection carries
the whole state and Temporal limits a payload's size. Only commands that grow the record
are refused at the budget; whatever moves the change on never is, so a change at its
budget can always move forward."""

from __future__ import annotations

from models.change import ChangeState
from models.commands import Challenge, Command, RecordMeasurement, SubmitWork
from models.errors import ChangeTooLarge
from models.gate import GateStatus
from models.playbook import GateKind

STATE_BUDGET_BYTES = 1_000_000
GROWING = (SubmitWork, RecordMeasurement, Challenge)


def check_room_to_grow(state: ChangeState, cmd: Command) -> None:
    if not isinstance(cmd, GROWING):
        return
    size = len(state.model_dump_json())
    if size <= STATE_BUDGET_BYTES:
        return
    raise ChangeTooLarge(
        f"this change's record is {size // 1000} kB, over the {STATE_BUDGET_BYTES // 1000} kB "
        f"it may hold in one cycle, so it takes no more {_what(cmd)}. {_way_forward(state)}"
    )


def _what(cmd: Command) -> str:
    if isinstance(cmd, SubmitWork):
        return "revisions"
    return "measurements" if isinstance(cmd, RecordMeasurement) else "challenges"


def _way_forward(state: ChangeState) -> str:
    gate = state.gate
    if gate.kind is GateKind.DECISION:
        return (
            f"The service owner can still decide at {gate.name!r}; adapting starts a new "
            "cycle with room to spare"
        )
    if gate.status is GateStatus.IN_REVIEW:
        return (
            f"Reviewers can still decide on revision {gate.revision} at {gate.name!r}; once "
            "it passes, earlier revisions are kept in the read model only, which makes room"
        )
    return "It can still be withdrawn, and proposed again from where it stands"
