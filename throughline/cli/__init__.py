"""The `throughline` command: run the stack, manage the directory, issue tokens, seed a
demo, rebuild the read model."""

from __future__ import annotations

import typer

from throughline.cli import (
    archive,
    audit,
    health,
    notifications,
    openapi,
    parts,
    people,
    playbooks,
    sign_in,
    tokens,
)
from throughline.files import private_by_default

app = typer.Typer(
    help="Throughline: carry a public-service change from policy intent to measured outcome.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(people.app, name="people")
app.add_typer(tokens.app, name="token")
app.add_typer(notifications.app, name="notifications")
app.add_typer(playbooks.app, name="playbook")
app.add_typer(audit.app, name="audit")
app.add_typer(archive.app, name="archive")
app.add_typer(health.app, name="health")
parts.register(app)
openapi.register(app)
sign_in.register(app)


@app.callback()
def _private_files() -> None:
    private_by_default()


DEMO_TEAM = parts.DEMO_TEAM
