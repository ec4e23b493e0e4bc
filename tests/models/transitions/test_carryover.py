"""Rules 3 and 5: approvals bound to tagged evidence, and re-review of what failed."""

from __future__ import annotations

import pytest

from models import errors
from models.change import ChangeState
from models.gate import Decision
from models.read.views import describe_gate
from models.roles import Role
from models.rules.quorum import unmet_roles
from tests.factories import evidence, fresh_state, sign, submit

POLICY_NOTE = evidence("policy note", roles=(Role.POLICY,))
OPS_PLAN = evidence("ops plan", roles=(Role.OPERATIONS,))
SHARED = evidence("shared design")


def _all_but_one_signed() -> ChangeState:
    state = fresh_state()
    submit(state, items=[POLICY_NOTE, OPS_PLAN, SHARED])
    sign(state, "pol-a", Role.POLICY)
    sign(state, "ops-a", Role.OPERATIONS)
    return state


def test_only_roles_whose_tagged_evidence_changed_are_reset() -> None:
    state = _all_but_one_signed()
    submit(state, items=[evidence("policy note v2", roles=(Role.POLICY,)), OPS_PLAN, SHARED])
    assert unmet_roles(state.gate) == {Role.POLICY: 1, Role.DIGITAL: 1}
    notes = {n.role: n for n in describe_gate(state, state.gate).approval_notes}
    assert notes[Role.OPERATIONS].carried_over
    assert notes[Role.OPERATIONS].reason == "carried over: evidence for operations is unchanged"
    assert not notes[Role.POLICY].carried_over
    assert notes[Role.POLICY].reason == "reset by revision 2: evidence for policy changed"


def test_changed_untagged_evidence_resets_every_role() -> None:
    state = _all_but_one_signed()
    submit(state, items=[POLICY_NOTE, OPS_PLAN, evidence("shared design v2")])
    assert set(unmet_roles(state.gate)) == {Role.POLICY, Role.DIGITAL, Role.OPERATIONS}


def test_unchanged_evidence_carries_every_approval() -> None:
    state = _all_but_one_signed()
    submit(state, items=[SHARED, OPS_PLAN, POLICY_NOTE])
    assert unmet_roles(state.gate) == {Role.DIGITAL: 1}
    sign(state, "dig-lead", Role.DIGITAL)
    assert state.stage == "design"


def test_a_carried_approval_cannot_be_given_twice() -> None:
    state = _all_but_one_signed()
    submit(state, items=[POLICY_NOTE, OPS_PLAN, SHARED])
    with pytest.raises(errors.AlreadySigned, match="carried over"):
        sign(state, "pol-a", Role.POLICY)


def test_the_submitter_of_the_new_revision_loses_a_carried_approval() -> None:
    state = fresh_state()
    submit(state, items=[SHARED])
    sign(state, "dig-lead", Role.DIGITAL)
    submit(state, actor="dig-lead", items=[SHARED])
    notes = describe_gate(state, state.gate).approval_notes
    assert [n.reason for n in notes] == ["reset by revision 2: dig-lead submitted it"]


def test_after_request_changes_only_the_asking_role_and_changed_evidence_re_review() -> None:
    state = fresh_state()
    submit(state, items=[POLICY_NOTE, OPS_PLAN, SHARED])
    sign(state, "pol-a", Role.POLICY)
    sign(state, "dig-lead", Role.DIGITAL)
    sign(state, "ops-a", Role.OPERATIONS, Decision.REQUEST_CHANGES, comment="add the rota")
    submit(
        state, items=[POLICY_NOTE, evidence("ops plan with rota", roles=(Role.OPERATIONS,)), SHARED]
    )
    assert unmet_roles(state.gate) == {Role.OPERATIONS: 1}
    sign(state, "ops-b", Role.OPERATIONS)
    assert state.stage == "design"


def test_a_role_that_asked_for_changes_re_reviews_even_with_unchanged_evidence() -> None:
    state = fresh_state()
    items = [POLICY_NOTE, OPS_PLAN, SHARED]
    submit(state, items=items)
    sign(state, "pol-a", Role.POLICY)
    submit(state, items=items)
    assert unmet_roles(state.gate) == {Role.DIGITAL: 1, Role.OPERATIONS: 1}
    sign(state, "pol-b", Role.POLICY, Decision.REQUEST_CHANGES, comment="cite the act")
    submit(state, items=items)
    notes = {n.role: n for n in describe_gate(state, state.gate).approval_notes}
    assert notes[Role.POLICY].reason == "reset by revision 3: policy requested changes"
    assert unmet_roles(state.gate) == {Role.POLICY: 1, Role.DIGITAL: 1, Role.OPERATIONS: 1}
