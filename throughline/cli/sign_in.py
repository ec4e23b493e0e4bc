"""`throughline login-link`: a one-time link that signs a person in to the pages of a
development stack."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from throughline.cli.shared import with_sessions
from throughline.services.sign_in import LINK_MINUTES, SignInService
from throughline.settings import Settings


def login_link(
    person: Annotated[str, typer.Option(help="The directory id of who signs in.")],
) -> None:
    """Print a link that signs PERSON in to the pages once, within 15 minutes. Refused when
    THROUGHLINE_ENVIRONMENT is production: there, people sign in through single sign-on."""
    settings = Settings()

    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        return await SignInService(sessions, settings, None).link_for(person)

    typer.echo(with_sessions(work))
    typer.echo(f"# opens once, within {LINK_MINUTES} minutes, as {person}", err=True)


def register(app: typer.Typer) -> None:
    app.command("login-link")(login_link)
