"""The roles a person can hold in the directory."""

from enum import StrEnum


class Role(StrEnum):
    POLICY = "policy"
    DIGITAL = "digital"
    OPERATIONS = "operations"
    SERVICE_OWNER = "service_owner"
    AUDITOR = "auditor"
    ADMIN = "admin"


SIGNING_ROLES: frozenset[Role] = frozenset(
    {Role.POLICY, Role.DIGITAL, Role.OPERATIONS, Role.SERVICE_OWNER}
)
"""Roles that can be named on a change and sign at its gates."""
