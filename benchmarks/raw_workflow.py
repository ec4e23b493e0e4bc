"""The baseline: a bare workflow taking updates, with nothing of Throughline in it."""

from __future__ import annotations

from temporalio import workflow


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
