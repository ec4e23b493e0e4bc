"""What the directory says a person may do, read at the moment they act.

A delegate acts for a role holder within a bounded period. The holder must still
hold the role directly, so revoking the holder's role ends their delegations too.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.base import Strict
from models.errors import DelegationNotActive, NotEligible
from models.roles import Role


class AuthorityQuery(Strict):
    people: list[str] = Field(min_length=1)
    as_of: datetime
    change_id: str | None = None


class DelegationGrant(Strict):
    id: int
    delegator: str
    delegate: str
    role: Role
    change_id: str | None = Field(default=None, description="None: every change.")
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None = None

    def covers(self, change_id: str | None) -> bool:
        return self.change_id is None or self.change_id == change_id

    def in_force_at(self, moment: datetime) -> bool:
        revoked = self.revoked_at is not None and self.revoked_at <= moment
        return self.starts_at <= moment < self.ends_at and not revoked

    def lapse_reason(self, moment: datetime) -> str:
        if self.revoked_at is not None and self.revoked_at <= moment:
            return f"was revoked at {self.revoked_at.isoformat()}"
        if moment < self.starts_at:
            return f"starts at {self.starts_at.isoformat()}"
        return f"expired at {self.ends_at.isoformat()}"


class Authority(Strict):
    person: str
    active: bool
    roles: list[Role] = Field(default_factory=list, description="Roles held directly.")
    delegations: list[DelegationGrant] = Field(
        default_factory=list, description="Delegations this person received, in force or not."
    )

    def holds(self, role: Role) -> bool:
        return self.active and role in self.roles

    def require(self, role: Role) -> None:
        if not self.active:
            raise NotEligible(f"{self.person} is not an active person in the directory")
        if role not in self.roles:
            raise NotEligible(f"{self.person} does not hold the {role} role in the directory")


class Authorities(Strict):
    as_of: datetime | None = None
    change_id: str | None = None
    by_person: dict[str, Authority]

    def of(self, person: str) -> Authority:
        return self.by_person.get(person, Authority(person=person, active=False))

    def require_signer(self, person: str, role: Role, acting_for: str | None) -> None:
        """Refuse unless the person holds the role, or acts under a delegation in force."""
        if acting_for is None:
            self.of(person).require(role)
            return
        if not self.of(person).active:
            raise NotEligible(f"{person} is not an active person in the directory")
        holder = self.of(acting_for)
        if not holder.holds(role):
            raise DelegationNotActive(
                f"{acting_for} no longer holds the {role} role, so nobody can act for them in it"
            )
        self._require_delegation(person, role, acting_for)

    def _require_delegation(self, person: str, role: Role, holder: str) -> None:
        grants = [
            g
            for g in self.of(person).delegations
            if g.delegator == holder and g.role == role and g.covers(self.change_id)
        ]
        moment = self.as_of
        if moment is not None and any(g.in_force_at(moment) for g in grants):
            return
        if not grants or moment is None:
            raise DelegationNotActive(f"{holder} has not delegated the {role} role to {person}")
        latest = max(grants, key=lambda g: g.ends_at)
        raise DelegationNotActive(
            f"the delegation of {role} from {holder} to {person} {latest.lapse_reason(moment)}"
        )

    def still_authorised(self, person: str, role: Role, acting_for: str | None) -> str | None:
        """None if the sign-off still stands, else why it lapsed."""
        try:
            self.require_signer(person, role, acting_for)
        except NotEligible as lapsed:
            return lapsed.message
        return None
