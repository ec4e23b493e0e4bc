"""The playbook an admin might publish, as the OpenAPI schema shows it: in JSON and in
YAML, with two of the three policy people it names needed to agree the intent."""

from __future__ import annotations

from typing import Any

PLAYBOOK_YAML = """\
name: two-policy-approvers
version: 1
title: Plan, do, check, act with two policy approvers
adapt_restart_at: [design]
stages:
  - name: intent
    pdca: plan
    gate:
      name: intent agreed
      quorum: {policy: 2, digital: 1, operations: 1}
      reject_to: [intent, close]
  - name: design
    pdca: plan
    gate:
      name: design approved
      quorum: {policy: 1, digital: 1, operations: 1}
      reject_to: [design, intent]
  - name: act
    pdca: act
    owner: service_owner
    gate:
      name: adopt, adapt or abandon
      kind: decision
      quorum: {service_owner: 1}
"""

PLAYBOOK: dict[str, Any] = {
    "name": "two-policy-approvers",
    "version": 1,
    "title": "Plan, do, check, act with two policy approvers",
    "adapt_restart_at": ["design"],
    "stages": [
        {
            "name": "intent",
            "pdca": "plan",
            "gate": {
                "name": "intent agreed",
                "quorum": {"policy": 2, "digital": 1, "operations": 1},
                "reject_to": ["intent", "close"],
            },
        },
        {
            "name": "design",
            "pdca": "plan",
            "gate": {
                "name": "design approved",
                "quorum": {"policy": 1, "digital": 1, "operations": 1},
                "reject_to": ["design", "intent"],
            },
        },
        {
            "name": "act",
            "pdca": "act",
            "owner": "service_owner",
            "gate": {
                "name": "adopt, adapt or abandon",
                "kind": "decision",
                "quorum": {"service_owner": 1},
            },
        },
    ],
}


def playbook_body(purpose: str) -> dict[str, Any]:
    """The request body of a route that takes a playbook in JSON or YAML."""
    return {
        "requestBody": {
            "required": True,
            "description": f"The playbook to {purpose}, as JSON or as YAML "
            "(Content-Type: application/yaml).",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Playbook"},
                    "examples": {
                        "default": {
                            "summary": "Two of three policy people agree the intent",
                            "value": PLAYBOOK,
                        }
                    },
                },
                "application/yaml": {
                    "schema": {"type": "string"},
                    "examples": {
                        "default": {"summary": "The same playbook in YAML", "value": PLAYBOOK_YAML}
                    },
                },
            },
        }
    }
