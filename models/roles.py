"""The roles a person can hold in the directory."""

from enum import StrEnum


class Role(StrEnum):
    POLICY = "policy"
    DIGITAL = "digital"
    OPERATIONS = "operations"
    SERVICE_OWNER = "service_owner"
    ASSESSOR = "assessor"
    """Sits on a service assessment panel (the GOV.UK phases playbook)."""
    AUDITOR = "auditor"
    ADMIN = "admin"


SIGNING_ROLES: frozenset[Role] = frozenset(
    {Role.POLICY, Role.DIGITAL, Role.OPERATIONS, Role.SERVICE_OWNER, Role.ASSESSOR}
)
"""Roles that can be named on a change and act at its gates: sign, decide or assess."""
