"""The benchmark's separate processes: the dev server, the workers, the API, their CPU.

Each part runs as its own operating-system process, as in a deployment, so no part's
CPU or event loop is shared with the load generator, and /proc tells each one's CPU.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.common import SearchAttributeKey

from throughline.binaries import find_binary
from workflows import search_attributes

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of one process so far, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


@contextlib.contextmanager
def running(
    command: list[str], env: dict[str, str] | None = None, *, quiet: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a process, yield it, and stop it at the end however the run ends."""
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=output)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def temporal_server(folder: Path, port: int) -> list[str]:
    """The dev server on a file, with the search attributes Throughline's workflows use."""
    command = [find_binary("temporal"), "server", "start-dev", "--headless"]
    command += ["--ip", "127.0.0.1", "--port", str(port), "--log-level", "error"]
    command += ["--db-filename", str(folder / "temporal.db")]
    for key in search_attributes.ALL:
        command += ["--search-attribute", f"{key.name}={_kind(key)}"]
    return command


def _kind(key: SearchAttributeKey[Any]) -> str:
    """The CLI's name for a key's type: INDEXED_VALUE_TYPE_KEYWORD_LIST is KeywordList."""
    name = IndexedValueType.Name(IndexedValueType.ValueType(key.indexed_value_type)).removeprefix(
        "INDEXED_VALUE_TYPE_"
    )
    return "".join(word.title() for word in name.split("_"))


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


@contextlib.contextmanager
def read_model(folder: Path) -> Iterator[tuple[str, str]]:
    """A PostgreSQL database of the run's own when one answers, dropped at the end even
    on failure; otherwise a SQLite file. Yields the URL and the name of the kind."""
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield f"sqlite:///{folder / 'bench.db'}", "SQLite"
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql://postgres@127.0.0.1:5432/{name}", "PostgreSQL"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
