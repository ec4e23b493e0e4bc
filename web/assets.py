"""Where the front-end files come from: the npm packages `make` installs from the lock
file, served by the app itself, never from a CDN."""

from __future__ import annotations

from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from web.security import CachedAssets

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
OWN = Path(__file__).resolve().parent / "static"

MOUNTS = {
    # The GOV.UK stylesheet looks for fonts and images under /assets.
    "/assets": NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets",
    "/static/govuk": NODE_MODULES / "govuk-frontend" / "dist" / "govuk",
    "/static/moj": NODE_MODULES / "@ministryofjustice" / "frontend" / "moj",
    "/static/throughline": OWN,
    # The API's interactive docs (/docs), served from here rather than a CDN.
    "/static/swagger": NODE_MODULES / "swagger-ui-dist",
}


def installed() -> bool:
    """Whether `make` has installed the npm packages; pages still work without them, unstyled."""
    return (NODE_MODULES / "govuk-frontend" / "dist").is_dir()


def static_apps() -> dict[str, ASGIApp]:
    return {
        path: CachedAssets(StaticFiles(directory=folder, check_dir=False))
        for path, folder in MOUNTS.items()
    }
