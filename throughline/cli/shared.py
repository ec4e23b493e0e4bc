"""What every command needs: settings, a database session, the directory service, and
refusals printed as one plain line instead of a traceback."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import ThroughlineError
from throughline import db
from throughline.services.directory import DirectoryService, directory_workflow_id
from throughline.services.people import PeopleAdmin, PeopleService
from throughline.services.registry import Services, build_services
from throughline.settings import ConfigurationError, Settings
from throughline.temporal import connect

T = TypeVar("T")


def fail(message: str) -> typer.Exit:
    typer.echo(f"throughline: {message}", err=True)
    return typer.Exit(1)


def settings_or_fail() -> Settings:
    """The settings, or one line per problem naming the variable, and exit 1."""
    try:
        return Settings()
    except ValidationError as error:
        problems = [_named(problem) for problem in error.errors()]
        raise fail("; ".join(problems)) from None


def _named(problem: Any) -> str:
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    where = "_".join(str(part) for part in problem.get("loc", ()))
    return f"THROUGHLINE_{where.upper()}: {message}" if where else message


def run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run async work, turning refusals and configuration problems into one line."""
    try:
        return asyncio.run(work())
    except (ThroughlineError, ConfigurationError) as error:
        raise fail(getattr(error, "message", str(error))) from None


def with_engine(work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run work against the configured database, its schema brought up to date first."""
    settings = Settings()

    async def go() -> T:
        await db.migrate(settings.database)
        engine = db.make_engine(settings.database)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return run(go)


def with_sessions(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    return with_engine(lambda engine: work(db.session_factory(engine)))


def with_services(work: Callable[[Services], Awaitable[T]]) -> T:
    """Run work against the services, which need Temporal: the running stack. Returns
    once the read model holds every command it answered, as the next read may be
    another process's."""
    settings = Settings()

    async def go(engine: AsyncEngine) -> T:
        try:
            client = await connect(settings)
        except RuntimeError:
            raise fail(
                f"cannot reach Temporal at {settings.temporal_address}; the directory is kept "
                "there, so start the stack first (throughline up)"
            ) from None
        services = build_services(client, settings, engine)
        done = await work(services)
        # The next command may run in another process: leave once SQL holds our answers.
        await services.answered.caught_up()
        return done

    return with_engine(go)


def with_directory(work: Callable[[DirectoryService], Awaitable[T]]) -> T:
    """Run work against the directory workflow, through the running stack."""
    return with_services(lambda services: work(services.directory))


def with_people_admin(work: Callable[[PeopleAdmin], Awaitable[T]]) -> T:
    """Change people through the directory workflow, on the running stack."""
    return with_services(lambda services: work(services.people_admin))


def with_people(work: Callable[[PeopleService], Awaitable[T]]) -> T:
    """Read the directory's projection; the database alone is enough."""
    settings = Settings()
    directory_id = directory_workflow_id(settings.task_queue)
    return with_sessions(lambda sessions: work(PeopleService(sessions, directory_id)))
