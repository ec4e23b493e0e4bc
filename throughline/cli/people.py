"""`throughline people`: the directory from the command line, acting as the operator."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.directory.commands import NewPerson
from models.directory.state import OPERATOR
from models.roles import Role
from throughline import queries
from throughline.cli.shared import with_directory, with_sessions
from throughline.services.directory import DirectoryService
from throughline.store import directory

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

    async def work(service: DirectoryService) -> str:
        return (await service.add_people(OPERATOR, [new])).people[0].id

    added = with_directory(work)
    typer.echo(f"added {added} ({', '.join(r.value for r in role)})")


@app.command("list")
def listing() -> None:
    """List everyone in the directory with the roles they hold."""

    async def work(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
        async with sessions() as session:
            people = [
                await queries.person_out(session, p) for p in await directory.list_people(session)
            ]
        return [
            f"{p.id}\t{p.name}\t{', '.join(p.roles) or '(no roles)'}"
            + ("" if p.active else "\t(inactive)")
            for p in people
        ]

    for line in with_sessions(work):
        typer.echo(line)


@app.command("grant")
def grant(person_id: str, role: Role) -> None:
    """Grant a role to a person."""
    with_directory(lambda s: s.change_role(OPERATOR, person_id, role, grant=True))
    typer.echo(f"{person_id} now holds {role.value}")


@app.command("revoke")
def revoke(person_id: str, role: Role) -> None:
    """Revoke a role; it stops counting on the person's next request."""
    with_directory(lambda s: s.change_role(OPERATOR, person_id, role, grant=False))
    typer.echo(f"{person_id} no longer holds {role.value}")


@app.command("deactivate")
def deactivate(person_id: str) -> None:
    """Deactivate a person: their tokens are refused and they can no longer act."""
    with_directory(lambda s: s.set_active(OPERATOR, person_id, active=False))
    typer.echo(f"{person_id} is no longer active")


@app.command("reactivate")
def reactivate(person_id: str) -> None:
    """Reactivate a person, in the roles they still hold."""
    with_directory(lambda s: s.set_active(OPERATOR, person_id, active=True))
    typer.echo(f"{person_id} is active again")


@app.command("history")
def history(person_id: str) -> None:
    """Everything the directory recorded about a person, oldest first."""

    async def work(service: DirectoryService) -> list[str]:
        async with service.sessions() as session:
            found = await queries.person_history(session, service.directory_id, person_id)
        return [f"{e.seq}\t{e.at.isoformat()}\t{e.summary}" for e in found.entries]

    for line in with_directory(work):
        typer.echo(line)
