"""The pages as an app of their own, mounted under /web beside the API: their own
sessions, security headers and error pages, over the API's services and clients."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.responses import RedirectResponse

from api.deps import READ_YOUR_WRITES, Resources
from throughline.settings import Settings
from web import assets, signin
from web.errors import install_page_errors
from web.pages import LAST, ROUTERS
from web.render import PREFIX
from web.security import PageSecurity
from web.sessions import PageSessions


def create_pages(settings: Settings) -> FastAPI:
    pages = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    install_page_errors(pages)
    pages.include_router(signin.router)
    for router in [*ROUTERS, *LAST]:
        pages.include_router(router, dependencies=[READ_YOUR_WRITES])
    pages.add_middleware(PageSessions, settings=settings)
    pages.add_middleware(PageSecurity, provider_origin=_origin(settings.oidc_issuer))
    return pages


def mount_pages(app: FastAPI, settings: Settings) -> FastAPI:
    """Mounts the pages and their files; the root address leads to the pages."""
    pages = create_pages(settings)
    app.mount(PREFIX, pages)
    for path, files in assets.static_apps(settings.assets_dir).items():
        app.mount(path, files)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/work", status_code=303)

    return pages


def start_pages(pages: FastAPI, resources: Resources) -> None:
    """Hands the pages the clients the lifespan made."""
    pages.state.resources = resources
    pages.state.provider_client = signin.provider_client(resources.settings)


def _origin(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
