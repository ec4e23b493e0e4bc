"""The Service Standard and one sitting of an assessment panel: models/assessment.py."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models.assessment import SERVICE_STANDARD, Assessment, AssessmentRequest, PointRating, Rag
from tests.factories import T0
from tests.models.phases import PANEL, ratings


def _sitting(red: tuple[int, ...] = (), amber: tuple[int, ...] = ()) -> Assessment:
    return Assessment(
        revision=2,
        ratings=ratings(red=red, amber=amber),
        seq=7,
        gate_id="1.alpha.1",
        gate_name="alpha assessment",
        assessed_by=PANEL[0],
        panel={"lead assessor": PANEL[0]},
        at=T0,
        reassessment=False,
        passed=not red,
    )


def test_the_service_standard_has_fourteen_points_numbered_one_to_fourteen() -> None:
    assert sorted(SERVICE_STANDARD) == list(range(1, 15))
    assert SERVICE_STANDARD[1] == "Understand users and their needs"
    assert SERVICE_STANDARD[14] == "Operate a reliable service"
    assert len(set(SERVICE_STANDARD.values())) == 14


def test_red_points_lists_only_the_red_ratings_in_point_order() -> None:
    assert _sitting(red=(9, 3), amber=(4,)).red_points() == [3, 9]
    assert _sitting(amber=(4, 5)).red_points() == []


@pytest.mark.parametrize("point", [0, 15])
def test_a_rating_names_a_point_of_the_standard(point: int) -> None:
    with pytest.raises(ValidationError, match="point"):
        PointRating(point=point, rating=Rag.GREEN, comment="Fine.")


def test_a_request_rates_between_one_and_fourteen_points() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        AssessmentRequest(revision=1, ratings=[])
    with pytest.raises(ValidationError, match="at most 14 items"):
        AssessmentRequest(revision=1, ratings=[*ratings(), *ratings(points=(1,))])
