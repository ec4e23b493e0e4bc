"""A playbook's governance defaults to the first version's rules, so a change pinned to
an older version keeps what it started with."""

from __future__ import annotations

import pytest

from models.audit import HashScheme
from models.governance import Governance, ServiceLevels
from models.playbooks import PLAYBOOKS, latest_playbook


def test_defaults_are_the_first_versions_rules() -> None:
    governance = Governance()
    assert governance.hash_scheme is HashScheme.SORTED_JSON
    assert governance.service_levels is None
    assert not governance.separation_across_stages


@pytest.mark.parametrize("name", ["pdca", "govuk-phases"])
def test_the_latest_built_in_playbooks_hash_canonically(name: str) -> None:
    latest = latest_playbook(name)
    assert latest.governance.hash_scheme is HashScheme.JCS
    earlier = PLAYBOOKS[(name, latest.version - 1)]
    assert earlier.governance.hash_scheme is HashScheme.SORTED_JSON
    assert earlier.model_dump(exclude={"version", "governance"}) == latest.model_dump(
        exclude={"version", "governance"}
    )


def test_a_scheme_nobody_knows_is_refused() -> None:
    with pytest.raises(ValueError, match="hash_scheme"):
        Governance.model_validate({"hash_scheme": "md5"})


def test_service_levels_are_bounded() -> None:
    with pytest.raises(ValueError, match="sign_off_days"):
        ServiceLevels(sign_off_days=0)


def test_older_playbooks_dump_as_they_did_before_the_choice_existed() -> None:
    """Published events and histories carry whole playbooks: their text must not change."""
    older = PLAYBOOKS[("pdca", 4)].model_dump(mode="json")
    assert "hash_scheme" not in older["governance"]
    latest = latest_playbook("pdca").model_dump(mode="json")
    assert latest["governance"]["hash_scheme"] == "jcs"
