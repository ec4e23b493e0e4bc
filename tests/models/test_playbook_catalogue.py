"""The catalogue of built-in and published playbook versions, and what it answers for an
unknown name or version: models/playbook_catalogue.py."""

from __future__ import annotations

import copy

import pytest

from api.playbook_examples import PLAYBOOK
from models import errors
from models.directory.publishing import playbook_document, playbook_fingerprint
from models.directory.state import PublishedPlaybook
from models.playbook import Playbook
from models.playbook_catalogue import Catalogue, PlaybookSource
from models.playbooks import PLAYBOOKS
from tests.factories import T0


def _published(version: int, name: str = "two-policy-approvers") -> PublishedPlaybook:
    data = copy.deepcopy(PLAYBOOK)
    data.update(name=name, version=version)
    playbook = Playbook.model_validate(data)
    return PublishedPlaybook(
        name=name,
        version=version,
        document=playbook_document(playbook),
        fingerprint=playbook_fingerprint(playbook),
        published_by="boss",
        published_at=T0,
        seq=version + 10,
    )


def test_built_in_and_published_versions_are_one_catalogue() -> None:
    catalogue = Catalogue(PLAYBOOKS, [_published(2), _published(1)])
    assert catalogue.names() == sorted({"two-policy-approvers", *(n for n, _ in PLAYBOOKS)})
    versions = catalogue.versions("two-policy-approvers")
    assert [v.version for v in versions.versions] == [1, 2]
    assert versions.latest == 2
    latest = catalogue.latest("two-policy-approvers")
    assert (latest.source, latest.published_by, latest.directory_seq) == (
        PlaybookSource.PUBLISHED, "boss", 12
    )  # fmt: skip
    pdca = catalogue.get("pdca", 3)
    assert (pdca.source, pdca.playbook) == (PlaybookSource.BUILT_IN, PLAYBOOKS[("pdca", 3)])
    assert pdca.fingerprint == playbook_fingerprint(PLAYBOOKS[("pdca", 3)])


def test_a_published_version_of_a_built_in_name_becomes_its_latest() -> None:
    newest = max(v for n, v in PLAYBOOKS if n == "pdca")
    catalogue = Catalogue(PLAYBOOKS, [_published(newest + 1, name="pdca")])
    assert catalogue.latest("pdca").version == newest + 1
    assert catalogue.latest_version("pdca") == newest + 1
    assert catalogue.latest_version("nothing-by-this-name") is None


def test_unknown_names_and_versions_are_refused_with_what_there_is() -> None:
    catalogue = Catalogue(PLAYBOOKS, [_published(1)])
    with pytest.raises(errors.PlaybookNotFound, match="no playbook named 'waterfall'; the "):
        catalogue.latest("waterfall")
    with pytest.raises(
        errors.PlaybookNotFound,
        match=r"'two-policy-approvers' playbook has no version 5; its versions are 1$",
    ):
        catalogue.get("two-policy-approvers", 5)
