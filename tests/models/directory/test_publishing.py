"""Publishing a playbook version through the directory: admins only, versions immutable,
each newer than the last, recorded as a chained event with the whole document and its
fingerprint: models/directory/publishing.py."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from api.playbook_examples import PLAYBOOK
from models import errors
from models.audit import ChainAnchor, verify_chain
from models.canonical import fingerprint
from models.directory.commands import PublishPlaybook
from models.directory.publishing import (
    apply_publish_playbook,
    check_newer_than_built_ins,
    check_not_built_in,
    check_publish_playbook,
    playbook_fingerprint,
)
from models.directory.state import OPERATOR, DirectoryState
from models.playbook import Playbook
from models.playbooks import PDCA_V3_PLAYBOOK_DATA, PLAYBOOKS
from models.roles import Role
from tests.models.directory.test_rules import NOW, directory


def _playbook(version: int = 1, **changes: Any) -> Playbook:
    data = copy.deepcopy(PLAYBOOK)
    data.update(version=version, **changes)
    return Playbook.model_validate(data)


def _publish(state: DirectoryState, playbook: Playbook, actor: str = "boss") -> list[Any]:
    return apply_publish_playbook(state, PublishPlaybook(actor=actor, playbook=playbook), NOW)


def test_a_version_is_published_as_a_chained_event_with_its_document() -> None:
    state = DirectoryState(directory_id="directory-test")
    playbook = _playbook()
    [event] = _publish(state, playbook, actor=OPERATOR)
    assert (event.kind, event.actor, event.role, event.seq) == (
        "playbook_published", OPERATOR, None, 1
    )  # fmt: skip
    assert event.payload["document"] == playbook.model_dump(mode="json")
    assert event.payload["fingerprint"] == fingerprint(event.payload["document"])
    assert event.payload["fingerprint"] == playbook_fingerprint(playbook)
    [kept] = state.playbooks
    assert (kept.name, kept.version, kept.published_by, kept.seq) == (
        "two-policy-approvers", 1, OPERATOR, 1
    )  # fmt: skip
    anchor = ChainAnchor(seq=state.seq, hash=state.last_hash, source="temporal")
    assert verify_chain(state.directory_id, [event], anchor).intact
    edited = event.model_copy(deep=True)
    edited.payload["document"]["stages"][0]["gate"]["quorum"]["policy"] = 1
    assert not verify_chain(state.directory_id, [edited], anchor).intact


def test_the_same_version_with_the_same_content_changes_nothing() -> None:
    state = directory(boss=[Role.ADMIN])
    _publish(state, _playbook())
    seq = state.seq
    assert _publish(state, _playbook()) == []
    assert (state.seq, len(state.playbooks)) == (seq, 1)


def test_the_same_version_with_other_content_is_refused_naming_it() -> None:
    state = directory(boss=[Role.ADMIN])
    _publish(state, _playbook())
    with pytest.raises(errors.PlaybookVersionExists, match="version 1 of the 'two-policy"):
        _publish(state, _playbook(title="Another title"))


def test_a_version_must_be_newer_than_the_latest_published() -> None:
    state = directory(boss=[Role.ADMIN])
    _publish(state, _playbook(version=3))
    with pytest.raises(errors.PlaybookVersionNotNewer, match="latest published, version 3"):
        _publish(state, _playbook(version=2))
    assert len(_publish(state, _playbook(version=4))) == 1


def test_only_admins_and_the_operator_publish() -> None:
    state = directory(boss=[Role.ADMIN], clerk=[Role.POLICY])
    with pytest.raises(errors.NotPermitted, match="needs the admin role"):
        _publish(state, _playbook(), actor="clerk")
    [event] = _publish(state, _playbook())
    assert (event.actor, event.role) == ("boss", "admin")


def test_a_name_that_cannot_be_an_id_is_refused() -> None:
    state = directory(boss=[Role.ADMIN])
    with pytest.raises(errors.InvalidPlaybook, match="name: use 1 to 64 lowercase"):
        check_publish_playbook(state, PublishPlaybook(actor="boss", playbook=_playbook(name="A")))


def test_built_in_versions_are_never_published_over() -> None:
    built_in = PLAYBOOKS[("pdca", 3)]
    assert check_newer_than_built_ins(built_in, PLAYBOOKS) is True
    with pytest.raises(errors.PlaybookVersionExists, match="is built in; there is nothing"):
        check_not_built_in(built_in, PLAYBOOKS)
    other = Playbook.model_validate({**PDCA_V3_PLAYBOOK_DATA, "title": "Changed"})
    with pytest.raises(errors.PlaybookVersionExists, match="built in, with other content"):
        check_newer_than_built_ins(other, PLAYBOOKS)
    shipped = {("two-policy-approvers", v): _playbook(version=v) for v in (1, 3)}
    with pytest.raises(errors.PlaybookVersionNotNewer, match="newest built in, version 3"):
        check_newer_than_built_ins(_playbook(version=2), shipped)
    newest = max(v for n, v in PLAYBOOKS if n == "pdca")
    newer = Playbook.model_validate({**PDCA_V3_PLAYBOOK_DATA, "version": newest + 1})
    assert check_newer_than_built_ins(newer, PLAYBOOKS) is False
    assert check_newer_than_built_ins(_playbook(), PLAYBOOKS) is False


def test_published_versions_are_carried_for_good() -> None:
    state = directory(boss=[Role.ADMIN])
    _publish(state, _playbook())
    carried = DirectoryState.model_validate(state.model_dump(mode="json"))
    assert carried.published("two-policy-approvers", 1) == state.playbooks[0]
    assert carried.latest_published("two-policy-approvers") == 1
    assert carried.latest_published("other") is None
