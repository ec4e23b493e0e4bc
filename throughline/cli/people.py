"""`throughline people`: the directory from the command line, acting as the operator."""

from __future__ import annotations

from typing import Annotated

import typer

from models.directory.commands import NewPerson
from models.directory.state import OPERATOR
from models.roles import Role
from throughline.cli.shared import with_people, with_people_admin

app = typer.Typer(
    help="People and their roles in the directory. Changes are recorded as directory "
    "events, with the operator as their actor.",
    no_args_is_help=True,
)


@app.command("add")
def add(
    name: str,
    role: Annotated[list[Role], typer.Option("--role", help="Repeat for several roles.")],
    person_id: Annotated[
        str | None, typer.Option("--id", help="Defaults to a slug of NAME.")
    ] = None,
) -> None:
    """Add a person with their roles."""
    new = NewPerson(name=name, id=person_id, roles=role)

    added = with_people_admin(lambda admin: admin.add(OPERATOR, new))
    typer.echo(f"added {added.id} ({', '.join(r.value for r in role)})")


@app.command("list")
def listing() -> None:
    """List everyone in the directory with the roles they hold."""

    for person in with_people(lambda people: people.everyone()):
        roles = ", ".join(person.roles) or "(no roles)"
        inactive = "" if person.active else "\t(inactive)"
        typer.echo(f"{person.id}\t{person.name}\t{roles}{inactive}")


@app.command("grant")
def grant(person_id: str, role: Role) -> None:
    """Grant a role to a person."""
    with_people_admin(lambda admin: admin.change_role(OPERATOR, person_id, role, grant=True))
    typer.echo(f"{person_id} now holds {role.value}")


@app.command("revoke")
def revoke(person_id: str, role: Role) -> None:
    """Revoke a role; it stops counting on the person's next request."""
    with_people_admin(lambda admin: admin.change_role(OPERATOR, person_id, role, grant=False))
    typer.echo(f"{person_id} no longer holds {role.value}")


@app.command("deactivate")
def deactivate(person_id: str) -> None:
    """Deactivate a person: their tokens are refused and they can no longer act."""
    with_people_admin(lambda admin: admin.set_active(OPERATOR, person_id, active=False))
    typer.echo(f"{person_id} is no longer active")


@app.command("reactivate")
def reactivate(person_id: str) -> None:
    """Reactivate a person, in the roles they still hold."""
    with_people_admin(lambda admin: admin.set_active(OPERATOR, person_id, active=True))
    typer.echo(f"{person_id} is active again")


@app.command("history")
def history(person_id: str) -> None:
    """Everything the directory recorded about a person, oldest first."""
    for entry in with_people(lambda people: people.history(person_id)).entries:
        typer.echo(f"{entry.seq}\t{entry.at.isoformat()}\t{entry.summary}")
