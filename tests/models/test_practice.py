"""The improvement practice a change keeps beside its gates: models/practice.py."""

from __future__ import annotations

from models.intake import AlignmentArea
from models.practice import AREA_NAMES


def test_every_alignment_area_has_its_own_name_for_sentences() -> None:
    # Refusals and the gate report name areas through this table: an area added
    # without a name would fail there, at a gate, instead of here.
    assert set(AREA_NAMES) == set(AlignmentArea)
    assert len(set(AREA_NAMES.values())) == len(AlignmentArea)
    assert AREA_NAMES[AlignmentArea.TECHNOLOGY] == "technology enablers"
