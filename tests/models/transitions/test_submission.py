"""A new revision of a stage's work: models/transitions/submission.py."""

from __future__ import annotations

import pytest

from models import errors
from models.roles import Role
from models.rules.quorum import unmet_roles
from tests.factories import fresh_state, sign, submit


def test_version_1_new_revision_supersedes_every_approval() -> None:
    state = fresh_state(version=1)
    first = submit(state)
    sign(state, "pol-a", Role.POLICY)
    second = submit(state, text="reworked")
    assert second == first + 1
    assert unmet_roles(state.gate) == {Role.POLICY: 1, Role.DIGITAL: 1, Role.OPERATIONS: 1}
    old = state.gate.signoffs[0]
    assert not old.counts
    assert old.not_counted_reason == f"superseded by revision {second}"
    with pytest.raises(errors.RevisionSuperseded, match=f"superseded by revision {second}"):
        sign(state, "dig-lead", Role.DIGITAL, revision=first)
    sign(state, "pol-a", Role.POLICY)
    assert unmet_roles(state.gate) == {Role.DIGITAL: 1, Role.OPERATIONS: 1}
