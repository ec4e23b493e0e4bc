"""The search attributes a change publishes for operators: stage, status, iteration and
the roles it waits on. No personal data."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.change import ChangeState
    from models.read.waiting import next_actors, roles_waited_on
    from workflows import search_attributes
    from workflows.patches import WAITING_ON_BY_ROLE

CONTINUED = "continued"
"""ThroughlineStatus of a run that continued as new: the next run carries the change."""


def publish(state: ChangeState) -> None:
    workflow.upsert_search_attributes(
        [
            search_attributes.STAGE.value_set(state.stage),
            search_attributes.STATUS.value_set(state.status.value),
            search_attributes.WAITING_ON.value_set(_roles_waited_on(state)),
            search_attributes.ITERATION.value_set(state.iteration),
        ]
    )


def _roles_waited_on(state: ChangeState) -> list[str]:
    """Every role the change waits on, even one nobody is left to take (a patch: older
    histories named only roles someone could still act in)."""
    if workflow.patched(WAITING_ON_BY_ROLE):
        return [role.value for role in roles_waited_on(state)]
    return sorted({role.value for _, role, _ in next_actors(state)})


def mark_continued() -> None:
    """A run that continues as new keeps its search attributes; clear what would make
    operators count the change twice, or at a stage it has left."""
    workflow.upsert_search_attributes(
        [
            search_attributes.STAGE.value_unset(),
            search_attributes.STATUS.value_set(CONTINUED),
            search_attributes.WAITING_ON.value_set([]),
        ]
    )
