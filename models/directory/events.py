"""The kinds of directory event, each rendered in plain words for a person's history."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from models.audit import AuditEvent


class DirectoryEventKind(StrEnum):
    DIRECTORY_IMPORTED = "directory_imported"
    PERSON_ADDED = "person_added"
    PERSON_DEACTIVATED = "person_deactivated"
    PERSON_REACTIVATED = "person_reactivated"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    DELEGATION_CREATED = "delegation_created"
    DELEGATION_REVOKED = "delegation_revoked"
    DELEGATION_EXPIRED = "delegation_expired"
    DELEGATION_EXPIRING = "delegation_expiring"
    TOKEN_REVOKED = "token_revoked"
    TOKENS_REVOKED = "tokens_revoked"
    PLAYBOOK_PUBLISHED = "playbook_published"
    ARCHIVES_PURGED = "archives_purged"


def _delegation(p: dict[str, Any]) -> str:
    scope = f" on change {p['change_id']}" if p.get("change_id") else ""
    return f"the {p.get('role')} role of {p.get('delegator')} to {p.get('delegate')}{scope}"


_LINES: dict[DirectoryEventKind, Callable[[AuditEvent], str]] = {
    DirectoryEventKind.DIRECTORY_IMPORTED: lambda e: (
        f"{e.actor} imported {len(e.payload.get('people', []))} people from the earlier directory"
    ),
    DirectoryEventKind.PERSON_ADDED: lambda e: (
        f"{e.actor} added {e.payload.get('person')} with roles "
        f"{', '.join(e.payload.get('after', {}).get('roles', [])) or '(none)'}"
    ),
    DirectoryEventKind.PERSON_DEACTIVATED: lambda e: (
        f"{e.actor} deactivated {e.payload.get('person')}"
    ),
    DirectoryEventKind.PERSON_REACTIVATED: lambda e: (
        f"{e.actor} reactivated {e.payload.get('person')}"
    ),
    DirectoryEventKind.ROLE_GRANTED: lambda e: (
        f"{e.actor} granted {e.payload.get('person')} the {e.payload.get('role')} role"
    ),
    DirectoryEventKind.ROLE_REVOKED: lambda e: (
        f"{e.actor} revoked the {e.payload.get('role')} role of {e.payload.get('person')}"
    ),
    DirectoryEventKind.DELEGATION_CREATED: lambda e: (
        f"{e.actor} delegated {_delegation(e.payload)} "
        f"until {e.payload.get('after', {}).get('ends_at')}"
    ),
    DirectoryEventKind.DELEGATION_REVOKED: lambda e: (
        f"{e.actor} revoked the delegation of {_delegation(e.payload)}"
    ),
    DirectoryEventKind.DELEGATION_EXPIRED: lambda e: (
        f"the delegation of {_delegation(e.payload)} expired"
    ),
    DirectoryEventKind.DELEGATION_EXPIRING: lambda e: (
        f"{e.payload.get('delegator')} reminded that the delegation of "
        f"{_delegation(e.payload)} ends {e.payload.get('after', {}).get('ends_at')}"
    ),
    DirectoryEventKind.TOKEN_REVOKED: lambda e: (
        f"{e.actor} revoked token {e.payload.get('token_id')} of {e.payload.get('person')}"
    ),
    DirectoryEventKind.TOKENS_REVOKED: lambda e: (
        f"{e.actor} revoked every token of {e.payload.get('person')} issued until then"
    ),
    DirectoryEventKind.PLAYBOOK_PUBLISHED: lambda e: (
        f"{e.actor} published version {e.payload.get('version')} of the "
        f"{e.payload.get('name')} playbook (sha256 {str(e.payload.get('fingerprint'))[:12]})"
    ),
    DirectoryEventKind.ARCHIVES_PURGED: lambda e: (
        f"{e.actor} purged {len(e.payload.get('runs', []))} archived histories of runs closed "
        f"before {e.payload.get('cutoff')}: {e.payload.get('reason')}"
    ),
}


def describe_directory_event(event: AuditEvent) -> str:
    """One line, in plain words, for a directory event."""
    return _LINES[DirectoryEventKind(event.kind)](event)
