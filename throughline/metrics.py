"""Prometheus metrics for the API: requests and commands counted as they happen, and
the state of the portfolio (open handoffs, overdue, stuck, notifications) read from SQL
when scraped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import ThroughlineError
from throughline.store import gauges

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "throughline_http_requests",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "throughline_http_request_seconds",
    "Time to answer an HTTP request, by route template.",
    ["method", "route"],
    registry=REGISTRY,
)
COMMANDS = Counter(
    "throughline_commands",
    "Commands sent to change workflows, by kind and outcome (ok or the refusal's code).",
    ["kind", "outcome"],
    registry=REGISTRY,
)
OPEN_HANDOFFS = Gauge(
    "throughline_open_handoffs",
    "Changes waiting on each role, by how long they have waited.",
    ["role", "age"],
    registry=REGISTRY,
)
OVERDUE = Gauge(
    "throughline_overdue_changes", "Open changes with an overdue turn.", registry=REGISTRY
)
STUCK = Gauge("throughline_stuck_changes", "Changes nobody left can act on.", registry=REGISTRY)
NOTIFICATIONS = Gauge(
    "throughline_notifications",
    "Notifications by channel and status (sent, failed, unknown, pending...).",
    ["channel", "status"],
    registry=REGISTRY,
)


@contextmanager
def counting_command(kind: str) -> Iterator[None]:
    """Count one command by how it ended: ok, a refusal's code, or error."""
    try:
        yield
    except ThroughlineError as refusal:
        COMMANDS.labels(kind, refusal.code).inc()
        raise
    except Exception:
        COMMANDS.labels(kind, "error").inc()
        raise
    COMMANDS.labels(kind, "ok").inc()


async def exposition(sessions: async_sessionmaker[AsyncSession]) -> bytes:
    """Every metric in Prometheus's text format, the portfolio gauges read fresh."""
    async with sessions() as session:
        handoffs = await gauges.open_handoffs(session, datetime.now(UTC))
        overdue, stuck = await gauges.overdue_and_stuck(session)
        sent = await gauges.notifications(session)
    OPEN_HANDOFFS.clear()
    for role, age, count in handoffs:
        OPEN_HANDOFFS.labels(role, age).set(count)
    OVERDUE.set(overdue)
    STUCK.set(stuck)
    NOTIFICATIONS.clear()
    for channel, status, count in sent:
        NOTIFICATIONS.labels(channel, status).set(count)
    return generate_latest(REGISTRY)
