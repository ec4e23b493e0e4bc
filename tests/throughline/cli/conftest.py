"""The `throughline` command run against the test's dev server and worker.

Directory commands reach the directory workflow, so each command runs in a thread of its
own, as a separate process would, while the worker serves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.worker import Worker
from typer.testing import CliRunner


@pytest.fixture
def runner(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    temporal_client: Client,
    task_queue: str,
    sqlite_url: str,
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> CliRunner:
    monkeypatch.delenv("THROUGHLINE_TOKEN_SECRET", raising=False)
    monkeypatch.setenv("THROUGHLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THROUGHLINE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv(
        "THROUGHLINE_TEMPORAL_ADDRESS", temporal_client.service_client.config.target_host
    )
    monkeypatch.setenv("THROUGHLINE_TASK_QUEUE", task_queue)
    return CliRunner()
