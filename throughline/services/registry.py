"""Every service, built once from the long-lived clients they share."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from throughline.services.audit import AuditService
from throughline.services.change_workflows import ChangeWorkflows
from throughline.services.changes import ChangeService
from throughline.services.delegations import DelegationService
from throughline.services.directory import DirectoryService
from throughline.services.people import PeopleService
from throughline.services.reads import ReadService
from throughline.settings import Settings


@dataclass(frozen=True)
class Services:
    changes: ChangeService
    reads: ReadService
    audit: AuditService
    directory: DirectoryService
    people: PeopleService
    delegations: DelegationService


def build_services(
    client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> Services:
    workflows = ChangeWorkflows(client, settings, sessions)
    directory = DirectoryService(client, settings, sessions)
    return Services(
        changes=ChangeService(workflows, sessions),
        reads=ReadService(sessions),
        audit=AuditService(sessions, workflows, directory),
        directory=directory,
        people=PeopleService(sessions, directory.directory_id),
        delegations=DelegationService(sessions, directory),
    )
