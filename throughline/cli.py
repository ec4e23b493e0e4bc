"""The `throughline` command: run the stack, manage people, issue tokens, seed a demo."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import ThroughlineError
from models.roles import Role
from throughline import db, logs
from throughline.binaries import BinaryNotFound
from throughline.files import private_by_default
from throughline.rebuild import changes_in_temporal, rebuild_change
from throughline.settings import ConfigurationError, Settings
from throughline.stack import EmbeddedStack, StackError
from throughline.store import directory
from throughline.temporal import connect
from throughline.tokens import issue_token

T = TypeVar("T")

app = typer.Typer(
    help="Throughline: carry a public-service change from policy intent to measured outcome.",
    no_args_is_help=True,
    add_completion=False,
)
people_app = typer.Typer(help="People and their roles in the directory.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for the API.", no_args_is_help=True)
app.add_typer(people_app, name="people")
app.add_typer(token_app, name="token")

DEMO_TEAM: list[tuple[str, str, Role, str]] = [
    ("delivery-team", "Delivery team", Role.DIGITAL, "DELIVERY_TOKEN"),
    ("digital-lead", "Digital lead", Role.DIGITAL, "DIGITAL_TOKEN"),
    ("policy-lead", "Policy lead", Role.POLICY, "POLICY_TOKEN"),
    ("ops-lead", "Operations lead", Role.OPERATIONS, "OPS_TOKEN"),
    ("service-owner", "Service owner", Role.SERVICE_OWNER, "OWNER_TOKEN"),
    ("auditor", "Auditor", Role.AUDITOR, "AUDITOR_TOKEN"),
    ("admin", "Administrator", Role.ADMIN, "ADMIN_TOKEN"),
]


@app.callback()
def _private_files() -> None:
    private_by_default()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"throughline: {message}", err=True)
    return typer.Exit(1)


def _with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one unit of work in a committed transaction against the configured database."""
    settings = Settings()

    async def run() -> T:
        await db.migrate(settings.database)
        engine = db.make_engine(settings.database)
        try:
            async with db.session_factory(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except ThroughlineError as error:
        raise _fail(error.message) from None


@app.command()
def up() -> None:
    """Start the Temporal dev server, a worker and the API together; Ctrl-C stops them all."""
    try:
        code = EmbeddedStack(Settings()).run()
    except (StackError, ConfigurationError, BinaryNotFound) as error:
        raise _fail(str(error)) from None
    raise typer.Exit(code)


@app.command()
def worker() -> None:
    """Run one worker process (the embedded stack starts one for you)."""
    from workers.main import main

    main()


@app.command()
def api() -> None:
    """Run the HTTP API (the embedded stack starts it for you)."""
    import uvicorn

    from api.app import create_app

    settings = Settings()
    logs.configure(settings.log_level)
    uvicorn.run(
        create_app(settings), host=settings.api_host, port=settings.api_port, log_config=None
    )


@app.command()
def rebuild(
    change: Annotated[str | None, typer.Option(help="One change id; default: all.")] = None,
) -> None:
    """Rebuild the read model and audit log from Temporal's retained histories."""
    settings = Settings()

    async def run() -> list[tuple[str, int]]:
        await db.migrate(settings.database)
        engine = db.make_engine(settings.database)
        client = await connect(settings)
        try:
            ids = [change] if change else await changes_in_temporal(client)
            sessions = db.session_factory(engine)
            return [(i, await rebuild_change(client, sessions, i)) for i in ids]
        finally:
            await engine.dispose()

    for change_id, batches in asyncio.run(run()):
        typer.echo(f"{change_id}: replayed {batches} projection batches")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    db.migrate_sync(Settings().database)
    typer.echo("the database schema is up to date")


@people_app.command("add")
def people_add(
    name: str,
    role: Annotated[list[Role], typer.Option("--role", help="Repeat for several roles.")],
    person_id: Annotated[
        str | None, typer.Option("--id", help="Defaults to a slug of NAME.")
    ] = None,
) -> None:
    """Add a person with their roles."""

    async def add(session: AsyncSession) -> str:
        person = await directory.add_person(session, name=name, person_id=person_id, roles=role)
        return person.id

    added = _with_session(add)
    typer.echo(f"added {added} ({', '.join(r.value for r in role)})")


@people_app.command("list")
def people_list() -> None:
    """List everyone in the directory with the roles they hold."""

    async def listing(session: AsyncSession) -> list[str]:
        lines = []
        for person in await directory.list_people(session):
            roles = ", ".join(r.value for r in await directory.active_roles(session, person.id))
            lines.append(f"{person.id}\t{person.name}\t{roles or '(no roles)'}")
        return lines

    for line in _with_session(listing):
        typer.echo(line)


@people_app.command("grant")
def people_grant(person_id: str, role: Role) -> None:
    """Grant a role to a person."""
    _with_session(lambda s: directory.grant_role(s, person_id, role, by=None))
    typer.echo(f"{person_id} now holds {role.value}")


@people_app.command("revoke")
def people_revoke(person_id: str, role: Role) -> None:
    """Revoke a role; it stops counting on the person's next request."""
    _with_session(lambda s: directory.revoke_role(s, person_id, role, by=None))
    typer.echo(f"{person_id} no longer holds {role.value}")


@token_app.command("create")
def token_create(
    person: Annotated[str, typer.Option("--person", help="The person's id.")],
    hours: Annotated[
        float | None,
        typer.Option(min=0.01, max=24 * 366, help="Lifetime; defaults to the setting."),
    ] = None,
) -> None:
    """Print a signed bearer token for a person in the directory."""
    settings = Settings()
    _with_session(lambda s: directory.get_person(s, person))
    ttl = timedelta(hours=hours or settings.token_ttl_hours)
    typer.echo(issue_token(person, _secret(settings), ttl))


def _secret(settings: Settings) -> str:
    try:
        return settings.signing_secret()
    except ConfigurationError as error:
        raise _fail(str(error)) from None


@app.command()
def demo() -> None:
    """Seed a demo team and print a token for each person, as shell exports."""
    settings = Settings()

    async def seed(session: AsyncSession) -> None:
        for person_id, name, role, _ in DEMO_TEAM:
            try:
                await directory.add_person(session, name=name, person_id=person_id, roles=[role])
            except ThroughlineError:
                await directory.grant_role(session, person_id, role, by=None)

    _with_session(seed)
    ttl = timedelta(hours=settings.token_ttl_hours)
    typer.echo(f"# Throughline demo team; tokens last {settings.token_ttl_hours:g} hours.")
    typer.echo('# Load them with: eval "$(throughline demo)"')
    for person_id, _, role, variable in DEMO_TEAM:
        token = issue_token(person_id, _secret(settings), ttl)
        typer.echo(f"export {variable}={token}  # {person_id}: {role.value}")


if __name__ == "__main__":
    app()
