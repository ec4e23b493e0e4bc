"""A small real HTTP server for test doubles: a threaded stdlib server on a free local port,
carrying the state its handlers answer from, and a JSON reply helper."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

HOST = "127.0.0.1"
POLL_SECONDS = 0.05
"""How often the serving thread looks for a shutdown, so stopping takes no half-second."""


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], state: object) -> None:
        super().__init__((HOST, 0), handler)
        self.state = state


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that reads whole bodies, answers JSON, and keeps out of the test output."""

    protocol_version = "HTTP/1.1"

    @property
    def state(self) -> Any:
        return cast(LocalServer, self.server).state

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def reply(self, status: int, body: object) -> None:
        content = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are the test's business, not its output's."""


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], state: object) -> Iterator[str]:
    """Serve on a free port until the block ends; yield the base URL."""
    server = LocalServer(handler, state)
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
