"""Named workflow mechanics for time: sleeping until a deadline that can move."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from temporalio import workflow


async def sleep_until(deadline: Callable[[], datetime | None], woken: Callable[[], bool]) -> bool:
    """Sleep until the deadline passes (True) or something wakes the sleeper (False).

    The deadline is asked again whenever the workflow's state changes, so a deadline that
    moves, appears or disappears restarts the timer instead of firing at the old time.
    """
    while True:
        if woken():
            return False
        current = deadline()
        if current is not None and current <= workflow.now():
            return True
        timeout = (current - workflow.now()) if current is not None else None

        def moved_or_woken(at: datetime | None = current) -> bool:
            return woken() or deadline() != at

        try:
            await workflow.wait_condition(moved_or_woken, timeout=timeout)
        except TimeoutError:
            return True
