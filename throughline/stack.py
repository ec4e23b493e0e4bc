"""The embedded stack: a Temporal dev server, one worker and the API, started,
supervised and stopped together by `throughline up`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from throughline import db
from throughline.binaries import find_binary
from throughline.files import private_by_default, private_dir
from throughline.settings import Settings
from throughline.temporal import dev_server_flags

STOP_GRACE_SECONDS = 15
READY_TIMEOUT_SECONDS = 90
MAX_RESTARTS_PER_MINUTE = 5
_PR_SET_PDEATHSIG = 1


class StackError(Exception):
    """A problem the person running the stack can fix; the message says how."""


def _die_with_parent() -> None:
    # Linux: if the launcher is killed outright, its children get SIGTERM too.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    argv: list[str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_RESTARTS_PER_MINUTE))

    def start(self, env: dict[str, str]) -> None:
        log_file: IO[bytes] = self.log_path.open("ab")
        # A new session keeps the terminal's Ctrl-C away from the children, so the
        # launcher alone decides the order in which they stop.
        self.process = subprocess.Popen(
            self.argv,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log_file.close()

    @property
    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def check_ports_free(ports: dict[str, tuple[str, int, str]]) -> None:
    """Refuse to start when a port is taken, naming the setting that moves it."""
    for what, (host, port, setting) in ports.items():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As the servers themselves do: connections of a previous run lingering in
            # TIME_WAIT do not block the port, but a live listener still does.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                raise StackError(
                    f"port {port} ({what}) on {host} is already in use. Stop whatever is "
                    f"using it, or choose another port with {setting}."
                ) from None


class EmbeddedStack:
    def __init__(self, settings: Settings, out: IO[str] = sys.stdout) -> None:
        self.settings = settings
        self.out = out
        self.data_dir = settings.data_dir.resolve()
        self.host = settings.temporal_address.rsplit(":", 1)[0]
        self.children: list[Child] = []
        self._stopping = False

    def run(self) -> int:
        private_by_default()
        previous = {
            s: signal.signal(s, self._request_stop) for s in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self._preflight()
            if self._stopping:
                return 0
            self._start_all()
            if self._stopping:
                return 0
            self._announce()
            return self._supervise()
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _request_stop(self, _signum: int, _frame: object) -> None:
        self._stopping = True

    def _preflight(self) -> None:
        settings, host = self.settings, self.host
        check_ports_free(
            {
                "Temporal": (host, settings.temporal_port, "THROUGHLINE_TEMPORAL_ADDRESS"),
                "Temporal UI": (host, settings.ui_port, "THROUGHLINE_UI_PORT"),
                "API": (settings.api_host, settings.api_port, "THROUGHLINE_API_PORT"),
            }
        )
        private_dir(self.data_dir)
        private_dir(self.data_dir / "logs")
        self.settings.signing_secret()
        db.migrate_sync(self.settings.database)
        self.children = [self._temporal(), self._worker(), self._api()]

    def _child(self, name: str, argv: list[str]) -> Child:
        return Child(name=name, argv=argv, log_path=self.data_dir / "logs" / f"{name}.log")

    def _temporal(self) -> Child:
        argv = [
            find_binary("temporal"), "server", "start-dev",
            "--db-filename", str(self.data_dir / "temporal.db"),
            "--ip", self.host,
            "--port", str(self.settings.temporal_port),
            "--ui-port", str(self.settings.ui_port),
            "--log-level", "warn",
            *dev_server_flags(),
        ]  # fmt: skip
        if self.settings.namespace != "default":
            argv += ["--namespace", self.settings.namespace]
        return self._child("temporal", argv)

    def _worker(self) -> Child:
        return self._child("worker", [sys.executable, "-m", "workers.main"])

    def _api(self) -> Child:
        return self._child("api", [sys.executable, "-m", "throughline.cli", "api"])

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "THROUGHLINE_DATA_DIR": str(self.data_dir),
                "THROUGHLINE_DATABASE_URL": self.settings.database,
                "THROUGHLINE_TEMPORAL_ADDRESS": self.settings.temporal_address,
                "THROUGHLINE_NAMESPACE": self.settings.namespace,
                "THROUGHLINE_TASK_QUEUE": self.settings.task_queue,
                "THROUGHLINE_API_HOST": self.settings.api_host,
                "THROUGHLINE_API_PORT": str(self.settings.api_port),
            }
        )
        return env

    def _start_all(self) -> None:
        temporal, worker, api = self.children
        self._say("starting the Temporal dev server ...")
        temporal.start(self._child_env())
        self._wait_for(temporal, lambda: _port_open(self.host, self.settings.temporal_port))
        self._say("starting the worker and the API ...")
        worker.start(self._child_env())
        api.start(self._child_env())
        self._wait_for(api, self._api_healthy)

    def _wait_for(self, child: Child, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not self._stopping:
            if child.exited:
                raise StackError(f"{child.name} stopped while starting:\n{child.log_tail()}")
            if ready():
                return
            if time.monotonic() > deadline:
                raise StackError(f"{child.name} was not ready after {READY_TIMEOUT_SECONDS}s")
            time.sleep(0.2)

    def _api_healthy(self) -> bool:
        url = f"http://{self.settings.api_host}:{self.settings.api_port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def _announce(self) -> None:
        api = f"http://{self.settings.api_host}:{self.settings.api_port}"
        self._say(
            "Throughline is running.\n"
            f"  API            {api}  (docs at {api}/docs)\n"
            f"  Temporal UI    http://{self.host}:{self.settings.ui_port}\n"
            f"  Temporal gRPC  {self.settings.temporal_address}\n"
            f"  data           {self.data_dir}\n"
            f"  logs           {self.data_dir / 'logs'}\n"
            "Press Ctrl-C to stop."
        )

    def _supervise(self) -> int:
        while not self._stopping:
            for child in self.children:
                if child.exited and not self._stopping and not self._restart(child):
                    return 1
            time.sleep(0.2)
        return 0

    def _restart(self, child: Child) -> bool:
        now = time.monotonic()
        recent = [t for t in child.restarts if now - t < 60]
        if len(recent) >= MAX_RESTARTS_PER_MINUTE:
            self._say(f"{child.name} keeps stopping; giving up. Last lines:\n{child.log_tail()}")
            return False
        code = child.process.returncode if child.process else None
        self._say(f"{child.name} stopped (exit code {code}); restarting it")
        child.restarts.append(now)
        child.start(self._child_env())
        return True

    def _stop_all(self) -> None:
        if any(c.process for c in self.children):
            self._say("stopping ...")
        for child in reversed(self.children):
            child.stop()
        if any(c.process for c in self.children):
            self._say("stopped.")

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0
