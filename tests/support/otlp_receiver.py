"""A real OTLP/HTTP trace receiver: decodes each export with OpenTelemetry's own protobuf
types and keeps every span, for tests to find one trace end to end."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from tests.support.local_http import QuietHandler, serving


@dataclass(frozen=True)
class ReceivedSpan:
    name: str
    trace_id: str
    span_id: str
    parent_id: str
    service: str


@dataclass
class TraceReceiver:
    url: str = ""
    spans: list[ReceivedSpan] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, body: bytes) -> None:
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        found = []
        for resource in request.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource.resource.attributes}
            for scope in resource.scope_spans:
                found += [
                    ReceivedSpan(
                        s.name,
                        s.trace_id.hex(),
                        s.span_id.hex(),
                        s.parent_span_id.hex(),
                        attributes.get("service.name", ""),
                    )
                    for s in scope.spans
                ]
        with self._lock:
            self.spans += found

    def in_trace(self, trace_id: str) -> list[ReceivedSpan]:
        with self._lock:
            return [s for s in self.spans if s.trace_id == trace_id]


class TraceHandler(QuietHandler):
    def do_POST(self) -> None:
        body = self.read_body()
        if self.path != "/v1/traces":
            self.reply(404, {"error": "not_found"})
            return
        receiver: TraceReceiver = self.state
        receiver.receive(body)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@contextmanager
def running_trace_receiver() -> Iterator[TraceReceiver]:
    """A receiver on a free local port; point an OTLP/HTTP exporter at its `url`."""
    receiver = TraceReceiver()
    with serving(TraceHandler, receiver) as base_url:
        receiver.url = base_url
        yield receiver
