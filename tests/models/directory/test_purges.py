"""A purge of archived histories, as the directory records it: only an admin, only runs
closed before a cutoff at least a day old, and one chained event naming every run with
its fingerprint: models/directory/purges.py."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from models.archive import PurgedRun
from models.audit import recompute_hash
from models.directory.events import describe_directory_event
from models.directory.purges import PurgeArchives, apply_purge_archives, check_purge_archives
from models.directory.state import OPERATOR
from models.errors import InvalidRequest, NotPermitted
from models.roles import Role
from tests.models.directory.test_rules import NOW, directory

CUTOFF = NOW - timedelta(days=30)


def _run(closed_at: datetime, name: str = "a") -> PurgedRun:
    return PurgedRun(
        workflow_id=f"change-{name}", run_id=f"run-{name}", sha256=name * 64, closed_at=closed_at
    )


def _purge(actor: str, *runs: PurgedRun, cutoff: datetime = CUTOFF) -> PurgeArchives:
    return PurgeArchives(actor=actor, cutoff=cutoff, reason="retention review", runs=list(runs))


def test_an_admin_purge_is_one_chained_event_naming_every_run() -> None:
    state = directory(boss=[Role.ADMIN])
    runs = [_run(CUTOFF - timedelta(days=1), "a"), _run(CUTOFF - timedelta(days=900), "b")]
    head = state.last_hash
    [event] = apply_purge_archives(state, _purge("boss", *runs), NOW)
    assert (event.kind, event.actor, event.role, event.seq) == (
        "archives_purged",
        "boss",
        "admin",
        state.seq,
    )
    assert event.payload == {
        "cutoff": CUTOFF.isoformat(),
        "reason": "retention review",
        "runs": [run.model_dump(mode="json") for run in runs],
    }
    assert describe_directory_event(event) == (
        f"boss purged 2 archived histories of runs closed before {CUTOFF.isoformat()}: "
        "retention review"
    )
    assert (event.prev_hash, state.last_hash) == (head, event.hash)
    assert recompute_hash(event) == event.hash


def test_only_an_admin_or_the_operator_may_purge() -> None:
    state = directory(boss=[Role.ADMIN], clerk=[Role.POLICY])
    run = _run(CUTOFF - timedelta(days=1))
    with pytest.raises(NotPermitted, match="admin role; clerk"):
        check_purge_archives(state, _purge("clerk", run), NOW)
    check_purge_archives(state, _purge(OPERATOR, run), NOW)


def test_nothing_younger_than_the_cutoff_or_a_day_is_purged() -> None:
    state = directory(boss=[Role.ADMIN])
    young = _run(CUTOFF + timedelta(seconds=1))
    with pytest.raises(InvalidRequest, match="not before the cutoff"):
        check_purge_archives(state, _purge("boss", young), NOW)
    recent = NOW - timedelta(hours=23)
    with pytest.raises(InvalidRequest, match="less than a day ago"):
        check_purge_archives(
            state, _purge("boss", _run(recent - timedelta(days=1)), cutoff=recent), NOW
        )
    assert state.seq == 1, "a refused purge records nothing"


def test_a_purge_names_at_least_one_run_and_at_most_a_batch() -> None:
    with pytest.raises(ValidationError, match="runs"):
        _purge("boss")
    many = [_run(CUTOFF - timedelta(days=1), str(i)) for i in range(201)]
    with pytest.raises(ValidationError, match="runs"):
        _purge("boss", *many)
