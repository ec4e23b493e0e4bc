"""Where the front-end files come from: the npm packages `make` installs from the lock
file, served by the app itself, never from a CDN."""

from __future__ import annotations

from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from web.security import CachedAssets

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
"""Where `make` installs the packages; an installed image says where with a setting."""
OWN = Path(__file__).resolve().parent / "static"


def mounts(node_modules: Path) -> dict[str, Path]:
    return {
        # The GOV.UK stylesheet looks for fonts and images under /assets.
        "/assets": node_modules / "govuk-frontend" / "dist" / "govuk" / "assets",
        "/static/govuk": node_modules / "govuk-frontend" / "dist" / "govuk",
        "/static/moj": node_modules / "@ministryofjustice" / "frontend" / "moj",
        "/static/throughline": OWN,
        # The API's interactive docs (/docs), served from here rather than a CDN.
        "/static/swagger": node_modules / "swagger-ui-dist",
    }


def static_apps(node_modules: Path | None = None) -> dict[str, ASGIApp]:
    """Each folder of files at its address; a missing folder answers 404, not a crash."""
    return {
        path: CachedAssets(StaticFiles(directory=folder, check_dir=False))
        for path, folder in mounts(node_modules or NODE_MODULES).items()
    }
