"""Dependencies as Annotated aliases: sessions, the caller, roles, Temporal commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.errors import NotPermitted
from models.roles import Role
from throughline.changes import ChangeCommands
from throughline.services.auth import Caller, authenticate
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.tokens import KeyFile


@dataclass
class Resources:
    """Long-lived clients, created once in the app's lifespan."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    temporal: Client
    commands: ChangeCommands
    directory: DirectoryService
    keys: KeyFile


def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


def get_sessions(resources: ResourcesDep) -> async_sessionmaker[AsyncSession]:
    """For handlers that read briefly and then wait on Temporal: no transaction held open."""
    return resources.sessions


async def get_session(resources: ResourcesDep) -> AsyncIterator[AsyncSession]:
    """One transaction per handler: committed before the response is sent, so a failed
    commit is the client's answer; rolled back on any refusal."""
    async with resources.sessions() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SessionsDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessions)]


def get_commands(resources: ResourcesDep) -> ChangeCommands:
    return resources.commands


CommandsDep = Annotated[ChangeCommands, Depends(get_commands)]


def get_directory(resources: ResourcesDep) -> DirectoryService:
    return resources.directory


DirectoryDep = Annotated[DirectoryService, Depends(get_directory)]

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
    return await authenticate(resources.sessions, resources.keys.ring(), header)


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

Reader = Annotated[Caller, RequireRole(*Role)]
Digital = Annotated[Caller, RequireRole(Role.DIGITAL)]
ServiceOwner = Annotated[Caller, RequireRole(Role.SERVICE_OWNER)]
Withdrawer = Annotated[Caller, RequireRole(Role.DIGITAL, Role.SERVICE_OWNER)]
Auditor = Annotated[Caller, RequireRole(Role.AUDITOR)]
Admin = Annotated[Caller, RequireRole(Role.ADMIN)]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Send the same key again to get the same result with no second effect.",
    ),
]
