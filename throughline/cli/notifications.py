"""`throughline notifications`: how a person is told, set by an operator."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from models.notifications import Channel
from models.subscriptions import Preferences, PreferencesRequest
from throughline.cli.shared import fail, with_services

app = typer.Typer(help="How people are told of what waits on them.", no_args_is_help=True)


@app.command("show")
def show(person: str) -> None:
    """Print a person's channels, address and digest choice."""
    _print(with_services(lambda services: services.notifications.preferences(person)))


@app.command("set")
def set_preferences(
    person: str,
    email: Annotated[str | None, typer.Option(help="Where email and Notify go.")] = None,
    channel: Annotated[
        list[Channel] | None, typer.Option(help="email or notify; repeat for both.")
    ] = None,
    digest: Annotated[bool, typer.Option(help="One daily digest instead of each at once.")] = False,
) -> None:
    """Replace a person's choices; no --channel means they are told nothing."""
    try:
        request = PreferencesRequest(email=email, channels=channel or [], digest=digest)
    except ValidationError as error:
        raise fail(error.errors()[0]["msg"]) from None
    _print(with_services(lambda services: services.notifications.set_preferences(person, request)))


def _print(chosen: Preferences) -> None:
    channels = ", ".join(chosen.channels) or "none"
    when = "in a daily digest" if chosen.digest else "at once"
    typer.echo(f"{chosen.person_id}: {channels} to {chosen.email or 'no address'}, {when}")
