"""Waiting for a dependency that is not there yet, without ever giving up: a database or
Temporal still starting, or down for a while. Pauses grow to a cap, and each failure is
logged with its reason, so an operator sees why a part is not ready."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
FIRST_PAUSE_SECONDS = 0.5
LONGEST_PAUSE_SECONDS = 30.0


async def until_it_answers(
    what: str,
    attempt: Callable[[], Awaitable[T]],
    failures: tuple[type[BaseException], ...],
    attempts: int | None = None,
) -> T:
    """Call until it succeeds; `attempts` bounds it for callers that must give up."""
    pause, tried = FIRST_PAUSE_SECONDS, 0
    while True:
        tried += 1
        try:
            return await attempt()
        except failures as error:
            if attempts is not None and tried >= attempts:
                raise
            log.warning(
                f"waiting for {what}",
                extra={"attempt": tried, "retry_in_seconds": pause, "reason": str(error)[:500]},
            )
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
