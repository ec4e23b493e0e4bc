"""How a change with service levels keeps time: one timer, always set for the next thing
the clock must do (a reminder, an overdue mark, an escalation or the end of a challenge
window), and a look at the directory whenever its projection says the change may be
stuck. Each step is recorded as audit events and projected like any command's."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.audit import AuditEvent
    from models.change import ChangeState
    from models.rules.challenges import awaiting_challenge, challengeable
    from models.service_levels import keeps_time, schedule
    from models.transitions.clock import apply_clock, next_deadline
    from models.transitions.stuck import apply_directory_reading
    from workflows import attributes, reads
    from workflows.patches import SERVICE_LEVELS
    from workflows.projection import ChangeProjection
    from workflows.timers import sleep_until

CALENDAR_MARGIN = timedelta(days=730)
"""A run fetches its calendar again when fewer than two years of it are left."""


class TimeKeeping:
    """What ServiceChangeWorkflow's run does while a change waits."""

    _state: ChangeState
    _projection: ChangeProjection
    _run_iteration: int
    _directory_changed: bool = False

    async def _wait_for_the_clock(self, keeping_time: bool) -> None:
        """Sleep until the run should end, doing what the clock asks on the way."""
        if keeping_time:
            await self._keep_time()
            return
        while await sleep_until(self._challenge_deadline_while_closed, self._run_should_end):
            pass  # a challenge window closed: whether the run ends is asked again

    async def _starts_keeping_time(self) -> bool:
        """Fetch the calendar and give each open turn its due time, when the playbook has
        service levels; runs before the run's first projection, so SQL has the dues."""
        state = self._state
        if state.playbook.governance.service_levels is None:
            return False
        if not workflow.patched(SERVICE_LEVELS):
            return False
        calendar = state.calendar
        if calendar is None or workflow.now().date() + CALENDAR_MARGIN > calendar.last_day:
            state.calendar = await reads.working_calendar(state, workflow.now().date())
        schedule(state)
        return keeps_time(state)

    async def _keep_time(self) -> None:
        while True:
            woken = lambda: self._run_should_end() or self._directory_changed  # noqa: E731
            fired = await sleep_until(self._next_deadline, woken)
            if self._directory_changed:
                self._directory_changed = False
                await self._look_at_the_directory()
            elif fired:
                await self._record(apply_clock(self._state, workflow.now()))
            else:
                return

    def _next_deadline(self) -> datetime | None:
        deadlines = [
            next_deadline(self._state, workflow.now()),
            self._challenge_deadline_while_closed(),
        ]
        return min((d for d in deadlines if d is not None), default=None)

    async def _look_at_the_directory(self) -> None:
        reading = await reads.directory_reading(self._state)
        await self._record(apply_directory_reading(self._state, reading, workflow.now()))

    async def _record(self, events: list[AuditEvent]) -> None:
        schedule(self._state)
        if not events:
            return
        self._projection.outbox.extend(events)
        attributes.publish(self._state)
        await self._projection.through(self._state, self._state.seq)

    def _awaiting_challenge(self) -> bool:
        return awaiting_challenge(self._state, workflow.now())

    def _challenge_deadline_while_closed(self) -> datetime | None:
        """A change a reject closed stays open until the reject's challenge window ends."""
        if not self._awaiting_challenge():
            return None
        rejection = challengeable(self._state, workflow.now())
        return rejection.challenge_deadline if rejection else None

    def _run_should_end(self) -> bool:
        """True when this run should finish: the change has closed for good, a new cycle
        began, or Temporal suggests a fresh run (a change still open to a challenge then
        continues as new rather than ending)."""
        state = self._state
        if state.iteration > self._run_iteration or workflow.info().is_continue_as_new_suggested():
            return True
        return state.status.is_closed and not self._awaiting_challenge()
