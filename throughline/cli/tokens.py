"""`throughline token`: issue, revoke and sign with rotated keys."""

from __future__ import annotations

from typing import Annotated

import typer

from models.directory.state import OPERATOR
from throughline.cli.shared import fail, with_directory, with_people_admin, with_sessions
from throughline.services.tokens import TokenService
from throughline.settings import ConfigurationError, Settings
from throughline.tokens import TOKEN_MAX_HOURS

app = typer.Typer(help="Bearer tokens for the API.", no_args_is_help=True)


@app.command("create")
def create(
    person: Annotated[str, typer.Option("--person", help="The person's id.")],
    hours: Annotated[
        float | None,
        typer.Option(min=0.01, max=TOKEN_MAX_HOURS, help="Lifetime; defaults to the setting."),
    ] = None,
) -> None:
    """Print a signed bearer token for a person active in the directory."""
    settings = Settings()
    issued = with_sessions(lambda sessions: TokenService(sessions, settings).issue(person, hours))
    typer.echo(issued.token)


@app.command("revoke")
def revoke(token: str) -> None:
    """Revoke one token: it is refused from now on."""
    revoked = with_directory(lambda service: service.revoke_token(OPERATOR, token))
    state = "revoked" if revoked.revoked else "was already revoked"
    typer.echo(f"token {revoked.token_id} of {revoked.person} {state}")


@app.command("revoke-all")
def revoke_all(person: Annotated[str, typer.Option("--person", help="The person's id.")]) -> None:
    """Revoke every token a person holds now."""
    with_people_admin(lambda admin: admin.revoke_tokens(OPERATOR, person))
    typer.echo(f"every token {person} held until now is revoked")


@app.command("rotate-key")
def rotate_key() -> None:
    """Sign new tokens with a new key. Tokens signed before stay valid until they expire
    or are revoked; running APIs pick the new key up without a restart."""
    try:
        key_file = Settings().key_file()
    except ConfigurationError as error:
        raise fail(str(error)) from None
    key = key_file.rotate()
    typer.echo(f"new tokens are signed with key {key.kid} ({key_file.path})")
