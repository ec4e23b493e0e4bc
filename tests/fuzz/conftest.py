"""The running stack the fuzzers send their inputs to, with a person who holds every role."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.processes import Stack, start_stack

ALL_ROLES = ["policy", "digital", "operations", "service_owner", "auditor", "admin"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("fuzz") / "data")
    roles = [arg for role in ALL_ROLES for arg in ("--role", role)]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "throughline.cli",
            "people",
            "add",
            "Fuzzer",
            "--id",
            "fuzzer",
            *roles,
        ],
        env=running.env,
        check=True,
        capture_output=True,
    )
    try:
        yield running
    finally:
        running.stop()
