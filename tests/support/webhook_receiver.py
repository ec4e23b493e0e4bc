"""A webhook consumer for tests: a real HTTP server that checks every signature with the
official `standardwebhooks` library, keeps each verified message once by its webhook-id,
counts how often each id arrived, and answers whatever statuses a test scripts."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support.local_http import QuietHandler, serving
from throughline.channels.webhooks import new_secret

PATH = "/hooks"


@dataclass(frozen=True)
class Delivery:
    id: str
    timestamp: int
    body: Any
    headers: dict[str, str]


@dataclass
class WebhookReceiver:
    """Verified deliveries by id, arrivals per id, and the statuses still to answer."""

    secret: str = field(default_factory=new_secret)
    url: str = ""
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    arrivals: Counter[str] = field(default_factory=Counter)
    refused: int = 0
    _script: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_with(self, *statuses: int) -> None:
        """Answer the next verified requests with these statuses, then 200 again."""
        with self._lock:
            self._script.extend(statuses)

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        try:
            parsed = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            with self._lock:
                self.refused += 1
            return 401
        with self._lock:
            return self._record(headers, parsed)

    def _record(self, headers: dict[str, str], parsed: Any) -> int:
        msg_id = headers["webhook-id"]
        self.arrivals[msg_id] += 1
        status = self._script.pop(0) if self._script else 200
        # The specification asks consumers to handle each webhook-id once, however often
        # it arrives; only an arrival that was acknowledged counts as handled.
        if 200 <= status < 300 and msg_id not in self.deliveries:
            stamp = int(headers["webhook-timestamp"])
            self.deliveries[msg_id] = Delivery(msg_id, stamp, parsed, headers)
        return status


class ReceiverHandler(QuietHandler):
    def do_POST(self) -> None:
        body = self.read_body()
        if self.path != PATH:
            self.reply(404, {"error": "not_found"})
            return
        receiver: WebhookReceiver = self.state
        headers = {name.lower(): value for name, value in self.headers.items()}
        status = receiver.receive(headers, body)
        self.reply(status, {"status": status})


@contextmanager
def running_webhook_receiver() -> Iterator[WebhookReceiver]:
    """A receiver on a free local port; post to its `url`, signed with its `secret`."""
    receiver = WebhookReceiver()
    with serving(ReceiverHandler, receiver) as base_url:
        receiver.url = base_url + PATH
        yield receiver
