"""Dependencies as Annotated aliases: the services, the caller, and role guards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.errors import NotPermitted
from models.roles import Role
from throughline.services.audit import AuditService
from throughline.services.auth import Caller, authenticate
from throughline.services.bundles import BundleService
from throughline.services.changes import ChangeService
from throughline.services.delegations import DelegationService
from throughline.services.directory import DirectoryService
from throughline.services.health import HealthService
from throughline.services.live_data import LiveDataService
from throughline.services.notifications import NotificationService
from throughline.services.people import PeopleAdmin, PeopleService
from throughline.services.playbooks import PlaybookAdmin, PlaybookCatalogue
from throughline.services.portfolio import PortfolioService
from throughline.services.practice import PracticeService
from throughline.services.reads import ReadService
from throughline.services.registry import Services
from throughline.services.tokens import TokenService
from throughline.settings import Settings
from throughline.tokens import KeyFile


@dataclass
class Resources:
    """Long-lived clients and the services built on them, created once in the lifespan."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    temporal: Client
    services: Services
    keys: KeyFile


def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


async def read_your_writes(resources: ResourcesDep) -> None:
    """Before a read: wait, briefly, until SQL holds every command this process has
    answered, so no caller reads a page older than an answer it was given."""
    await resources.services.answered.caught_up()


READ_YOUR_WRITES = Depends(read_your_writes)


def _changes(resources: ResourcesDep) -> ChangeService:
    return resources.services.changes


def _reads(resources: ResourcesDep) -> ReadService:
    return resources.services.reads


def _audit(resources: ResourcesDep) -> AuditService:
    return resources.services.audit


def _directory(resources: ResourcesDep) -> DirectoryService:
    return resources.services.directory


def _people(resources: ResourcesDep) -> PeopleService:
    return resources.services.people


def _people_admin(resources: ResourcesDep) -> PeopleAdmin:
    return resources.services.people_admin


def _delegations(resources: ResourcesDep) -> DelegationService:
    return resources.services.delegations


def _tokens(resources: ResourcesDep) -> TokenService:
    return resources.services.tokens


def _notifications(resources: ResourcesDep) -> NotificationService:
    return resources.services.notifications


def _practice(resources: ResourcesDep) -> PracticeService:
    return resources.services.practice


def _portfolio(resources: ResourcesDep) -> PortfolioService:
    return resources.services.portfolio


def _health(resources: ResourcesDep) -> HealthService:
    return resources.services.health


def _live_data(resources: ResourcesDep) -> LiveDataService:
    return resources.services.live_data


def _playbooks(resources: ResourcesDep) -> PlaybookCatalogue:
    return resources.services.playbooks


def _playbook_admin(resources: ResourcesDep) -> PlaybookAdmin:
    return resources.services.playbook_admin


def _bundles(resources: ResourcesDep) -> BundleService:
    return resources.services.bundles


ChangesDep = Annotated[ChangeService, Depends(_changes)]
ReadsDep = Annotated[ReadService, Depends(_reads)]
AuditDep = Annotated[AuditService, Depends(_audit)]
DirectoryDep = Annotated[DirectoryService, Depends(_directory)]
PeopleDep = Annotated[PeopleService, Depends(_people)]
PeopleAdminDep = Annotated[PeopleAdmin, Depends(_people_admin)]
DelegationsDep = Annotated[DelegationService, Depends(_delegations)]
TokensDep = Annotated[TokenService, Depends(_tokens)]
HealthDep = Annotated[HealthService, Depends(_health)]
NotificationsDep = Annotated[NotificationService, Depends(_notifications)]
LiveDataDep = Annotated[LiveDataService, Depends(_live_data)]
PlaybooksDep = Annotated[PlaybookCatalogue, Depends(_playbooks)]
PlaybookAdminDep = Annotated[PlaybookAdmin, Depends(_playbook_admin)]
PortfolioDep = Annotated[PortfolioService, Depends(_portfolio)]
PracticeDep = Annotated[PracticeService, Depends(_practice)]
BundlesDep = Annotated[BundleService, Depends(_bundles)]

_bearer = HTTPBearer(auto_error=False, description="A token from `throughline token create`.")


async def current_caller(
    request: Request,
    resources: ResourcesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller the authentication gate found before the body was read. The bearer
    scheme is declared here so the OpenAPI schema shows how to authenticate."""
    caller = getattr(request.state, "caller", None)
    if isinstance(caller, Caller):
        return caller
    header = f"Bearer {credentials.credentials}" if credentials else None
    sso = resources.services.sign_in.sso
    return await authenticate(resources.sessions, resources.keys.ring(), header, sso)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def RequireRole(*roles: Role) -> Any:
    """A dependency that refuses (403) a caller holding none of these roles."""

    async def require(caller: CurrentCaller) -> Caller:
        if not any(caller.holds(role) for role in roles):
            needed = " or ".join(r.value for r in roles)
            raise NotPermitted(f"this needs the {needed} role; {caller.id} holds none of them")
        return caller

    return Depends(require)


# Guards, for a route's `dependencies=[...]` when the handler does not read the caller.
ANY_ROLE = RequireRole(*Role)
ADMINS = RequireRole(Role.ADMIN)
AUDITORS = RequireRole(Role.AUDITOR)
ADMINS_OR_AUDITORS = RequireRole(Role.ADMIN, Role.AUDITOR)

# The caller, for handlers that act as them, refused without the role.
Digital = Annotated[Caller, RequireRole(Role.DIGITAL)]
ServiceOwner = Annotated[Caller, RequireRole(Role.SERVICE_OWNER)]
Assessor = Annotated[Caller, RequireRole(Role.ASSESSOR)]
Withdrawer = Annotated[Caller, RequireRole(Role.DIGITAL, Role.SERVICE_OWNER)]
Admin = Annotated[Caller, RequireRole(Role.ADMIN)]
Auditor = Annotated[Caller, RequireRole(Role.AUDITOR)]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Send the same key again to get the same result with no second effect.",
    ),
]
