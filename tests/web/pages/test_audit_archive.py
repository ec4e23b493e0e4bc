"""An audit log checked against the archive says so in words: web/pages/audit.py."""

from __future__ import annotations

from models.audit import ChainVerdict
from web.pages.audit import verdict_words


def test_a_log_anchored_to_the_archive_says_it_matches_the_archived_history() -> None:
    verdict = ChainVerdict(change_id="c-1", intact=True, events_checked=3, anchored_to="archive")

    words = verdict_words(verdict)

    assert words["heading"] == "The history is complete and unaltered"
    assert words["text"] == (
        "3 events, each chained to the one before, matching the archived Temporal "
        "history's record of the last event."
    )
