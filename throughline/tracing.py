"""OpenTelemetry tracing, off unless THROUGHLINE_OTLP_ENDPOINT names a collector: one
trace runs from an HTTP command through Temporal into the workflow and its activities."""

from __future__ import annotations

from functools import cache

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor


@cache
def tracer_provider(endpoint: str, service: str) -> TracerProvider:
    """One provider per process and collector, exporting spans in batches over OTLP/HTTP."""
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def temporal_interceptors(endpoint: str | None, service: str) -> list[Interceptor]:
    """Carry the trace through Temporal's headers; the worker picks the same interceptor
    up from its client, so workflows and activities join the caller's trace."""
    if endpoint is None:
        return []
    return [TracingInterceptor(tracer_provider(endpoint, service).get_tracer("throughline"))]
