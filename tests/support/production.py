"""The production topology as separate processes on this machine: a Temporal dev server
with a namespace of ten years' retention, a PostgreSQL database of the test's own, and
`throughline migrate`, `api` and `worker` run as compose runs them, with production
settings. Used by tests/end_to_end/test_scale_out.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

from tests.api.client import SECRET
from tests.conftest import POSTGRES_ADMIN_URL
from tests.processes import end_process, free_port, start_dev_server
from throughline.binaries import find_binary

ADMIN_URL = POSTGRES_ADMIN_URL
RETENTION = "3650d"
STARTUP_SECONDS = 60
LOG_TAIL = 40


def database_parts(url: str) -> dict[str, str]:
    """The database as compose gives it: by parts, not a URL."""
    parsed = make_url(url)
    parts = {
        "THROUGHLINE_DATABASE_HOST": parsed.host or "127.0.0.1",
        "THROUGHLINE_DATABASE_PORT": str(parsed.port or 5432),
        "THROUGHLINE_DATABASE_NAME": parsed.database or "",
        "THROUGHLINE_DATABASE_USER": parsed.username or "",
    }
    if parsed.password:
        parts["THROUGHLINE_DATABASE_PASSWORD"] = parsed.password
    return parts


@contextmanager
def own_database(admin_url: str) -> Iterator[str]:
    """A PostgreSQL database made for one test and dropped after it, whatever happened;
    FORCE ends the connections of processes that were killed mid-transaction."""
    name = f"throughline_scale_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def temporal_namespace(data_dir: Path) -> Iterator[tuple[str, str]]:
    """A dev server on a SQLite file and a namespace created on it, as the
    `temporal-namespace` service creates one: yields its address and the namespace."""
    port = free_port()
    server = start_dev_server(data_dir / "temporal.db", port)
    address, namespace = f"127.0.0.1:{port}", f"throughline-{uuid.uuid4().hex[:8]}"
    try:
        created = subprocess.run(
            [
                find_binary("temporal"), "operator", "namespace", "create",
                "--namespace", namespace, "--retention", RETENTION, "--address", address,
            ],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert created.returncode == 0, created.stdout + created.stderr
        yield address, namespace
    finally:
        end_process(server, 30)


@dataclass
class Part:
    """One process of the topology: which command, where it logs, and its port if any."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return f"--- {self.name} (exit {self.process.poll()}) ---\n" + "\n".join(lines[-LOG_TAIL:])

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, as a crash or an OOM kill leaves things."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(30)


@dataclass
class Topology:
    """Production settings shared by every part, and the parts started so far."""

    data_dir: Path
    temporal_address: str
    namespace: str
    database_url: str
    parts: list[Part] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("THROUGHLINE_")}
        env.update(
            {
                "THROUGHLINE_ENVIRONMENT": "production",
                "THROUGHLINE_TEMPORAL_ADDRESS": self.temporal_address,
                "THROUGHLINE_NAMESPACE": self.namespace,
                **database_parts(self.database_url),
                "THROUGHLINE_TOKEN_SECRET": SECRET,
                "THROUGHLINE_DATA_DIR": str(self.data_dir),
                "THROUGHLINE_LOG_LEVEL": "INFO",
                **extra,
            }
        )
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "throughline.cli", *args]

    def migrate(self) -> str:
        done = subprocess.run(
            self.command("migrate"), env=self.env(), capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(self, name: str, *args: str, port: int | None = None) -> Part:
        log = self.data_dir / f"{name}.log"
        extra = (
            {"THROUGHLINE_API_PORT": str(port)}
            if port
            else {"THROUGHLINE_WORKER_HEALTH_FILE": str(self.health_file(name))}
        )
        with log.open("wb") as out:
            process = subprocess.Popen(
                self.command(*args), env=self.env(**extra), stdout=out, stderr=subprocess.STDOUT
            )
        part = Part(name, process, log, port)
        self.parts.append(part)
        return part

    def health_file(self, name: str) -> Path:
        return self.data_dir / f"{name}.health"

    def wait_until_ready(self, part: Part) -> None:
        """A worker is ready once it says so; an API once /healthz answers 200."""
        if part.port is None:
            self.wait_for_line(part, "worker started")
        else:
            self.wait_until_healthy(part)

    def wait_for_line(self, part: Part, text: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and part.process.poll() is None:
            if text in part.log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise AssertionError(f"no {text!r} from {part.name}\n{part.log_tail()}")

    def wait_until_healthy(self, part: Part) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and part.process.poll() is None:
            try:
                if httpx.get(f"{part.url}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{part.name} never became healthy\n{part.log_tail()}")

    def logs(self) -> str:
        return "\n".join(part.log_tail() for part in self.parts)

    def stop_all(self) -> None:
        for part in self.parts:
            if part.process.poll() is None:
                part.process.terminate()
        for part in self.parts:
            try:
                part.process.wait(20)
            except subprocess.TimeoutExpired:
                part.kill()
