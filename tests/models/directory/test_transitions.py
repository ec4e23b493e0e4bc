"""Directory events: chained and verifiable like a change's, each with its actor, time,
before and after; delegations end by themselves."""

from __future__ import annotations

from datetime import timedelta

from api.playbook_examples import PLAYBOOK
from models.archive import PurgedRun
from models.audit import AuditEvent, ChainAnchor, verify_chain
from models.directory.commands import (
    AddPeople,
    ChangeRole,
    Delegate,
    NewPerson,
    PublishPlaybook,
    RevokeDelegation,
    RevokeToken,
    RevokeTokens,
    SetActive,
)
from models.directory.events import DirectoryEventKind, describe_directory_event
from models.directory.publishing import apply_publish_playbook
from models.directory.purges import PurgeArchives, apply_purge_archives
from models.directory.state import OPERATOR, DirectoryState
from models.directory.transitions import (
    DELEGATION_REMINDER_LEAD,
    apply_add_people,
    apply_change_role,
    apply_delegate,
    apply_delegation_reminders,
    apply_expiries,
    apply_revoke_delegation,
    apply_revoke_token,
    apply_revoke_tokens,
    apply_set_active,
    record_import,
)
from models.playbook import Playbook
from models.roles import Role
from tests.models.directory.test_rules import NOW, delegate, directory


def test_every_change_is_a_chained_event_with_before_and_after() -> None:
    state = directory(boss=[Role.ADMIN], clerk=[Role.POLICY])
    grant = ChangeRole(actor="boss", person="clerk", role=Role.DIGITAL, grant=True)
    [granted] = apply_change_role(state, grant, NOW)
    assert (granted.actor, granted.role, granted.kind, granted.at) == (
        "boss", "admin", "role_granted", NOW
    )  # fmt: skip
    assert granted.payload["before"]["roles"] == ["policy"]
    assert granted.payload["after"]["roles"] == ["policy", "digital"]
    [deactivated] = apply_set_active(
        state, SetActive(actor="boss", person="clerk", active=False), NOW
    )
    assert (deactivated.payload["before"]["active"], deactivated.payload["after"]["active"]) == (
        True, False
    )  # fmt: skip
    assert (deactivated.seq, state.seq) == (4, 4)
    assert deactivated.prev_hash == granted.hash


def _every_kind() -> tuple[DirectoryState, list[AuditEvent]]:
    """One directory taken through every kind of event, with all its events."""
    state = DirectoryState(directory_id="directory-test")
    people = [
        NewPerson(name="Boss", id="boss", roles=[Role.ADMIN]),
        NewPerson(name="Holder", id="holder", roles=[Role.POLICY]),
        NewPerson(name="Deputy", id="deputy"),
    ]
    events, _ = apply_add_people(state, AddPeople(actor=OPERATOR, people=people), NOW)
    events += record_import(state, NOW)
    events += apply_change_role(
        state, ChangeRole(actor="boss", person="deputy", role=Role.DIGITAL, grant=True), NOW
    )
    events += apply_change_role(
        state, ChangeRole(actor="boss", person="deputy", role=Role.DIGITAL, grant=False), NOW
    )
    events += apply_set_active(state, SetActive(actor="boss", person="deputy", active=False), NOW)
    events += apply_set_active(state, SetActive(actor="boss", person="deputy", active=True), NOW)
    ends = NOW + timedelta(days=2)
    to_deputy = Delegate(actor="holder", delegate="deputy", role=Role.POLICY, ends_at=ends)
    created, first = apply_delegate(state, to_deputy, NOW)
    events += created
    revoke = RevokeDelegation(actor="holder", delegation_id=first.id)
    events += apply_revoke_delegation(state, revoke, NOW)[0]
    events += apply_delegate(state, to_deputy, NOW)[0]
    events += apply_delegation_reminders(state, NOW + timedelta(days=1, hours=1))
    events += apply_expiries(state, NOW + timedelta(days=3))
    token = RevokeToken(
        actor="holder", token_id="t1", person="holder", expires_at=NOW + timedelta(hours=1)
    )
    events += apply_revoke_token(state, token, NOW)
    events += apply_revoke_tokens(state, RevokeTokens(actor="boss", person="holder"), NOW)
    playbook = Playbook.model_validate(PLAYBOOK)
    events += apply_publish_playbook(state, PublishPlaybook(actor="boss", playbook=playbook), NOW)
    events += apply_purge_archives(state, _purge_of_a_run("boss"), NOW)
    return state, events


