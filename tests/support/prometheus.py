"""A real Prometheus for the live outcome data tests, and what it scrapes.

- `running_prometheus(target, folder)`: Debian's `/usr/bin/prometheus` (`make test`
  installs it), with its own config and storage in a temporary folder, on a free port,
  scraping one target every second; yields its base URL.
- `Gauge` and `GaugeHandler`: a gauge served in the Prometheus text format, whose value a
  test sets.
- `QueryEmulator`: a stand-in for a Prometheus query API that answers what a test tells
  it to, for the ways a source fails.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.processes import end_process, free_port
from tests.support.local_http import QuietHandler

PROMETHEUS = Path("/usr/bin/prometheus")
GAUGE = "throughline_test_online_take_up"
CONFIG = """global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: gauge
    static_configs:
      - targets: ['{target}']
"""


@contextmanager
def running_prometheus(target: str, folder: Path, seconds: float = 60) -> Iterator[str]:
    """Prometheus scraping `target` (host:port) every second, until the block ends."""
    if not PROMETHEUS.exists():
        pytest.fail(f"{PROMETHEUS} is missing: run `make test`, which installs Debian's prometheus")
    port = free_port()
    config = folder / "prometheus.yml"
    config.write_text(CONFIG.format(target=target), encoding="utf-8")
    log = (folder / "prometheus.log").open("ab")
    command = [
        str(PROMETHEUS),
        f"--config.file={config}",
        f"--storage.tsdb.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process, seconds)
        yield url
    finally:
        end_process(process)
        log.close()


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"prometheus exited with {process.returncode}; see its log")
        try:
            if httpx.get(f"{url}/-/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"prometheus was not ready within {seconds}s")


@dataclass
class Gauge:
    value: float = 0


class GaugeHandler(QuietHandler):
    """Serves the gauge as Prometheus scrapes it, in the text exposition format."""

    def do_GET(self) -> None:
        gauge: Gauge = self.state
        text = f"# HELP {GAUGE} Online take-up.\n# TYPE {GAUGE} gauge\n{GAUGE} {gauge.value}\n"
        content = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)


@dataclass
class QueryEmulator:
    """What the emulated query API answers, by query: a status and a body (JSON unless
    it is text)."""

    answers: dict[str, tuple[int, Any]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)


class QueryEmulatorHandler(QuietHandler):
    def do_GET(self) -> None:
        emulator: QueryEmulator = self.state
        parts = urlsplit(self.path)
        query = parse_qs(parts.query).get("query", [""])[0]
        emulator.asked.append(query)
        if parts.path != "/api/v1/query" or query not in emulator.answers:
            self.reply(404, {"status": "error", "errorType": "not_found", "error": "no such"})
            return
        status, body = emulator.answers[query]
        if isinstance(body, str):
            self._text(status, body)
        else:
            self.reply(status, body)

    def _text(self, status: int, text: str) -> None:
        content = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)


def vector_answer(value: str, at: float | None = None) -> dict[str, Any]:
    sample = [at if at is not None else time.time(), value]
    return {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": {}, "value": sample}]},
    }


def error_answer(kind: str, error: str) -> dict[str, Any]:
    return {"status": "error", "errorType": kind, "error": error}
