"""The parts of the embedded stack as child processes, restarted whenever they stop.

A part that keeps failing is restarted after a pause that doubles up to a cap, for as
long as it takes: a cause that is fixed (a database that comes back, a file made
readable) lets it recover with no one restarting the stack. Why each part last stopped
is written to a status file that the API's /healthz reads.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import signal
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

STOP_GRACE_SECONDS = 15
FIRST_RESTART_PAUSE = 0.5
LONGEST_RESTART_PAUSE = 60.0
STEADY_SECONDS = 60.0
"""A part that stays up this long has recovered: its next restart is quick again."""
STATUS_FILE = "stack-status.json"
_PR_SET_PDEATHSIG = 1


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
    restarts: int = 0
    pause: float = FIRST_RESTART_PAUSE
    started_at: float = 0.0
    restart_at: float | None = None
    reason: str | None = field(default=None, repr=False)

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
        self.started_at, self.restart_at = time.monotonic(), None

    @property
    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def schedule_restart(self) -> str:
        """Note why the part stopped, and when it may start again; returns the reason."""
        now = time.monotonic()
        if now - self.started_at >= STEADY_SECONDS:
            self.pause = FIRST_RESTART_PAUSE
        code = self.process.returncode if self.process else None
        last = self.log_tail(1).strip()
        self.reason = f"exit code {code}" + (f": {last[:300]}" if last else "")
        self.restart_at = now + self.pause
        self.restarts += 1
        self.pause = min(self.pause * 2, LONGEST_RESTART_PAUSE)
        return self.reason

    def due(self) -> bool:
        return self.restart_at is not None and time.monotonic() >= self.restart_at

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
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def status(self) -> dict[str, Any]:
        state = "restarting" if self.restart_at is not None else "running"
        return {"state": state, "restarts": self.restarts, "last_stop": self.reason}


def write_status(path: Path, children: list[Child]) -> None:
    """What each part is doing, for /healthz; replaced whole, so readers never see half."""
    status = {
        "at": datetime.now(UTC).isoformat(),
        "parts": {child.name: child.status() for child in children},
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(status), encoding="utf-8")
    temporary.replace(path)


def read_status(path: Path) -> dict[str, dict[str, Any]]:
    """Each part's status, or nothing when the stack has not written one."""
    try:
        parts: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["parts"]
    except (OSError, ValueError, KeyError):
        return {}
    return parts
