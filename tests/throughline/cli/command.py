"""Running the `throughline` command as a user would, and reading what it prints."""

from __future__ import annotations

import asyncio
import gc

from typer.testing import CliRunner, Result

from throughline.cli import app
from throughline.settings import Settings
from throughline.tokens import read_token


async def run_command(runner: CliRunner, *args: str) -> Result:
    """Run the command in a thread of its own while the test's worker serves it."""

    def invoke() -> Result:
        try:
            return runner.invoke(app, list(args))
        finally:
            # The command's database work ran on greenlets of this thread: collect them
            # here, not later from another thread, where greenlet must defer their
            # deletion (a run of the whole suite once crashed doing that).
            gc.collect()

    return await asyncio.to_thread(invoke)


def person_of_token(token: str) -> str:
    return read_token(token, Settings().key_file().ring()).person
