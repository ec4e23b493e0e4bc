"""Running Throughline: the embedded stack, single parts for production, migrations,
rebuilds, and a demo team."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.directory.commands import NewPerson
from models.directory.state import OPERATOR
from models.roles import Role
from throughline import db, logs
from throughline.binaries import BinaryNotFound
from throughline.cli.shared import fail, settings_or_fail, with_services, with_sessions
from throughline.services import rebuild as rebuilding
from throughline.services.registry import Services
from throughline.settings import ConfigurationError, Settings
from throughline.stack import EmbeddedStack, StackError
from throughline.temporal import connect, connect_patiently
from throughline.tokens import issue_token

DEMO_TEAM: list[tuple[str, str, Role, str]] = [
    ("digital-team", "Digital team member", Role.DIGITAL, "DIGITAL_TEAM_TOKEN"),
    ("digital-lead", "Digital lead", Role.DIGITAL, "DIGITAL_LEAD_TOKEN"),
    ("policy-lead", "Policy lead", Role.POLICY, "POLICY_LEAD_TOKEN"),
    ("policy-adviser", "Policy adviser", Role.POLICY, "POLICY_ADVISER_TOKEN"),
    ("policy-analyst", "Policy analyst", Role.POLICY, "POLICY_ANALYST_TOKEN"),
    ("operations-lead", "Operations lead", Role.OPERATIONS, "OPERATIONS_LEAD_TOKEN"),
    ("service-owner", "Service owner", Role.SERVICE_OWNER, "SERVICE_OWNER_TOKEN"),
    ("auditor", "Auditor", Role.AUDITOR, "AUDITOR_TOKEN"),
    ("admin", "Administrator", Role.ADMIN, "ADMIN_TOKEN"),
    ("lead-assessor", "Lead assessor", Role.ASSESSOR, "LEAD_ASSESSOR_TOKEN"),
    ("research-assessor", "User research assessor", Role.ASSESSOR, "RESEARCH_ASSESSOR_TOKEN"),
    ("design-assessor", "Design assessor", Role.ASSESSOR, "DESIGN_ASSESSOR_TOKEN"),
    ("technology-assessor", "Technology assessor", Role.ASSESSOR, "TECHNOLOGY_ASSESSOR_TOKEN"),
]


def register(app: typer.Typer) -> None:
    for command in (up, worker, api, rebuild, migrate, demo):
        app.command()(command)


def up() -> None:
    """Start the Temporal dev server, a worker and the API together; Ctrl-C stops them all."""
    try:
        code = EmbeddedStack(Settings()).run()
    except (StackError, ConfigurationError, BinaryNotFound) as error:
        raise fail(str(error)) from None
    raise typer.Exit(code)


def worker() -> None:
    """Run one worker process (the embedded stack starts one for you)."""
    from workers.main import main

    settings_or_fail()
    try:
        main()
    except ConfigurationError as error:
        raise fail(str(error)) from None


def api() -> None:
    """Run the HTTP API (the embedded stack starts it for you)."""
    import uvicorn

    from api.app import create_app

    settings = settings_or_fail()
    logs.configure(settings.log_level)
    # Wait for the database and Temporal before the server takes over the signals, so a
    # stop asked for while waiting stops the process at once.
    asyncio.run(_dependencies_ready(settings))
    uvicorn.run(
        create_app(settings), host=settings.api_host, port=settings.api_port, log_config=None
    )


async def _dependencies_ready(settings: Settings) -> None:
    await db.migrate_when_reachable(settings.database)
    await connect_patiently(settings)


def rebuild(
    change: Annotated[
        list[str] | None, typer.Option(help="A change id; repeat for several. Default: all.")
    ] = None,
) -> None:
    """Rebuild the directory, the read model and the audit logs from Temporal's histories.
    Only what is missing is added; rows that are there are never overwritten."""
    settings = Settings()

    async def work(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
        return await rebuilding.rebuild(await connect(settings), sessions, settings, change)

    for line in with_sessions(work):
        typer.echo(line)


def migrate() -> None:
    """Create or upgrade the database schema."""
    db.migrate_sync(settings_or_fail().database)
    typer.echo("the database schema is up to date")


def demo() -> None:
    """Seed a demo team and print a token for each person, as shell exports."""
    settings = Settings()
    with_services(_seed_demo_team)
    ring = settings.key_file().ring()
    ttl = timedelta(hours=settings.token_ttl_hours)
    typer.echo(f"# Throughline demo team; tokens last {settings.token_ttl_hours:g} hours.")
    typer.echo('# Load them with: eval "$(throughline demo)"')
    for person_id, _, role, variable in DEMO_TEAM:
        token = issue_token(person_id, ring, ttl).token
        typer.echo(f"export {variable}={token}  # {person_id}: {role.value}")


async def _seed_demo_team(services: Services) -> None:
    """Adds whoever of the demo team is missing, and gives back a role or an activity taken
    away, so the demo can be seeded again on the same stack."""
    existing = await services.people.active_roles()
    directory = services.directory
    missing = [
        NewPerson(name=name, id=pid, roles=[role])
        for pid, name, role, _ in DEMO_TEAM
        if pid not in existing
    ]
    if missing:
        await directory.add_people(OPERATOR, missing)
    for pid, _, role, _ in DEMO_TEAM:
        active, held = existing.get(pid, (True, [role]))
        if role not in held:
            await directory.change_role(OPERATOR, pid, role, grant=True)
        if not active:
            await directory.set_active(OPERATOR, pid, active=True)
