"""One settings object, read from THROUGHLINE_* environment variables.

Defaults run the embedded stack with no configuration. In production the unsafe
defaults (a generated token secret, a SQLite file) are refused at start.
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL

from models.archive import DEFAULT_RETENTION_DAYS
from models.delivery import Retries
from throughline.audit_keys import AUDIT_KEY_FILE
from throughline.files import private_dir
from throughline.tokens import TOKEN_MAX_HOURS, KeyFile

TOKEN_SECRET_FILE = "token-secret"
TOKEN_KEYS_FILE = "token-keys.json"


class ConfigurationError(Exception):
    """Settings that cannot run; the message says which variable to set."""


_DATABASE_PARTS = frozenset(
    {"database_host", "database_port", "database_name", "database_user", "database_password"}
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THROUGHLINE_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path(".throughline")
    temporal_address: str = "127.0.0.1:7233"
    namespace: str = "default"
    task_queue: str = "throughline"
    database_url: str | None = Field(
        default=None,
        description="Defaults to a SQLite file in the data directory, or to the URL the "
        "database_* parts make; a password in it must be percent-encoded.",
    )
    database_host: str | None = Field(
        default=None, description="PostgreSQL by parts, which need no encoding."
    )
    database_port: int = 5432
    database_name: str = "throughline"
    database_user: str = "throughline"
    database_password: SecretStr | None = None
    worker_health_file: Path | None = Field(
        default=None,
        description="A running worker touches this file while Temporal answers it; "
        "`throughline health worker` reads it.",
    )
    token_secret: SecretStr | None = None
    token_ttl_hours: float = Field(
        default=12, gt=0, le=TOKEN_MAX_HOURS, description="At most 720 hours (30 days)."
    )
    token_keys_file: Path | None = Field(
        default=None,
        description="Rotated signing keys; defaults to token-keys.json in the data directory.",
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    ui_port: int = 8233
    update_timeout_seconds: float = Field(default=30, gt=0)
    log_level: str = "INFO"
    stack_status_file: Path | None = Field(
        default=None, description="Set by `throughline up`: where it says how each part is."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser, comma-separated; none "
        "by default.",
    )

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where people reach Throughline; notifications link to changes here.",
    )
    smtp_host: str | None = Field(default=None, description="Send email through this relay.")
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_sender: str = "Throughline <throughline@localhost>"
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_ca_file: str | None = None
    notify_api_key: SecretStr | None = Field(
        default=None, description="A GOV.UK Notify API key; turns the notify channel on."
    )
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_template_id: str | None = Field(
        default=None,
        description="A Notify email template whose subject is ((subject)) and body ((body)).",
    )
    webhook_full_payloads: bool = Field(
        default=False,
        description="Webhook payloads carry ids and kinds only unless this is true.",
    )
    digest_hour: int = Field(
        default=8, ge=0, le=23, description="The hour (UTC) daily digests are sent."
    )
    notification_poll_seconds: float = Field(default=30, gt=0)
    delivery_attempts: int = Field(
        default=8, ge=1, description="Tries per notification before it counts as failed."
    )
    delivery_first_retry_seconds: float = Field(
        default=5,
        gt=0,
        description="The wait before the first retry; each next is 3 times longer, up to an hour.",
    )

    def retries(self) -> Retries:
        return Retries(
            max_attempts=self.delivery_attempts,
            first_wait_seconds=self.delivery_first_retry_seconds,
        )

    oidc_issuer: str | None = Field(
        default=None,
        description="The OpenID Connect provider people sign in with; single sign-on is off "
        "when unset.",
    )
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_person_claim: str = Field(
        default="email",
        description="The ID token claim that names a person: `email` is matched to the "
        "address in their notification choices, any other claim to their directory id.",
    )
    oidc_audience: str | None = Field(
        default=None,
        description="The audience the API requires of the provider's JWTs; defaults to the "
        "client id.",
    )
    assets_dir: Path | None = Field(
        default=None,
        description="The node_modules folder the pages' files come from; defaults to the "
        "one `make` fills beside the code.",
    )
    session_idle_minutes: float = Field(
        default=30, gt=0, description="A page session ends after this long with no request."
    )
    session_max_hours: float = Field(
        default=8, gt=0, description="A page session ends this long after sign-in, whatever."
    )

    otlp_endpoint: str | None = Field(
        default=None,
        description="Send traces over OTLP/HTTP to this collector, such as "
        "http://127.0.0.1:4318; tracing is off when unset.",
    )
    worker_cached_workflows: int = Field(
        default=1000,
        ge=0,
        le=1_000_000,
        description="How many changes' workflows a worker keeps in memory; a command on "
        "one it has let go replays that change's history first (see Performance).",
    )
    worker_metrics_port: int | None = Field(
        default=None, description="Serve the worker's Temporal SDK metrics for Prometheus."
    )
    measure_poll_min_seconds: int = Field(
        default=15,
        ge=1,
        description="The shortest interval a Prometheus source of a measure may be polled at.",
    )
    audit_key_file: Path | None = Field(
        default=None,
        description="A PEM file holding the Ed25519 key audit bundles are signed with; by "
        "default one is generated into the data directory on first use.",
    )
    measure_source_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="The hosts a measure's Prometheus source may name, comma-separated; "
        "empty allows any. Set it in production, so the worker fetches only from them.",
    )
    archive_retention_days: int = Field(
        default=DEFAULT_RETENTION_DAYS,
        ge=1,
        description="How long archived Temporal histories are kept, in days (seven years by "
        "default); only `throughline archive purge` deletes them, once they are older.",
    )

    @field_validator("cors_origins", "measure_source_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator(
        "oidc_issuer", "oidc_client_id", "oidc_client_secret", "oidc_audience", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """A variable set to nothing, as compose files pass through, means not set."""
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _one_way_to_the_database(self) -> Settings:
        """The URL or the parts, never both, and no parts without their host: either
        would otherwise be dropped without a word."""
        parts = self.model_fields_set & _DATABASE_PARTS
        if self.database_url and parts:
            raise ValueError(
                "give THROUGHLINE_DATABASE_URL or the THROUGHLINE_DATABASE_* parts, not both"
            )
        if parts and not self.database_host:
            raise ValueError("THROUGHLINE_DATABASE_HOST is missing, though other parts are set")
        return self

    @cached_property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        if self.database_host:
            return self._database_from_parts()
        return f"sqlite:///{self.data_dir.resolve() / 'throughline.db'}"

    def _database_from_parts(self) -> str:
        """URL.create quotes what a URL may not hold raw, so `p@ss` and `x%41y` reach the
        driver as they are; rendering keeps the password, which make_url unquotes."""
        password = self.database_password
        url = URL.create(
            "postgresql",
            username=self.database_user,
            password=password.get_secret_value() if password else None,
            host=self.database_host,
            port=self.database_port,
            database=self.database_name,
        )
        return url.render_as_string(hide_password=False)

    @property
    def temporal_port(self) -> int:
        return int(self.temporal_address.rsplit(":", 1)[1])

    def check_production(self) -> None:
        self.check_single_sign_on()
        if self.environment != "production":
            return
        if self.token_secret is None or len(self.token_secret.get_secret_value()) < 32:
            raise ConfigurationError(
                "THROUGHLINE_TOKEN_SECRET must be set to at least 32 characters in production"
            )
        if self.database.startswith("sqlite"):
            raise ConfigurationError(
                "THROUGHLINE_DATABASE_HOST (or THROUGHLINE_DATABASE_URL) must point at "
                "PostgreSQL in production"
            )

    @property
    def single_sign_on(self) -> bool:
        """Whether people sign in through an OpenID Connect provider."""
        return self.oidc_issuer is not None

    def check_single_sign_on(self) -> None:
        if self.oidc_issuer is not None and not self.oidc_client_id:
            raise ConfigurationError(
                "THROUGHLINE_OIDC_CLIENT_ID must be set with THROUGHLINE_OIDC_ISSUER"
            )

    def signing_secret(self) -> str:
        """The token secret: from the environment, or generated into the data directory once."""
        if self.token_secret is not None:
            return self.token_secret.get_secret_value()
        self.check_production()
        path = self.data_dir / TOKEN_SECRET_FILE
        if not path.exists():
            private_dir(self.data_dir)
            _write_private(path, secrets.token_urlsafe(48))
        return path.read_text(encoding="utf-8").strip()

    def audit_key_path(self) -> Path:
        """Where the Ed25519 key audit bundles are signed with lives."""
        return self.audit_key_file or self.data_dir / AUDIT_KEY_FILE

    def key_file(self) -> KeyFile:
        """Where rotated signing keys live, beside the primary secret."""
        path = self.token_keys_file or self.data_dir / TOKEN_KEYS_FILE
        return KeyFile(path, self.signing_secret())


def _write_private(path: Path, text: str) -> None:
    # O_EXCL: when two processes race to create the secret, exactly one wins.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
