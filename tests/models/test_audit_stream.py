"""A log checked a chunk at a time gets the verdict verify_chain gives the whole log: when
it is intact, and for every kind of damage, whatever the chunks: models/audit_stream.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from models.audit import (
    GENESIS_HASH,
    AuditEvent,
    ChainAnchor,
    HashScheme,
    chain_event,
    recompute_hash,
    verify_chain,
)
from models.audit_stream import ChainChecker, verify_stream
from models.chain_hash import ChainLink
from tests.factories import T0

LOG = "c-stream"
DAMAGES = [
    "none",
    "edit",
    "edit_and_rehash",
    "delete",
    "swap",
    "insert",
    "cut_the_end",
    "add_at_the_end",
    "rewrite_every_hash",
]


def _chain(count: int, scheme: HashScheme) -> list[AuditEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        event = chain_event(
            log_id=LOG,
            seq=seq,
            prev_hash=prev,
            at=T0 + timedelta(minutes=seq),
            actor=f"person-{seq % 3}",
            role=None if seq % 4 == 0 else "policy",
            kind="signed_off",
            payload={"revision": seq, "score": seq / 2, "note": "ça va"},
            scheme=scheme,
        )
        events.append(event)
        prev = event.hash
    return events


def _rehashed(event: AuditEvent, scheme: HashScheme, **changes: object) -> AuditEvent:
    forged = event.model_copy(update=changes)
    forged.hash = recompute_hash(forged, scheme)
    return forged


def _rewrite(events: list[AuditEvent], scheme: HashScheme, start: int) -> list[AuditEvent]:
    """Every event from `start` on edited and every hash after it recomputed: a chain that
    links up by itself."""
    out = events[:start]
    prev = out[-1].hash if out else GENESIS_HASH
    for event in events[start:]:
        out.append(_rehashed(event, scheme, actor="forger", prev_hash=prev))
        prev = out[-1].hash
    return out


def _damage(events: list[AuditEvent], how: str, at: int, scheme: HashScheme) -> list[AuditEvent]:
    log = [e.model_copy(deep=True) for e in events]
    i = at % len(log)
    if how == "edit":
        log[i].payload["note"] = "edited"
    elif how == "edit_and_rehash":
        log[i] = _rehashed(log[i], scheme, actor="forger")
    elif how == "delete":
        del log[i]
    elif how == "swap" and len(log) > 1:
        j = (i + 1) % len(log)
        log[i], log[j] = (
            log[i].model_copy(update={"seq": log[j].seq}),
            log[j].model_copy(update={"seq": log[i].seq}),
        )
    elif how == "insert":
        log.insert(i, _rehashed(log[i], scheme, kind="forged"))
    elif how == "cut_the_end":
        log = log[: max(0, len(log) - 1 - at % 3)]
    elif how == "add_at_the_end":
        last = log[-1]
        log.append(_rehashed(last, scheme, seq=last.seq + 1, prev_hash=last.hash))
    elif how == "rewrite_every_hash":
        log = _rewrite(log, scheme, i)
    return log


def _chunks(events: list[AuditEvent], sizes: list[int]) -> Iterator[list[ChainLink]]:
    ordered = [ChainLink.of(e) for e in sorted(events, key=lambda e: e.seq)]
    start, turn = 0, 0
    while start < len(ordered):
        size = sizes[turn % len(sizes)]
        yield ordered[start : start + size]
        start, turn = start + size, turn + 1


@settings(max_examples=300, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=25),
    how=st.sampled_from(DAMAGES),
    at=st.integers(min_value=0, max_value=100),
    anchor_kind=st.sampled_from(["none", "anchored", "anchored_with_record"]),
    sizes=st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=4),
    scheme=st.sampled_from(list(HashScheme)),
)
def test_the_streamed_verdict_is_the_whole_logs_verdict(
    count: int, how: str, at: int, anchor_kind: str, sizes: list[int], scheme: HashScheme
) -> None:
    original = _chain(count, scheme)
    anchor = None
    if anchor_kind != "none":
        recorded = {e.seq: e.hash for e in original} if anchor_kind.endswith("record") else {}
        anchor = ChainAnchor(
            seq=count, hash=original[-1].hash, source="temporal", recorded=recorded
        )
    log = _damage(original, how, at, scheme)

    whole = verify_chain(LOG, log, anchor, scheme=scheme)
    streamed = verify_stream(LOG, _chunks(log, sizes), anchor, scheme=scheme)

    assert streamed == whole
    no_damage = how == "none" or (how == "swap" and count == 1)
    if no_damage or anchor is not None:
        # Without an anchor, a rehashed tail links up by itself; with one it never does.
        assert whole.intact is no_damage


def test_an_empty_log_is_intact_or_missing_what_its_anchor_records() -> None:
    anchor = ChainAnchor(seq=2, hash="h", source="read_model")
    assert verify_stream(LOG, [], None) == verify_chain(LOG, [], None)
    assert verify_stream(LOG, [[]], anchor) == verify_chain(LOG, [], anchor)
    assert verify_stream(LOG, [], anchor).problem == (
        "the log ends at event 0 but read_model records 2 events: events 1 to 2 are missing"
    )


def test_reading_stops_at_the_first_broken_link() -> None:
    log = _damage(_chain(9, HashScheme.JCS), "edit", 1, HashScheme.JCS)
    read: list[int] = []

    def chunks() -> Iterator[list[ChainLink]]:
        for start in range(0, 9, 3):
            read.append(start)
            yield [ChainLink.of(e) for e in log[start : start + 3]]

    verdict = verify_stream(LOG, chunks(), scheme=HashScheme.JCS)

    assert (verdict.first_bad_seq, verdict.events_checked) == (2, 1)
    assert read == [0]


def test_a_checker_fed_after_a_break_keeps_its_verdict() -> None:
    log = _damage(_chain(4, HashScheme.SORTED_JSON), "delete", 1, HashScheme.SORTED_JSON)
    checker = ChainChecker(LOG)
    checker.feed(ChainLink.of(e) for e in log)
    broken = checker.verdict()
    checker.feed(ChainLink.of(e) for e in _chain(4, HashScheme.SORTED_JSON))
    assert checker.settled
    assert checker.verdict() == broken
    assert broken.problem == "expected event 2 but found 3: an event is missing"
