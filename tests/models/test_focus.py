"""Where to start, and what prepares the ground when a condition is missing:
models/focus.py."""

from __future__ import annotations

from models.focus import ground_flags, missing_conditions
from models.intake import Prioritisation, Rating


def _rated(
    senior: str = "high", capacity: str = "high", capability: str = "high"
) -> Prioritisation:
    return Prioritisation.model_validate(
        {
            "senior_interest": {"rating": senior, "note": "Minister asked for it"},
            "operational_capacity": {"rating": capacity, "note": "Call centre stretched"},
            "capability": {"rating": capability},
        }
    )


def test_a_change_not_yet_assessed_has_nothing_missing_but_is_flagged_for_assessment() -> None:
    assert missing_conditions(None) == []
    assert ground_flags(None) == [
        "no prioritisation assessment yet: rate senior interest, operational capacity "
        "and capability"
    ]


def test_medium_and_high_ratings_leave_nothing_to_prepare() -> None:
    assessment = _rated(senior="medium", capacity="high", capability="medium")
    assert missing_conditions(assessment) == []
    assert ground_flags(assessment) == []


def test_each_low_condition_is_missing_with_its_note_and_the_action_that_creates_it() -> None:
    missing = missing_conditions(_rated(senior="low", capacity="low", capability="low"))
    assert [(m.condition, m.action) for m in missing] == [
        ("senior interest", "secure a senior sponsor"),
        ("operational willingness and capacity", "agree capacity with operations"),
        ("capability", "build or borrow capability"),
    ]
    assert all(m.rating is Rating.LOW for m in missing)
    assert [m.note for m in missing] == ["Minister asked for it", "Call centre stretched", None]


def test_only_the_low_condition_is_flagged_in_plain_words() -> None:
    assessment = _rated(capacity="low")
    assert [m.condition for m in missing_conditions(assessment)] == [
        "operational willingness and capacity"
    ]
    assert ground_flags(assessment) == [
        "prepare the ground: agree capacity with operations "
        "(operational willingness and capacity is rated low)"
    ]
