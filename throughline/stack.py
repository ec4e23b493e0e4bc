"""The embedded stack: a Temporal dev server, one worker and the API, started,
supervised and stopped together by `throughline up`.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

from throughline import db
from throughline.binaries import find_binary
from throughline.files import private_by_default, private_dir
from throughline.settings import Settings
from throughline.supervision import STATUS_FILE, Child, write_status
from throughline.temporal import dev_server_flags

READY_TIMEOUT_SECONDS = 90


class StackError(Exception):
    """A problem the person running the stack can fix; the message says how."""


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
        if db.is_sqlite(self.settings.database):
            # A local file: migrate once here, so the parts do not race to. Any other
            # database may not be up yet; the parts wait for it and migrate under a lock.
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
                "THROUGHLINE_STACK_STATUS_FILE": str(self.status_path),
            }
        )
        return env

    @property
    def status_path(self) -> Path:
        return self.data_dir / STATUS_FILE

    def _start_all(self) -> None:
        temporal, worker, api = self.children
        self._say("starting the Temporal dev server, a worker and the API ...")
        for child in (temporal, worker, api):
            child.start(self._child_env())
        write_status(self.status_path, self.children)

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
            f"  pages          {api}/web/work\n"
            f"  API            {api}  (docs at {api}/docs)\n"
            f"  Temporal UI    http://{self.host}:{self.settings.ui_port}\n"
            f"  Temporal gRPC  {self.settings.temporal_address}\n"
            f"  data           {self.data_dir}\n"
            f"  logs           {self.data_dir / 'logs'}\n"
            f"{self._sign_in_hint()}"
            "Press Ctrl-C to stop."
        )

    def _sign_in_hint(self) -> str:
        if self.settings.single_sign_on or self.settings.environment == "production":
            return "People sign in to the pages through single sign-on.\n"
        return (
            "To sign in to the pages, in another terminal:\n"
            "  throughline demo                              # once: a demo team\n"
            "  throughline login-link --person policy-lead   # a one-time link; open it\n"
        )

    def _supervise(self) -> int:
        """Restart any part that stops, for as long as the stack runs, and say why."""
        ready_by = time.monotonic() + READY_TIMEOUT_SECONDS
        announced = warned = False
        while not self._stopping:
            changed = [self._tend(child) for child in self.children]
            if any(changed):
                write_status(self.status_path, self.children)
            if not announced and self._api_healthy():
                self._announce()
                announced = True
            elif not announced and not warned and time.monotonic() > ready_by:
                self._say(f"still waiting for the API; see {self.data_dir / 'logs'}")
                warned = True
            time.sleep(0.2)
        return 0

    def _tend(self, child: Child) -> bool:
        """Schedule a restart of a part that stopped, or start one that is due; True when
        the part's status changed."""
        if child.restart_at is None and child.exited:
            reason = child.schedule_restart()
            pause = (child.restart_at or 0) - time.monotonic()
            self._say(f"{child.name} stopped ({reason}); restarting it in {pause:.0f}s")
            return True
        if child.due():
            child.start(self._child_env())
            return True
        return False

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
