"""Who a provider's claims name, tried as a new user would: by the configured claim, an
email address matched to exactly one person's verified address, and nobody inactive."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.directory.state import OPERATOR
from models.errors import Unauthenticated
from models.roles import Role
from models.subscriptions import PreferencesRequest
from tests.factories import Team
from throughline.oidc import Provider
from throughline.services.auth import SingleSignOn, caller_for_claims
from throughline.services.directory import DirectoryService
from throughline.services.registry import Services

BY_EMAIL = SingleSignOn(Provider("http://127.0.0.1:9", "throughline"), "email")
BY_SUB = SingleSignOn(Provider("http://127.0.0.1:9", "throughline"), "sub")


async def test_an_email_names_the_person_who_gave_that_address(
    app: FastAPI, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    services: Services = app.state.resources.services
    lead = team.signer(Role.POLICY)
    choice = PreferencesRequest(email=f"{lead}@example.test", channels=[], digest=False)
    await services.notifications.set_preferences(lead, choice)

    claims = {"sub": "any", "email": f"{lead.upper()}@example.test", "email_verified": True}
    caller = await caller_for_claims(sqlite_sessions, BY_EMAIL, claims)

    assert (caller.id, caller.roles) == (lead, [Role.POLICY])


async def test_an_unverified_or_unknown_email_lets_nobody_in(
    team: Team,  # noqa: ARG001  (a directory with people in it, none with this address)
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    unverified = {"email": "someone@example.test", "email_verified": False}
    with pytest.raises(Unauthenticated, match="not verified"):
        await caller_for_claims(sqlite_sessions, BY_EMAIL, unverified)
    with pytest.raises(Unauthenticated, match="nobody in the directory"):
        await caller_for_claims(sqlite_sessions, BY_EMAIL, {"email": "someone@example.test"})


async def test_a_sub_names_a_directory_id_and_a_missing_claim_is_refused(
    team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    caller = await caller_for_claims(sqlite_sessions, BY_SUB, {"sub": team.auditor})
    assert caller.roles == [Role.AUDITOR]
    with pytest.raises(Unauthenticated, match="carries no 'sub' claim"):
        await caller_for_claims(sqlite_sessions, BY_SUB, {"email": "x@example.test"})


async def test_a_person_the_directory_deactivated_is_not_let_in(
    team: Team,
    directory_service: DirectoryService,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    await directory_service.set_active(OPERATOR, team.auditor, False)

    with pytest.raises(Unauthenticated, match="is not active in the directory"):
        await caller_for_claims(sqlite_sessions, BY_SUB, {"sub": team.auditor})
