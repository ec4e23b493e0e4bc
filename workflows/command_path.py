"""The one path every command of a change takes: validated before it enters history,
answered from its Idempotency-Key when it was seen before, applied once the directory is
read, the gate completed when it is ready, and answered while SQL catches up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.audit import AuditEvent
    from models.authority import Authorities
    from models.change import ChangeState
    from models.commands import Command
    from models.results import CommandResult, result_of
    from models.roles import Role
    from models.rules import budget, quorum
    from models.service_levels import schedule
    from models.transitions import completion
    from workflows import attributes, reads
    from workflows.keys import CommandKeys
    from workflows.patches import (
        ANSWER_BEFORE_PROJECTING,
        HAND_HELD_GATES,
        RECHECK_JUDGES_PEOPLE_READ,
    )
    from workflows.projection import ChangeProjection
    from workflows.refusals import refusals_as_application_errors

C = TypeVar("C", bound=Command)
Transition = Callable[[ChangeState, C, Authorities, datetime], list[AuditEvent]]
Check = Callable[[ChangeState, C], None]


class CommandPath:
    """What ServiceChangeWorkflow's update handlers share; it holds the state they act on."""

    _state: ChangeState
    _projection: ChangeProjection
    _keys: CommandKeys
    _clock_ready: bool
    _run_iteration: int

    async def _clock_set(self) -> None:
        """Wait, at the start of a run with service levels, until its calendar is fetched,
        so no command or projection gets ahead of the due times. A run without them is
        ready from the start, and never waits here."""
        if not self._clock_ready:
            await workflow.wait_condition(lambda: self._clock_ready)

    def _validate(self, cmd: C, check: Check[C]) -> None:
        with refusals_as_application_errors():
            self._keys.refuse_a_different_body_in_flight(cmd)
            if self._keys.earlier(cmd) is None:
                budget.check_room_to_grow(self._state, cmd)
                check(self._state, cmd)

    async def _execute(
        self, name: str, cmd: C, transition: Transition[C], role: Role | None = None
    ) -> CommandResult:
        with refusals_as_application_errors():
            earlier = self._keys.earlier(cmd)
        if earlier is not None:
            return earlier
        with self._keys.handling(cmd):
            await self._clock_set()
            return await self._apply(name, cmd, transition, role)

    async def _apply(
        self, name: str, cmd: C, transition: Transition[C], role: Role | None
    ) -> CommandResult:
        authorities = await self._authorities(cmd.people())
        gate_before = self._state.gate.id
        # The state may have moved while we awaited the directory; the transition
        # re-checks every rule before it changes anything.
        with refusals_as_application_errors():
            events = transition(self._state, cmd, authorities, workflow.now())
        self._projection.outbox.extend(events)
        await self._complete_gate_if_ready(cmd.actor, role)
        schedule(self._state)
        attributes.publish(self._state)
        result = self._result(name, gate_before)
        receipt = self._keys.remember(cmd, result)
        if receipt is not None:
            self._projection.receipts.append(receipt)
        await self._project(self._state)
        return result

    async def _project(self, state: ChangeState) -> None:
        """Answer once SQL holds the command, projected in a local activity. Before that
        patch: answer once applied, with SQL catching up in the background. A command after
        which the run ends is answered once SQL holds it, as every command was before
        (and still is in older histories): the caller's next command then finds the
        run settled and gone, rather than keeping an ending run busy. So is one while SQL
        is far behind: a held-up projection slows commands instead of piling up."""
        if self._projection.local():
            await self._projection.through(state, state.seq)
            return
        early = workflow.patched(ANSWER_BEFORE_PROJECTING)
        if early and not self._run_ending(state) and not self._projection.far_behind():
            self._projection.soon(state)
        else:
            await self._projection.through(state, state.seq)

    def _run_ending(self, state: ChangeState) -> bool:
        """A new cycle began, the change closed, or Temporal suggests a fresh run."""
        return (
            state.iteration > self._run_iteration
            or state.status.is_closed
            or workflow.info().is_continue_as_new_suggested()
        )

    def _result(self, name: str, gate_before: str) -> CommandResult:
        closed = next((g for g in self._state.past_gates if g.id == gate_before), None)
        return result_of(self._state, name, closed)

    async def _complete_gate_if_ready(self, actor: str, role: Role | None) -> None:
        state = self._state
        if not quorum.gate_ready(state):
            if quorum.held_by_conditions(state) and workflow.patched(HAND_HELD_GATES):
                held = completion.hand_held_gate(state, workflow.now(), actor, role)
                self._projection.outbox.extend(held)
            return
        authorities = None
        if state.playbook.governance.recheck_authority_at_quorum:
            authorities = await self._authorities(quorum.people_to_recheck(state))
        # Another command may have moved the gate during that await; complete_gate
        # re-checks readiness before it passes anything.
        events = completion.complete_gate(
            state,
            workflow.now(),
            actor,
            role,
            authorities,
            judge_only_people_read=workflow.patched(RECHECK_JUDGES_PEOPLE_READ),
        )
        self._projection.outbox.extend(events)

    async def _authorities(self, people: list[str]) -> Authorities:
        return await reads.authorities(self._state, people)
