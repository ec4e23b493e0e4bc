"""Histories packed into a bundle and read back, with the hashes their projections
recorded: models/bundle_history.py."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from models.bundle_history import HistoryProblem, pack_history, recorded_hashes, unpack_history
from tests.models.bundles import (
    CHANGE_HISTORY,
    LOCAL_RUNS,
    local_projection_marker,
    recorded_events,
)


@pytest.mark.parametrize("path", [CHANGE_HISTORY, LOCAL_RUNS[0]], ids=["activities", "local"])
def test_a_packed_history_reads_back_with_every_recorded_hash(path: Path) -> None:
    entry = pack_history("change-c", "run-1", path.read_bytes())
    assert entry == pack_history("change-c", "run-1", path.read_bytes())
    hashes = recorded_hashes(unpack_history(entry))
    assert hashes == {e.seq: e.hash for e in recorded_events(path)}
    assert len(hashes) >= 10


def test_a_failed_local_attempt_and_other_local_activities_record_nothing() -> None:
    history = json.loads(LOCAL_RUNS[0].read_text())
    markers = [m for e in history["events"] if (m := local_projection_marker(e))]
    failed_seqs = {e["seq"] for e in _result_of(markers[0])}
    del markers[0]["details"]["result"]
    reading = next(
        e["markerRecordedEventAttributes"]
        for e in history["events"]
        if e.get("markerRecordedEventAttributes", {}).get("markerName") == "core_local_activity"
        and not local_projection_marker(e)
    )
    reading["details"]["result"] = markers[1]["details"]["result"]
    hashes = recorded_hashes(history)
    assert failed_seqs.isdisjoint(hashes)
    assert sorted(hashes) == sorted({e["seq"] for m in markers[1:] for e in _result_of(m)})


def _result_of(marker: dict[str, Any]) -> list[dict[str, Any]]:
    data = marker["details"]["result"]["payloads"][0]["data"]
    events: list[dict[str, Any]] = json.loads(base64.b64decode(data))["events"]
    return events


def test_a_history_that_is_not_what_it_says_is_refused() -> None:
    entry = pack_history("change-c", "run-1", b'{"events": []}')
    with pytest.raises(HistoryProblem, match="does not match its sha256"):
        unpack_history({**entry, "sha256": "0" * 64})
    with pytest.raises(HistoryProblem, match="cannot be unpacked"):
        unpack_history({**entry, "gzip_base64": "not base64!"})
    not_a_history = pack_history("change-c", "run-1", b"[1, 2]")
    with pytest.raises(HistoryProblem, match="no list of events"):
        unpack_history(not_a_history)
