"""Request examples shown in the OpenAPI schema. They use the people `throughline demo` seeds."""

from __future__ import annotations

from typing import Any

from fastapi.openapi.models import Example


def _one(summary: str, value: Any) -> dict[str, Example]:
    return {"default": Example(summary=summary, value=value)}


INTAKE = _one(
    "A change to a renewal service",
    {
        "title": "Let people renew a blue badge online",
        "service": "Blue badge renewals",
        "intent": {
            "problem": "Renewals by post take six weeks and many applicants give up.",
            "intended_outcome": "Most renewals are decided within five working days.",
            "basis": "Disabled Persons (Parking Badges) Act 2013",
        },
        "user_groups": [
            {
                "name": "Badge holders renewing",
                "underserved": False,
                "severity": "medium",
                "reach": 1000,
            },
            {
                "name": "Holders without internet access",
                "underserved": True,
                "severity": "high",
                "reach": 250,
            },
        ],
        "success_measures": [
            {"metric": "median days to decision", "baseline": 30, "target": 5, "unit": "days"}
        ],
        "people": {
            "policy": ["policy-lead"],
            "digital": ["digital-lead"],
            "operations": ["ops-lead"],
            "service_owner": ["service-owner"],
        },
    },
)

SUBMISSION = _one(
    "Stage work with one piece of evidence",
    {
        "summary": "Policy intent agreed with the legal team",
        "evidence": [
            {
                "title": "Intent note",
                "uri": "https://docs.example.gov/intent-note",
                "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            }
        ],
    },
)

SIGN_OFF = {
    "approve": Example(
        summary="Approve a revision",
        value={"role": "policy", "decision": "approve", "revision": 1},
    ),
    "request_changes": Example(
        summary="Send it back to the team",
        value={
            "role": "operations",
            "decision": "request_changes",
            "revision": 1,
            "comment": "Add the call-centre script.",
        },
    ),
    "reject": Example(
        summary="Return the change to an earlier stage",
        value={
            "role": "policy",
            "decision": "reject",
            "revision": 2,
            "comment": "The design no longer meets the intent.",
            "reject_to": "intent",
        },
    ),
}

SIGN_OFF["approve_with_conditions"] = Example(
    summary="Pass the gate, with a condition for a later one",
    value={
        "role": "operations",
        "decision": "approve_with_conditions",
        "revision": 3,
        "conditions": [
            {"description": "Brief the call centre", "owner": "ops-lead", "due": "2027-01-29"}
        ],
    },
)
SIGN_OFF["acting_for"] = Example(
    summary="Approve as a delegate, acting for the role holder",
    value={"role": "policy", "decision": "approve", "revision": 3, "acting_for": "policy-lead"},
)

MEASUREMENT = _one(
    "An outcome measured at the check stage",
    {"metric": "median days to decision", "value": 4, "note": "Four weeks of live data"},
)

DECISION = {
    "adopt": Example(summary="Adopt and close", value={"outcome": "adopt"}),
    "adapt": Example(
        summary="Run another cycle",
        value={"outcome": "adapt", "comment": "Take-up is short of target", "restart_at": "design"},
    ),
}

WITHDRAWAL = _one("Withdraw with a reason", {"reason": "Funding moved to another programme"})

DELEGATION = _one(
    "Cover a holiday",
    {
        "delegate": "policy-deputy",
        "role": "policy",
        "ends_at": "2027-01-15T18:00:00Z",
        "reason": "Annual leave",
    },
)

CONDITION_CLOSURE = _one(
    "Close a condition with evidence",
    {
        "note": "Call-centre staff briefed on 12 January",
        "evidence": [
            {
                "title": "Briefing record",
                "uri": "https://docs.example.gov/briefing",
                "content": "briefing record",
            }
        ],
    },
)

CHALLENGE = _one(
    "Challenge a reject",
    {"reason": "The costs the reject cites were agreed at the last board"},
)

RESOLUTION = _one(
    "Overturn a reject",
    {"outcome": "overturn", "comment": "The board minutes confirm the costs"},
)

PERSON = _one(
    "A new policy lead",
    {"name": "Policy deputy", "id": "policy-deputy", "roles": ["policy"]},
)

TOKEN = _one("A token for a working day", {"hours": 8})

TOKEN_REVOCATION = _one(
    "Revoke a token that leaked",
    {"token": "eyJhbGciOiJIUzI1NiIsImtpZCI6Imsx...the whole token"},
)

PREFERENCES = _one(
    "Email at once",
    {"email": "sam.policy@example.gov.uk", "channels": ["email"], "digest": False},
)

WEBHOOK = _one(
    "Every overdue or stuck change, to a team's chat bridge",
    {
        "url": "https://hooks.example.gov.uk/throughline",
        "topics": ["overdue", "escalated", "stuck"],
        "description": "Service team chat",
    },
)

WEBHOOK_UPDATE = _one("Pause a subscription", {"active": False})

PORTFOLIO_ENTRY = {
    "rank": 1,
    "change_id": "7d0c2a4e-5b1f-4c7a-9a53-2f6f1f0c8e11",
    "title": "Let people renew a blue badge online",
    "service": "Blue badge renewals",
    "stage": "intent",
    "status": "active",
    "created_at": "2026-03-02T09:00:00Z",
    "score": 103.1,
    "need": 100,
    "reach": 1250,
    "reach_points": 3.1,
    "groups": [
        {
            "name": "Badge holders renewing",
            "severity": "medium",
            "severity_given": True,
            "underserved": False,
            "reach": 1000,
            "points": 30,
        },
        {
            "name": "Holders without internet access",
            "severity": "high",
            "severity_given": True,
            "underserved": True,
            "reach": 250,
            "points": 100,
        },
    ],
    "explanation": "Need 100: 'Holders without internet access' face a high-severity problem "
    "and are underserved (50, doubled). Reach adds 3.1 for 1,250 people. Score 103.1.",
    "flags": ["prepare the ground: secure a senior sponsor (senior interest is rated low)"],
    "ground_overridden": False,
    "misaligned": [
        {
            "area": "operating_model",
            "status": "in_progress",
            "owner": "ops-lead",
            "note": "Call-centre scripts in draft",
            "words": "operating model: in progress, owned by ops-lead "
            "(Call-centre scripts in draft)",
        },
        {
            # Not {"status": None, ...}: the schema's examples lose their nulls when FastAPI
            # writes them, and the example would then break the schema's required fields.
            "area": "skills",
            "status": "blocked",
            "owner": "digital-lead",
            "note": "No content designer until March",
            "words": "skills: blocked, owned by digital-lead (No content designer until March)",
        },
    ],
}
"""One change in the portfolio, as `GET /portfolio` lists it."""

OUTCOMES = {
    "query": {
        "service": "Blue badge renewals",
        "since": "2026-01-01T00:00:00Z",
        "until": "2026-07-01T00:00:00Z",
    },
    "changes": 4,
    "cycles_per_change": {
        "mean": 1.5,
        "distribution": [{"cycles": 1, "changes": 2}, {"cycles": 2, "changes": 2}],
    },
    "decisions": {
        "total": 6,
        "by_outcome": [
            {"outcome": "adopt", "count": 3, "share": 0.5},
            {"outcome": "adapt", "count": 2, "share": 0.3333},
            {"outcome": "abandon", "count": 1, "share": 0.1667},
        ],
    },
    "changes_by_latest_decision": {
        "total": 4,
        "by_outcome": [
            {"outcome": "adopt", "count": 3, "share": 0.75},
            {"outcome": "adapt", "count": 0, "share": 0.0},
            {"outcome": "abandon", "count": 1, "share": 0.25},
        ],
    },
    "targets": {"targets": 12, "measured": 11, "met": 8, "share_met": 0.6667},
    "intent_to_outcome": {"changes": 4, "median_days": 41.5, "mean_days": 47.25},
}
"""Portfolio outcomes, as `GET /portfolio/outcomes` reports them."""
