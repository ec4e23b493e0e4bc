"""Who held each role when it was used, from the directory's events:
models/bundle_authority.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from models.audit import AuditEvent, chain_event
from models.bundle_authority import authority_part, directory_part
from tests.factories import T0


def _event(log: str, seq: int, kind: str, actor: str, role: str | None, at_hours: int,
           payload: dict[str, Any]) -> AuditEvent:  # fmt: skip
    return chain_event(
        log_id=log, seq=seq, prev_hash="0" * 64, at=T0 + timedelta(hours=at_hours),
        actor=actor, role=role, kind=kind, payload=payload,
    )  # fmt: skip


def _granted(seq: int, person: str, role: str, hours: int) -> AuditEvent:
    after = {"name": person, "active": True, "roles": [role]}
    payload = {"person": person, "role": role, "before": None, "after": after}
    return _event("dir", seq, "role_granted", "admin", "admin", hours, payload)


def _delegated(seq: int, hours: int, ends_hours: int) -> AuditEvent:
    window = {"starts_at": None, "ends_at": (T0 + timedelta(hours=ends_hours)).isoformat()}
    payload = {
        "delegation_id": 7, "delegator": "pol-a", "delegate": "deputy", "role": "policy",
        "change_id": None, "before": None, "after": window,
    }  # fmt: skip
    return _event("dir", seq, "delegation_created", "pol-a", "policy", hours, payload)


def test_each_act_says_how_its_actor_held_the_role() -> None:
    directory = [
        _granted(1, "pol-a", "policy", 0),
        _delegated(2, 1, 10),
        _granted(3, "x", "policy", 1),
    ]
    acts = [
        _event("c-1", 1, "signed_off", "pol-a", "policy", 2, {}),
        _event("c-1", 2, "signed_off", "deputy", "policy", 3, {}),
        _event("c-1", 3, "signed_off", "deputy", "policy", 11, {}),
        _event("c-1", 4, "reminded", "throughline", None, 12, {}),
    ]
    held = authority_part(acts, directory)
    assert [(h["seq"], h["held_by"], h["directory_seqs"]) for h in held] == [
        (1, "own role", [1]),
        (2, "delegation", [2]),
        (3, "not shown", []),
    ]


def test_only_events_about_people_who_acted_and_before_the_last_act_go_in() -> None:
    directory = [_granted(1, "pol-a", "policy", 0), _granted(2, "x", "policy", 0)]
    later = _granted(3, "pol-a", "digital", 50)
    acts = [_event("c-1", 1, "signed_off", "pol-a", "policy", 2, {})]
    assert [e.seq for e in directory_part([*directory, later], acts)] == [1]
    assert directory_part(directory, []) == []


def test_events_that_say_nothing_of_roles_leave_them_as_they_were() -> None:
    revoked = _event("dir", 2, "tokens_revoked", "admin", "admin", 1, {"person": "pol-a"})
    directory = [_granted(1, "pol-a", "policy", 0), revoked]
    act = _event("c-1", 1, "signed_off", "pol-a", "policy", 2, {})
    [held] = authority_part([act], directory)
    assert (held["held_by"], held["directory_seqs"]) == ("own role", [1])


def test_a_directory_imported_whole_says_who_held_what() -> None:
    ends = (T0 + timedelta(hours=10)).isoformat()
    payload = {
        "people": [
            {"id": "pol-a", "name": "A", "active": True, "roles": [{"role": "policy"}]},
            {"id": "gone", "name": "B", "active": False, "roles": [{"role": "policy"}]},
        ],
        "delegations": [
            {"id": 1, "delegator": "pol-a", "delegate": "deputy", "role": "policy",
             "change_id": None, "starts_at": T0.isoformat(), "ends_at": ends,
             "revoked_at": None},
        ],
    }  # fmt: skip
    imported = _event("dir", 1, "directory_imported", "operator", None, 0, payload)
    acts = [
        _event("c-1", 1, "signed_off", "pol-a", "policy", 1, {}),
        _event("c-1", 2, "signed_off", "deputy", "policy", 2, {}),
        _event("c-1", 3, "signed_off", "gone", "policy", 3, {}),
    ]
    assert [h["held_by"] for h in authority_part(acts, [imported])] == [
        "own role", "delegation", "not shown",
    ]  # fmt: skip
