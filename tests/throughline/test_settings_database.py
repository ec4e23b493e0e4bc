"""Settings: the database by parts, whose password needs no encoding, and a URL whose
password must be percent-encoded."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_ADMIN_URL
from throughline import db
from throughline.settings import ConfigurationError, Settings

AWKWARD_PASSWORDS = ["p@ss", "x%41y", "a:b/c?d#e f"]


@pytest.mark.parametrize("password", AWKWARD_PASSWORDS)
def test_a_password_given_by_parts_survives_into_the_url(password: str) -> None:
    settings = Settings(database_host="postgresql", database_password=SecretStr(password))
    url = make_url(settings.database)
    assert (url.host, url.port, url.database, url.username) == (
        "postgresql",
        5432,
        "throughline",
        "throughline",
    )
    assert url.password == password


def test_a_raw_password_in_a_url_is_misread_and_an_encoded_one_is_not() -> None:
    # Why the README says to encode a URL's password, or to give the parts instead.
    raw = make_url("postgresql://throughline:p@ss@postgresql:5432/throughline")
    assert (raw.password, raw.host) == ("p", "ss@postgresql")
    assert make_url("postgresql://u:x%41y@h/d").password == "xAy"
    assert make_url("postgresql://u:x%2541y@h/d").password == "x%41y"


def test_a_url_and_parts_together_are_refused_not_one_dropped() -> None:
    with pytest.raises(ValidationError, match="not both"):
        Settings(database_url="postgresql://u:p@h/d", database_host="elsewhere")


def test_parts_without_their_host_are_refused_not_ignored() -> None:
    with pytest.raises(ValidationError, match="THROUGHLINE_DATABASE_HOST is missing"):
        Settings(database_password=SecretStr("secret"), database_name="throughline")


def test_production_accepts_the_parts_and_refuses_sqlite() -> None:
    secret = "s" * 32
    by_parts = Settings(
        environment="production", token_secret=SecretStr(secret), database_host="pg"
    )
    by_parts.check_production()
    with pytest.raises(ConfigurationError, match="THROUGHLINE_DATABASE_HOST"):
        Settings(environment="production", token_secret=SecretStr(secret)).check_production()


@pytest.fixture
def awkward_role() -> Iterator[tuple[str, str]]:
    """A PostgreSQL role of the test's own whose password has both @ and %."""
    role, password = f"throughline_{uuid.uuid4().hex[:10]}", "p@ss x%41y"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
    try:
        yield role, password
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP ROLE "{role}"')


async def test_the_parts_reach_postgresql_as_they_are(awkward_role: tuple[str, str]) -> None:
    # The local server trusts 127.0.0.1 and checks no password, so the proof is what the
    # driver was handed: libpq reports the password it connected with.
    role, password = awkward_role
    admin = make_url(POSTGRES_ADMIN_URL)
    settings = Settings(
        database_host=admin.host,
        database_port=admin.port or 5432,
        database_name=admin.database or "postgres",
        database_user=role,
        database_password=SecretStr(password),
    )
    engine = db.make_engine(settings.database)
    try:
        async with engine.connect() as connection:
            user = (await connection.execute(text("SELECT current_user"))).scalar_one()
            raw = await connection.get_raw_connection()
            assert raw.driver_connection is not None
            used = raw.driver_connection.info.password
    finally:
        await engine.dispose()
    assert (user, used) == (role, password)
