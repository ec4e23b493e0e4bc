"""The compose stack's one-shot scripts: both parse as POSIX sh, and create-namespace.sh,
run with the real `temporal` CLI against a real dev server, creates the namespace with
ten years' retention, runs again harmlessly, and gives up in bounded time when no server
answers. (setup-schema.sh needs temporal-sql-tool, which only the admin-tools image has.)"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.testing import WorkflowEnvironment

from tests.processes import free_port

ROOT = Path(__file__).parents[2]
SCRIPTS = ROOT / "deploy" / "temporal"
TEN_YEARS_SECONDS = 3650 * 86400


def _run(script: str, **environment: str) -> subprocess.CompletedProcess[str]:
    # The venv's bin holds the same `temporal` CLI the admin-tools image carries.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["sh", str(SCRIPTS / script)],
        env={"PATH": path, "HOME": os.environ.get("HOME", "/tmp"), **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("script", ["setup-schema.sh", "create-namespace.sh"])
def test_the_scripts_parse_as_posix_sh(script: str) -> None:
    checked = subprocess.run(["sh", "-n", str(SCRIPTS / script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


async def test_the_namespace_is_created_with_ten_years_retention_and_again_harmlessly(
    temporal_env: WorkflowEnvironment,
) -> None:
    address = temporal_env.client.service_client.config.target_host
    namespace = f"compose-{uuid.uuid4().hex[:8]}"
    for _ in range(2):
        ran = _run("create-namespace.sh", TEMPORAL_ADDRESS=address, NAMESPACE=namespace)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert f"namespace {namespace} is ready" in ran.stdout
    described = await temporal_env.client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=namespace)
    )
    retention = described.config.workflow_execution_retention_ttl
    assert retention.seconds == TEN_YEARS_SECONDS


def test_with_no_server_it_gives_up_after_its_attempts() -> None:
    ran = _run(
        "create-namespace.sh",
        TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}",
        NAMESPACE="never",
        ATTEMPTS="2",
        PAUSE_SECONDS="0",
    )
    assert ran.returncode == 1
    assert "gave up waiting for the Temporal server" in ran.stderr
    assert "attempt 1 of 2" in ran.stderr
