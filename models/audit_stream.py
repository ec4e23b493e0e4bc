"""Checking a chained log a chunk at a time: the same verdict models.audit.verify_chain
gives the whole log, while holding only the hash of the last event read.

A log of any length can then be checked as the store streams it in keyset chunks; once
a link breaks nothing read later can change the verdict, so the reader may stop.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.audit import GENESIS_HASH, ChainAnchor, ChainVerdict, HashScheme
from models.chain_hash import ChainLink, fields_hash


class ChainChecker:
    """Fed a log's events in seq order, says what verify_chain would say of them all."""

    def __init__(
        self,
        change_id: str,
        anchor: ChainAnchor | None = None,
        *,
        scheme: HashScheme = HashScheme.SORTED_JSON,
    ) -> None:
        self._change_id = change_id
        self._anchor = anchor
        self._scheme = scheme
        self._count = 0
        self._head = GENESIS_HASH
        self._broken: ChainVerdict | None = None
        self._first_unrecorded: int | None = None

    @property
    def settled(self) -> bool:
        """A link broke: the rest of the log cannot change the verdict."""
        return self._broken is not None

    def feed(self, links: Iterable[ChainLink]) -> None:
        """Check the next events of the log, which follow those fed before."""
        if self._broken is not None:
            return
        recorded = self._anchor.recorded if self._anchor is not None else {}
        scheme, count, head = self._scheme, self._count, self._head
        for link in links:
            change_id, seq, at, actor, role, kind, payload, prev_hash, stored = link
            # The common case in one test; _problem names what broke when it fails.
            if (
                seq != count + 1
                or prev_hash != head
                or fields_hash(change_id, seq, at, actor, role, kind, payload, prev_hash, scheme)
                != stored
            ):
                self._count, self._head = count, head
                self._break_at(link)
                return
            count, head = count + 1, stored
            if recorded and self._first_unrecorded is None and recorded.get(count, head) != head:
                self._first_unrecorded = count
        self._count, self._head = count, head

    def _break_at(self, link: ChainLink) -> None:
        self._broken = ChainVerdict(
            change_id=self._change_id,
            intact=False,
            events_checked=self._count,
            first_bad_seq=link.seq,
            problem=self._problem(link, self._count + 1),
        )

    def _problem(self, link: ChainLink, expected_seq: int) -> str:
        if link.seq != expected_seq:
            return f"expected event {expected_seq} but found {link.seq}: an event is missing"
        if link.prev_hash != self._head:
            return f"event {link.seq} does not link to the event before it"
        return f"event {link.seq} was altered after it was written"

    def verdict(self) -> ChainVerdict:
        """The verdict on everything fed: each link, then whether the log ends where its
        anchor says it must."""
        if self._broken is not None:
            return self._broken.model_copy()
        verdict = ChainVerdict(
            change_id=self._change_id,
            intact=True,
            events_checked=self._count,
            head_hash=self._head,
        )
        if self._anchor is None:
            return verdict
        verdict.anchored_to = self._anchor.source
        found = self._anchor_problem(self._anchor)
        if found is not None:
            verdict.intact = False
            verdict.first_bad_seq, verdict.problem = found
        return verdict

    def _anchor_problem(self, anchor: ChainAnchor) -> tuple[int | None, str] | None:
        """Where a log that links up by itself parts from the anchor's record, and how;
        in the words of models.audit._anchor_problem."""
        count, source = self._count, anchor.source
        if count < anchor.seq:
            return count + 1, (
                f"the log ends at event {count} but {source} records {anchor.seq} events: "
                f"events {count + 1} to {anchor.seq} are missing"
            )
        if count > anchor.seq:
            return anchor.seq + 1, (
                f"the log has {count} events but {source} records only {anchor.seq}: "
                f"events {anchor.seq + 1} to {count} were added"
            )
        if self._head == anchor.hash:
            return None
        first = self._first_unrecorded
        where = f"from event {first} on" if first else f"at or before event {count}"
        return first, (
            f"the log was rewritten {where}: its {count} events link up, but the last one's "
            f"hash is not the one {source} recorded, so events were altered and their hashes "
            "recomputed"
        )


def verify_stream(
    change_id: str,
    chunks: Iterable[Iterable[ChainLink]],
    anchor: ChainAnchor | None = None,
    *,
    scheme: HashScheme = HashScheme.SORTED_JSON,
) -> ChainVerdict:
    """The verdict on a log read in chunks, stopping at the first broken link."""
    checker = ChainChecker(change_id, anchor, scheme=scheme)
    for chunk in chunks:
        checker.feed(chunk)
        if checker.settled:
            break
    return checker.verdict()
