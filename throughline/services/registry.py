"""Every service, built once from the long-lived clients they share."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from throughline import db
from throughline.channels.senders import Senders
from throughline.oidc import Provider
from throughline.services.archive import ArchiveService
from throughline.services.audit import AuditService
from throughline.services.auth import SingleSignOn
from throughline.services.bundles import BundleService
from throughline.services.change_workflows import ChangeWorkflows
from throughline.services.changes import ChangeService
from throughline.services.delegations import DelegationService
from throughline.services.directory import DirectoryService
from throughline.services.freshness import Answered
from throughline.services.health import HealthService
from throughline.services.live_data import LiveDataService
from throughline.services.notifications import NotificationService
from throughline.services.people import PeopleAdmin, PeopleService
from throughline.services.playbooks import PlaybookAdmin, PlaybookCatalogue
from throughline.services.portfolio import PortfolioService
from throughline.services.practice import PracticeService
from throughline.services.reads import ReadService
from throughline.services.sign_in import SignInService
from throughline.services.tokens import TokenService
from throughline.settings import Settings


@dataclass(frozen=True)
class Services:
    answered: Answered
    changes: ChangeService
    reads: ReadService
    audit: AuditService
    directory: DirectoryService
    people: PeopleService
    people_admin: PeopleAdmin
    delegations: DelegationService
    tokens: TokenService
    health: HealthService
    notifications: NotificationService
    sign_in: SignInService
    live_data: LiveDataService
    playbooks: PlaybookCatalogue
    playbook_admin: PlaybookAdmin
    portfolio: PortfolioService
    practice: PracticeService
    bundles: BundleService
    archive: ArchiveService


def build_services(client: Client, settings: Settings, engine: AsyncEngine) -> Services:
    sessions = db.session_factory(engine)
    answered = Answered(sessions)
    workflows = ChangeWorkflows(client, settings, sessions, answered)
    directory = DirectoryService(client, settings, sessions)
    playbooks = PlaybookCatalogue(sessions)
    return Services(
        answered=answered,
        changes=ChangeService(workflows, sessions, playbooks),
        reads=ReadService(sessions, playbooks),
        audit=AuditService(sessions, workflows, directory),
        directory=directory,
        people=PeopleService(sessions, directory.directory_id),
        people_admin=PeopleAdmin(directory),
        delegations=DelegationService(sessions, directory),
        tokens=TokenService(sessions, settings),
        health=HealthService(client, engine, settings.stack_status_file),
        notifications=NotificationService(
            sessions, client, settings, Senders.from_settings(settings).configured()
        ),
        sign_in=SignInService(sessions, settings, single_sign_on(settings)),
        live_data=LiveDataService(sessions, client, settings),
        playbooks=playbooks,
        playbook_admin=PlaybookAdmin(playbooks, directory),
        portfolio=PortfolioService(sessions),
        practice=PracticeService(workflows, sessions),
        bundles=BundleService(sessions, client, settings, directory),
        archive=ArchiveService(sessions, settings, directory),
    )


def single_sign_on(settings: Settings) -> SingleSignOn | None:
    """The provider people sign in with, when one is configured."""
    if settings.oidc_issuer is None:
        return None
    audience = settings.oidc_audience or settings.oidc_client_id or ""
    return SingleSignOn(Provider(settings.oidc_issuer, audience), settings.oidc_person_claim)
