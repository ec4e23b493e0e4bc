"""What the directory holds now, as its workflow keeps it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from models.audit import GENESIS_HASH
from models.base import Strict
from models.roles import Role

OPERATOR = "operator"
"""The actor of commands given at the command line, by whoever runs Throughline."""


class RoleHolding(Strict):
    role: Role
    granted_at: datetime
    granted_by: str | None = None


class PersonRecord(Strict):
    id: str
    name: str
    active: bool = True
    roles: list[RoleHolding] = Field(default_factory=list)
    created_at: datetime
    tokens_valid_after: datetime | None = Field(
        default=None, description="Tokens issued before this moment are refused."
    )

    def holds(self, role: Role) -> bool:
        return self.active and any(h.role is role for h in self.roles)

    @property
    def role_names(self) -> list[str]:
        return [r.value for r in Role if any(h.role is r for h in self.roles)]


class DelegationRecord(Strict):
    id: int
    delegator: str
    delegate: str
    role: Role
    change_id: str | None = None
    starts_at: datetime
    ends_at: datetime
    reason: str | None = None
    created_at: datetime
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    reminded_at: datetime | None = Field(
        default=None, description="When the delegator was told it is about to end."
    )


class RevokedToken(Strict):
    person: str
    expires_at: datetime


class PublishedPlaybook(Strict):
    """A playbook version as the directory published it: immutable once recorded."""

    name: str
    version: int
    document: dict[str, Any] = Field(description="The whole playbook, as JSON data.")
    fingerprint: str = Field(description="sha256 over the document's canonical JSON.")
    published_by: str
    published_at: datetime
    seq: int = Field(description="The directory event that published it.")


class DirectoryState(Strict):
    directory_id: str
    people: dict[str, PersonRecord] = Field(default_factory=dict)
    delegations: dict[int, DelegationRecord] = Field(
        default_factory=dict, description="Delegations not yet ended; ended ones live in SQL."
    )
    next_delegation_id: int = 1
    revoked_tokens: dict[str, RevokedToken] = Field(
        default_factory=dict, description="Revoked token ids, kept until the token expires."
    )
    playbooks: list[PublishedPlaybook] = Field(
        default_factory=list,
        description="Every playbook version published, kept for good: changes stay pinned "
        "to them, and a rebuild restores them from here.",
    )
    seq: int = 0
    last_hash: str = GENESIS_HASH

    def person(self, person_id: str) -> PersonRecord | None:
        return self.people.get(person_id)

    def published(self, name: str, version: int) -> PublishedPlaybook | None:
        found = (p for p in self.playbooks if (p.name, p.version) == (name, version))
        return next(found, None)

    def latest_published(self, name: str) -> int | None:
        versions = [p.version for p in self.playbooks if p.name == name]
        return max(versions, default=None)

    def active_admins(self) -> list[str]:
        return sorted(p.id for p in self.people.values() if p.holds(Role.ADMIN))

    def next_reminder(self, lead: timedelta) -> datetime | None:
        """When the next delegator is due to hear their delegation is about to end; one
        shorter than the lead is never reminded."""
        due = [d.ends_at - lead for d in self._to_remind(lead)]
        return min(due) if due else None

    def _to_remind(self, lead: timedelta) -> list[DelegationRecord]:
        return [
            d
            for d in self.delegations.values()
            if d.revoked_at is None and d.reminded_at is None and d.ends_at - d.created_at > lead
        ]

    def delegations_to_remind(self, now: datetime, lead: timedelta) -> list[DelegationRecord]:
        return sorted(
            (d for d in self._to_remind(lead) if d.ends_at - lead <= now < d.ends_at),
            key=lambda d: (d.ends_at, d.id),
        )

    def next_expiry(self) -> datetime | None:
        """When the next delegation in this state ends, if any."""
        ends = [d.ends_at for d in self.delegations.values() if d.revoked_at is None]
        return min(ends) if ends else None
