"""Signing in and out of the pages: OpenID Connect (authorization code with PKCE, through
authlib) against the configured provider, and, on the embedded stack only, one-time links
printed by `throughline login-link --person ID`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import APIRouter, Depends, Query, Request
from joserfc.errors import JoseError
from starlette.responses import RedirectResponse, Response

from api.deps import ResourcesDep
from models.errors import Unauthenticated, Unavailable
from throughline.services.sign_in import SignInService
from throughline.settings import Settings
from web import sessions
from web.deps import Form, SignOutForm
from web.errors import NOTICE
from web.render import PREFIX, render

router = APIRouter()
NEXT = "next_page"
HOME = f"{PREFIX}/work"


def _sign_in(resources: ResourcesDep) -> SignInService:
    return resources.services.sign_in


SignInDep = Annotated[SignInService, Depends(_sign_in)]


def provider_client(settings: Settings) -> StarletteOAuth2App | None:
    """The provider's client, registered once; discovery and keys are fetched when needed."""
    if settings.oidc_issuer is None:
        return None
    oauth = OAuth()
    secret = settings.oidc_client_secret
    client: StarletteOAuth2App = oauth.register(
        name="provider",
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    return client


def _local(target: str | None) -> str:
    """Only a page of ours may be the place to return to after signing in."""
    if target and target.startswith(f"{PREFIX}/") and not target.startswith("//"):
        return target
    return HOME


@router.get("/sign-in", summary="How to sign in")
async def sign_in_page(
    request: Request, resources: ResourcesDep, next: Annotated[str | None, Query()] = None
) -> Response:
    request.session[NEXT] = _local(next)
    settings = resources.settings
    context = {
        "title": "Sign in",
        "notice": request.session.pop(NOTICE, None),
        "single_sign_on": settings.single_sign_on,
        "links_allowed": settings.environment != "production",
    }
    return render(request, "sign_in.html", context)


def _client(request: Request) -> StarletteOAuth2App:
    client: StarletteOAuth2App | None = request.app.state.provider_client
    if client is None:
        raise Unauthenticated("single sign-on is not configured here")
    return client


def _callback(request: Request, settings: Settings) -> str:
    """Where the provider sends people back: the public address in production, where a
    proxy may stand in front; the address asked for on a development stack."""
    if settings.environment == "production":
        return f"{settings.public_url.rstrip('/')}{PREFIX}/sign-in/callback"
    return str(request.url_for("from_provider"))


@asynccontextmanager
async def _talking_to_provider() -> AsyncIterator[None]:
    """The provider's refusals and silences, as refusals people can read."""
    try:
        yield
    except httpx.HTTPError as silent:
        raise Unavailable(f"the sign-in provider could not be reached: {silent}") from None
    except OAuthError as refused:
        said = refused.description or refused.error or "no reason given"
        raise Unauthenticated(f"the sign-in provider refused: {said}") from None
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as wrong:
        raise Unauthenticated(f"the sign-in provider's answer was not valid: {wrong}") from None


@router.get("/sign-in/provider", summary="Go to the single sign-on provider")
async def to_provider(request: Request, resources: ResourcesDep) -> Response:
    async with _talking_to_provider():
        redirect = _callback(request, resources.settings)
        response: Response = await _client(request).authorize_redirect(request, redirect)
    return response


@router.get("/sign-in/callback", summary="Back from the provider", name="from_provider")
async def from_provider(request: Request, sign_in: SignInDep) -> Response:
    async with _talking_to_provider():
        token: dict[str, Any] = await _client(request).authorize_access_token(request)
    caller = await sign_in.from_provider(dict(token.get("userinfo") or {}))
    return _signed_in(request, caller.id)


@router.get("/sign-in/link", summary="Confirm a one-time sign-in link")
async def link_page(
    request: Request, sign_in: SignInDep, token: Annotated[str, Query(max_length=200)]
) -> Response:
    sign_in.refuse_in_production()
    return render(request, "sign_in_link.html", {"title": "Sign in", "token": token})


@router.post("/sign-in/link", summary="Sign in with a one-time link")
async def use_link(request: Request, sign_in: SignInDep, form: Form) -> Response:
    caller = await sign_in.redeem(str(form.get("token", "")))
    return _signed_in(request, caller.id)


@router.post("/sign-out", summary="Sign out")
async def sign_out(request: Request, sign_in: SignInDep, _form: SignOutForm) -> Response:
    ending = sessions.session_id(request)
    if ending is not None:
        await sign_in.end_session(ending)
    sessions.end(request)
    request.session[NOTICE] = "You have signed out."
    return RedirectResponse(f"{PREFIX}/sign-in", status_code=303)


def _signed_in(request: Request, person_id: str) -> Response:
    target = _local(request.session.pop(NEXT, None))
    sessions.start(request, person_id)
    return RedirectResponse(target, status_code=303)
