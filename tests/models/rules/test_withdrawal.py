"""Who may withdraw a change: models/rules/withdrawal.py."""

from __future__ import annotations

import pytest

from models import errors
from models.commands import Withdraw
from models.transitions.withdrawal import apply_withdraw
from tests.factories import PROPOSER, authority, fresh_state


def test_withdraw_needs_a_permitted_person() -> None:
    state = fresh_state()
    with pytest.raises(errors.NotPermitted):
        apply_withdraw(
            state, Withdraw(actor="pol-a", reason="x"), authority("pol-a"), state.updated_at
        )
    apply_withdraw(
        state,
        Withdraw(actor=PROPOSER, reason="funding moved"),
        authority(PROPOSER),
        state.updated_at,
    )
    assert state.status == "withdrawn"
    assert state.open_handoff is None
    assert state.closing_comment == "funding moved"
