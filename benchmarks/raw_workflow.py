"""The baseline: a bare workflow taking updates, with nothing of Throughline in it.

`python -m benchmarks.raw_workflow ADDRESS QUEUE` runs its worker as a process of its
own, as Throughline's worker runs, so each side's worker CPU is measured alike.
"""

from __future__ import annotations

import asyncio
import sys

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker


@workflow.defn
class RawUpdates:
    """Updates: bump. It ends after five, as a change does after its five commands."""

    def __init__(self) -> None:
        self.count = 0

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.count >= 5)
        return self.count

    @workflow.update
    async def bump(self, by: int) -> int:
        self.count += by
        return self.count

    @bump.validator
    def _positive(self, by: int) -> None:
        if by <= 0:
            raise ValueError("bump by a positive number")


async def serve(address: str, queue: str) -> None:
    """Work the raw queue until the process is stopped."""
    client = await Client.connect(address)
    async with Worker(client, task_queue=queue, workflows=[RawUpdates]):
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
