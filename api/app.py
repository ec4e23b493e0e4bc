"""The FastAPI application: create_app builds it, the lifespan owns long-lived clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Scope
from temporalio.client import Client

from api.deps import READ_YOUR_WRITES, Resources
from api.errors import install_error_handlers
from api.middleware import (
    AuthenticationGate,
    BodySizeLimit,
    JsonBody,
    RequestMetrics,
    SecurityHeaders,
    is_public,
)
from api.openapi import install_openapi, operation_id
from api.routes import (
    analytics,
    archive,
    audit_exports,
    bundles,
    change_commands,
    changes,
    delegations,
    directory,
    me,
    measures,
    notifications,
    people,
    playbooks,
    portfolio,
    practice,
    system,
    tokens,
)
from throughline import db
from throughline.heap import freeze_start_up_objects
from throughline.services.auth import Caller, authenticate
from throughline.services.registry import build_services
from throughline.settings import Settings
from throughline.temporal import connect_patiently
from throughline.tracing import tracer_provider
from web.app import mount_pages, start_pages

DESCRIPTION = """
Throughline carries a public-service change from policy intent, through design and
delivery, to a measured outcome. Every stage ends at a gate that the policy, digital
and operations roles sign off. Send `Authorization: Bearer <token>` with every call.
Operations that list the `Idempotency-Key` parameter take effect once for each key:
send one with any of those you might retry.
"""


ROUTERS = [
    *(m.router for m in (changes, change_commands, delegations, directory, me, people)),
    *(m.router for m in (system, tokens, analytics, practice)),
    notifications.router,
    notifications.admin_router,
    measures.router,
    measures.sources_router,
    playbooks.router,
    playbooks.admin_router,
    portfolio.router,
    bundles.router,
    archive.router,
    audit_exports.router,
]


UNWAITING_ROUTERS = [change_commands.router, practice.router, system.router]
"""Commands go to the workflow, not to SQL, so they never wait for it to catch up (a
command router's reads wait one by one); nor do health, metrics and the audit key,
which must answer in an outage. Every other request reads only once SQL holds what
this process answered."""


def create_app(settings: Settings | None = None, *, temporal: Client | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.check_production()
        await db.migrate_when_reachable(settings.database)
        engine = db.make_engine(settings.database)
        sessions = db.session_factory(engine)
        client = temporal or await connect_patiently(settings)
        app.state.resources = resources = Resources(
            settings=settings,
            engine=engine,
            sessions=sessions,
            temporal=client,
            services=build_services(client, settings, engine),
            keys=settings.key_file(),
        )
        start_pages(pages, resources)
        freeze_start_up_objects()
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="Throughline",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    _routes(app)
    pages = mount_pages(app, settings)
    _docs(app, settings.public_url)
    _add_middleware(app, settings)
    _trace(app, settings.otlp_endpoint)
    return app


def _routes(app: FastAPI) -> None:
    for router in ROUTERS:
        waits = [] if router in UNWAITING_ROUTERS else [READ_YOUR_WRITES]
        app.include_router(router, dependencies=waits, generate_unique_id_function=operation_id)


def _docs(app: FastAPI, public_url: str) -> None:
    """The OpenAPI document, and the interactive docs, with Swagger UI's files served by
    the app, never a CDN."""
    install_openapi(app, public_url)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Throughline API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/assets/images/favicon.ico",
            oauth2_redirect_url="/docs/oauth2-redirect",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


def _trace(app: FastAPI, otlp_endpoint: str | None) -> None:
    """Each request a trace, when a collector is configured."""
    if otlp_endpoint is not None:
        provider = tracer_provider(otlp_endpoint, "throughline")
        FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """Added innermost first: a request meets security headers, CORS, authentication,
    the size limit and the JSON check, in that order; every request is counted."""

    async def caller_of(scope: Scope, authorization: str | None) -> Caller | None:
        resources: Resources = app.state.resources
        source_id = measures.source_opened_by_key(scope["path"])
        if source_id is not None:  # a push source's own key, not a person's token
            await resources.services.live_data.check_key(source_id, authorization)
            return None
        sso = resources.services.sign_in.sso
        return await authenticate(resources.sessions, resources.keys.ring(), authorization, sso)

    app.add_middleware(
        JsonBody, paths=lambda path: not is_public(path) and not measures.takes_uploads(path)
    )
    app.add_middleware(BodySizeLimit)
    app.add_middleware(AuthenticationGate, authenticate=caller_of)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestMetrics)
