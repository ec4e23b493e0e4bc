"""Where to start: a change is ready to go where senior people are interested, the
operational team is willing and has capacity, and the team has the capability to succeed
and learn. Where one of the three is missing, the first work is to create it."""

from __future__ import annotations

from models.base import Strict
from models.intake import Prioritisation, RatedNote, Rating


class MissingCondition(Strict):
    condition: str
    rating: Rating
    note: str | None
    action: str


_CONDITIONS: list[tuple[str, str, str]] = [
    ("senior_interest", "senior interest", "secure a senior sponsor"),
    (
        "operational_capacity",
        "operational willingness and capacity",
        "agree capacity with operations",
    ),
    ("capability", "capability", "build or borrow capability"),
]


def missing_conditions(prioritisation: Prioritisation | None) -> list[MissingCondition]:
    """The conditions rated low, each with the action that creates it. A change not yet
    assessed has none missing: it is flagged for assessment instead (see ground_flags)."""
    if prioritisation is None:
        return []
    missing = []
    for field, name, action in _CONDITIONS:
        rated: RatedNote = getattr(prioritisation, field)
        if rated.rating is Rating.LOW:
            missing.append(
                MissingCondition(
                    condition=name, rating=rated.rating, note=rated.note, action=action
                )
            )
    return missing


def ground_flags(prioritisation: Prioritisation | None) -> list[str]:
    """Plain-word flags for a portfolio: what to do before the change can go ahead."""
    if prioritisation is None:
        return [
            "no prioritisation assessment yet: rate senior interest, operational capacity "
            "and capability"
        ]
    return [
        f"prepare the ground: {m.action} ({m.condition} is rated low)"
        for m in missing_conditions(prioritisation)
    ]
