"""Request examples for the improvement practice's routes, shown in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from fastapi.openapi.models import Example


def _one(summary: str, value: Any) -> dict[str, Example]:
    return {"default": Example(summary=summary, value=value)}


PRIORITISATION = _one(
    "Capability is missing",
    {
        "senior_interest": {"rating": "high", "note": "The minister asked for it in June."},
        "operational_capacity": {"rating": "medium", "note": "Two caseworkers can pilot it."},
        "capability": {"rating": "low", "note": "No user researcher on the team yet."},
    },
)

GROUND_OVERRIDE = _one(
    "Go on while a researcher is borrowed",
    {"reason": "A user researcher joins from the benefits team on 1 March."},
)

READINESS = _one(
    "The operating model is in progress",
    {
        "status": "in_progress",
        "owner": "ops-lead",
        "note": "Caseworker guidance drafted; training booked for next month.",
    },
)

_GREEN = "Met: the team showed this clearly."

ASSESSMENT = _one(
    "An alpha assessment with one red and one amber point",
    {
        "revision": 3,
        "ratings": [
            {"point": 1, "rating": "red", "comment": "No research with people who use paper."},
            {"point": 2, "rating": "amber", "comment": "The end-to-end journey is not mapped."},
            *({"point": n, "rating": "green", "comment": _GREEN} for n in range(3, 15)),
        ],
        "actions": [
            {
                "point": 2,
                "description": "Map the journey from letter to badge, offline steps included.",
                "owner": "dev",
                "due": "2027-03-31",
            }
        ],
        "summary": "Promising alpha; research must reach paper applicants before beta.",
    },
)
