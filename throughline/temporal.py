"""Temporal client factory and the names shared by client and worker."""

from __future__ import annotations

import asyncio
import logging
from functools import cache
from typing import Any

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)
from temporalio.service import RPCError, RPCStatusCode

from throughline.patience import until_it_answers
from throughline.settings import Settings
from throughline.tracing import temporal_interceptors
from workflows import search_attributes

WORKFLOW_ID_PREFIX = "change-"
REGISTER_ATTEMPTS = 8
"""About half a minute of UNAVAILABLE before the worker gives up and is restarted."""
PASSING_TROUBLE = frozenset({RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED})
"""Answers that say "not now" rather than "no": registering is tried again after them."""
log = logging.getLogger(__name__)


def workflow_id(change_id: str) -> str:
    return f"{WORKFLOW_ID_PREFIX}{change_id}"


async def connect(settings: Settings, *, metrics_port: int | None = None) -> Client:
    """A client for this process; with a metrics port it serves the SDK's metrics, and
    with an OTLP endpoint its calls, and a worker's, carry traces."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.namespace,
        data_converter=pydantic_data_converter,
        runtime=runtime(settings.log_level, metrics_port),
        interceptors=temporal_interceptors(settings.otlp_endpoint, "throughline"),
    )


@cache
def runtime(log_level: str, metrics_port: int | None = None) -> Runtime:
    """One Temporal runtime per process, whose core logs go through Python logging (and
    so out as JSON lines) instead of straight to stderr in colour; with a metrics port,
    it serves the SDK's own metrics there for Prometheus."""
    core = "INFO" if log_level.upper() == "DEBUG" else "WARN"
    forwarding = LogForwardingConfig(logger=logging.getLogger("temporal"))
    logs = LoggingConfig(
        filter=TelemetryFilter(core_level=core, other_level="ERROR"), forwarding=forwarding
    )
    metrics = PrometheusConfig(bind_address=f"0.0.0.0:{metrics_port}") if metrics_port else None
    return Runtime(telemetry=TelemetryConfig(logging=logs, metrics=metrics))


async def connect_patiently(settings: Settings, *, metrics_port: int | None = None) -> Client:
    """Temporal may still be starting (compose, or `throughline up`), or be down for a
    while: wait for it, however long that takes."""
    where = f"Temporal at {settings.temporal_address}"
    return await until_it_answers(
        where, lambda: connect(settings, metrics_port=metrics_port), (RuntimeError,)
    )


def _indexed_type(key: SearchAttributeKey[Any]) -> IndexedValueType.ValueType:
    name = f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}"
    return IndexedValueType.Value(name)


async def ensure_search_attributes(
    client: Client, attempts: int = REGISTER_ATTEMPTS, first_pause: float = 0.5
) -> None:
    """Register whichever of our search attributes the namespace lacks. On SQL visibility
    two workers registering at once can be answered UNAVAILABLE, which the SDK does not
    retry: this does (and a DEADLINE_EXCEEDED), a bounded number of times with growing
    pauses, listing again each time since the other worker may have registered them
    meanwhile. Any other refusal stops the worker at once, with its reason."""
    if attempts < 1:
        raise ValueError("registering search attributes takes at least one attempt")
    pause = first_pause
    for tried in range(1, attempts + 1):
        try:
            await _register_missing(client)
            return
        except RPCError as error:
            if error.status not in PASSING_TROUBLE or tried == attempts:
                raise
            log.warning(
                "registering search attributes: Temporal did not answer",
                extra={"attempt": tried, "retry_in_seconds": pause, "reason": error.message},
            )
        await asyncio.sleep(pause)
        pause = min(pause * 2, 10.0)


async def _register_missing(client: Client) -> None:
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    missing = {
        k.name: _indexed_type(k)
        for k in search_attributes.ALL
        if k.name not in listed.custom_attributes
    }
    if not missing:
        return
    request = AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
    try:
        await client.operator_service.add_search_attributes(request)
    except RPCError as error:
        # Another process registered them first.
        if error.status is not RPCStatusCode.ALREADY_EXISTS:
            raise


def dev_server_flags() -> list[str]:
    """`temporal server start-dev` flags that register the same attributes at start."""
    flags: list[str] = []
    for key in search_attributes.ALL:
        flags += ["--search-attribute", f"{key.name}={_cli_type(key)}"]
    return flags


def _cli_type(key: SearchAttributeKey[Any]) -> str:
    names = {"KEYWORD": "Keyword", "KEYWORD_LIST": "KeywordList", "INT": "Int", "TEXT": "Text"}
    return names[key.indexed_value_type.name]
