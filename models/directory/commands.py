"""Commands that change the directory, as request bodies and as its workflow takes them.

The actor is the authenticated person, or OPERATOR for the command line; it never comes
from a request body.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from models.base import PersonId, ShortText, Strict, Text
from models.commands import RequestKey
from models.directory.state import DelegationRecord, DirectoryState, PersonRecord
from models.playbook import Playbook
from models.roles import Role

BULK_LIMIT = 500


class NewPerson(Strict):
    name: ShortText
    id: PersonId | None = Field(default=None, description="Defaults to a slug of the name.")
    roles: list[Role] = Field(default_factory=list, max_length=len(Role))


class DelegationRequest(Strict):
    delegate: PersonId
    role: Role
    ends_at: AwareDatetime = Field(description="When the delegation ends; at most 90 days.")
    starts_at: AwareDatetime | None = Field(default=None, description="Defaults to now.")
    change_id: ShortText | None = Field(default=None, description="Limit it to one change.")
    reason: Text | None = None


class DirectoryCommand(Strict):
    actor: str
    request: RequestKey | None = None


class AddPeople(DirectoryCommand):
    people: list[NewPerson] = Field(min_length=1, max_length=BULK_LIMIT)


class SetActive(DirectoryCommand):
    person: PersonId
    active: bool


class ChangeRole(DirectoryCommand):
    person: PersonId
    role: Role
    grant: bool


class Delegate(DirectoryCommand, DelegationRequest):
    pass


class RevokeDelegation(DirectoryCommand):
    delegation_id: int = Field(ge=1)


class RevokeToken(DirectoryCommand):
    token_id: str = Field(min_length=1, max_length=64)
    person: str
    expires_at: datetime


class RevokeTokens(DirectoryCommand):
    person: PersonId


class PublishPlaybook(DirectoryCommand):
    """Publish a playbook version: recorded once, immutable after."""

    playbook: Playbook


class DirectoryResult(Strict):
    """What a directory command answered: the records it touched, as they now stand."""

    directory_id: str
    command: str
    seq: int = Field(description="The directory's event sequence number after the command.")
    changed: bool = Field(default=True, description="False when it was so already.")
    people: list[PersonRecord] = Field(default_factory=list)
    delegation: DelegationRecord | None = None


class DirectoryReceipt(Strict):
    key: str
    fingerprint: str
    result: DirectoryResult


class DirectoryStart(Strict):
    """Workflow input: the directory as it stands, for a new run or an imported one."""

    state: DirectoryState
    imported: bool = Field(
        default=False, description="True when the state came from an older, SQL-only directory."
    )
