"""Recorded histories read back as the audit events and batches their projections hold,
local projections' records among them, and a record that cannot be read vouching for
nothing rather than failing the read: throughline/services/history.py."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory

from tests.models.bundles import LOCAL_RUNS, recorded_events
from throughline.services.history import _Batches, _events_in


def _history() -> WorkflowHistory:
    return WorkflowHistory.from_json("local", LOCAL_RUNS[0].read_text())


async def test_a_local_run_reads_back_as_its_events_and_states(temporal_client: Client) -> None:
    history = _history()
    events = await _events_in(temporal_client, history.events)
    assert [(e.seq, e.hash) for e in events] == [
        (e.seq, e.hash) for e in recorded_events(LOCAL_RUNS[0])
    ]
    batches = _Batches(temporal_client)
    states = [b.state for e in history.events if (b := await batches.of(e)) is not None]
    assert states[-1].seq == events[-1].seq
    assert states[-1].last_hash == events[-1].hash


async def test_an_unreadable_record_vouches_for_nothing(temporal_client: Client) -> None:
    history = _history()
    markers = [
        e.marker_recorded_event_attributes
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == "core_local_activity"
    ]
    for marker in markers:
        marker.details["data"].payloads[0].data = b"not json"
    assert await _events_in(temporal_client, history.events) == []
