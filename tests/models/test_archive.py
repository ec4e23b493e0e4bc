"""What an archived run is called and what a purge asks: one archiving workflow per run,
named by the run alone; a purge needs a reason: models/archive.py."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from models.archive import ArchivePurgeRequest, RunToArchive, archive_workflow_id


def test_each_run_has_its_own_archiving_workflow_named_by_the_run_alone() -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    assert archive_workflow_id(first) == f"archive-run-{first}"
    assert archive_workflow_id(first) != archive_workflow_id(second)
    assert not archive_workflow_id(first).startswith("change-"), "no change's own id"


def test_a_run_to_archive_names_its_change_only_when_it_is_one() -> None:
    directory = RunToArchive(workflow_id="directory-throughline", run_id="r1")
    assert directory.change_id is None
    with pytest.raises(ValidationError):
        RunToArchive.model_validate({"workflow_id": "w", "run_id": "r", "extra": 1})


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201, "tab\x00"])
def test_a_purge_needs_a_printable_reason(reason: str) -> None:
    with pytest.raises(ValidationError, match="reason"):
        ArchivePurgeRequest(reason=reason)
    assert ArchivePurgeRequest(reason=" review ").reason == "review"
