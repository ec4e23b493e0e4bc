"""Telling change workflows that the directory changed for them, from inside an activity:
a signal, so a change that has become stuck escalates at once."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from temporalio import activity
from temporalio.service import RPCError

from models.change import ChangeState
from models.read.stuck import needs_directory_look
from models.read.waiting import WaitKind
from models.results import DirectoryNews

log = logging.getLogger(__name__)
SIGNAL = "directory_changed"


async def tell_the_stuck(changes: Iterable[tuple[str, ChangeState, WaitKind]]) -> int:
    """Signal each change whose stuck escalation no longer matches what SQL finds;
    returns how many were told. A change that has finished is skipped."""
    told = 0
    for workflow_id, state, kind in changes:
        if not needs_directory_look(state, kind):
            continue
        news = DirectoryNews(reason=f"the change now waits as {kind}")
        try:
            await activity.client().get_workflow_handle(workflow_id).signal(SIGNAL, news)
            told += 1
        except RPCError as error:
            log.info("change not told", extra={"workflow_id": workflow_id, "error": str(error)})
    return told
