"""What the directory says a person may do, read at the moment they act."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.errors import NotEligible
from models.intake import Strict
from models.roles import Role


class AuthorityQuery(Strict):
    people: list[str] = Field(min_length=1)
    as_of: datetime


class Authority(Strict):
    person: str
    active: bool
    roles: list[Role] = Field(default_factory=list)

    def holds(self, role: Role) -> bool:
        return self.active and role in self.roles

    def require(self, role: Role) -> None:
        if not self.active:
            raise NotEligible(f"{self.person} is not an active person in the directory")
        if role not in self.roles:
            raise NotEligible(f"{self.person} does not hold the {role} role in the directory")


class Authorities(Strict):
    by_person: dict[str, Authority]

    def of(self, person: str) -> Authority:
        return self.by_person.get(person, Authority(person=person, active=False))
