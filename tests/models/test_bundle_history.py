"""Histories packed into a bundle and read back, with the hashes their projections
recorded: models/bundle_history.py."""

from __future__ import annotations

import pytest

from models.bundle_history import HistoryProblem, pack_history, recorded_hashes, unpack_history
from tests.models.bundles import CHANGE_HISTORY, recorded_events


def test_a_packed_history_reads_back_with_every_recorded_hash() -> None:
    entry = pack_history("change-c", "run-1", CHANGE_HISTORY.read_bytes())
    assert entry == pack_history("change-c", "run-1", CHANGE_HISTORY.read_bytes())
    hashes = recorded_hashes(unpack_history(entry))
    assert hashes == {e.seq: e.hash for e in recorded_events(CHANGE_HISTORY, "project_change")}


def test_a_history_that_is_not_what_it_says_is_refused() -> None:
    entry = pack_history("change-c", "run-1", b'{"events": []}')
    with pytest.raises(HistoryProblem, match="does not match its sha256"):
        unpack_history({**entry, "sha256": "0" * 64})
    with pytest.raises(HistoryProblem, match="cannot be unpacked"):
        unpack_history({**entry, "gzip_base64": "not base64!"})
    not_a_history = pack_history("change-c", "run-1", b"[1, 2]")
    with pytest.raises(HistoryProblem, match="no list of events"):
        unpack_history(not_a_history)