def _purge_of_a_run(actor: str) -> PurgeArchives:
    closed = NOW - timedelta(days=3000)
    run = PurgedRun(workflow_id="change-a", run_id="run-a", sha256="a" * 64, closed_at=closed)
    cutoff = NOW - timedelta(days=2557)
    return PurgeArchives(actor=actor, cutoff=cutoff, reason="retention review", runs=[run])


def test_the_chain_verifies_and_an_edit_is_detected() -> None:
    state, events = _every_kind()
    anchor = ChainAnchor(seq=state.seq, hash=state.last_hash, source="temporal")
    assert verify_chain(state.directory_id, events, anchor).intact
    edited = [e.model_copy(deep=True) for e in events]
    edited[3].payload["after"]["roles"] = ["admin"]
    verdict = verify_chain(state.directory_id, edited, anchor)
    assert (verdict.intact, verdict.first_bad_seq) == (False, 4)
    assert "altered" in (verdict.problem or "")


def test_delegations_end_by_themselves_as_recorded_events() -> None:
    state = directory(holder=[Role.POLICY], deputy=[], other=[])
    first = delegate(state, "holder", "deputy")
    second = delegate(state, "holder", "other", ends_at=NOW + timedelta(days=5))
    assert state.next_expiry() == NOW + timedelta(days=2)
    [expired] = apply_expiries(state, NOW + timedelta(days=3))
    assert (expired.kind, expired.payload["delegation_id"]) == ("delegation_expired", first)
    assert expired.payload["after"] == {
        "in_force": False,
        "ended_at": (NOW + timedelta(days=2)).isoformat(),
    }
    assert list(state.delegations) == [second]
    assert apply_expiries(state, NOW + timedelta(days=3)) == []


def test_a_delegator_is_reminded_once_a_day_before_the_end() -> None:
    state = directory(holder=[Role.POLICY], deputy=[], other=[])
    first = delegate(state, "holder", "deputy")
    delegate(state, "holder", "other", ends_at=NOW + timedelta(hours=20))
    lead = DELEGATION_REMINDER_LEAD
    assert state.next_reminder(lead) == NOW + timedelta(days=1), "too short to remind"
    assert apply_delegation_reminders(state, NOW + timedelta(hours=23)) == []
    [reminder] = apply_delegation_reminders(state, NOW + timedelta(days=1, hours=1))
    assert (reminder.kind, reminder.payload["delegation_id"]) == ("delegation_expiring", first)
    assert reminder.payload["delegator"] == "holder"
    assert apply_delegation_reminders(state, NOW + timedelta(days=1, hours=2)) == []
    assert state.next_reminder(lead) is None


def test_every_kind_of_directory_event_reads_in_plain_words() -> None:
    _, events = _every_kind()
    assert {e.kind for e in events} == {k.value for k in DirectoryEventKind}
    for event in events:
        line = describe_directory_event(event)
        assert line.startswith((event.actor, "the delegation", "holder")), (event.kind, line)
        assert "None" not in line, (event.kind, line)


def test_the_operator_acts_in_no_role() -> None:
    state = directory(clerk=[])
    [granted] = apply_change_role(
        state, ChangeRole(actor=OPERATOR, person="clerk", role=Role.POLICY, grant=True), NOW
    )
    assert (granted.actor, granted.role) == ("operator", None)
