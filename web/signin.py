"""Signing in and out of the pages: OpenID Connect (authorization code with PKCE, through
authlib) against the configured provider, and, on the embedded stack only, one-time links
printed by `throughline login-link --person ID`."""

from __future__ import annotations

from typing import Annotated, Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from api.deps import ResourcesDep
from models.errors import Unauthenticated
from throughline.services.sign_in import SignInService
from throughline.settings import Settings
from web import sessions
from web.deps import Form
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


@router.get("/sign-in/provider", summary="Go to the single sign-on provider")
async def to_provider(request: Request) -> Response:
    client: StarletteOAuth2App | None = request.app.state.provider_client
    if client is None:
        raise Unauthenticated("single sign-on is not configured here")
    redirect = str(request.url_for("from_provider"))
    response: Response = await client.authorize_redirect(request, redirect)
    return response


@router.get("/sign-in/callback", summary="Back from the provider", name="from_provider")
async def from_provider(request: Request, sign_in: SignInDep) -> Response:
    client: StarletteOAuth2App | None = request.app.state.provider_client
    if client is None:
        raise Unauthenticated("single sign-on is not configured here")
    try:
        token: dict[str, Any] = await client.authorize_access_token(request)
    except OAuthError as refused:
        raise Unauthenticated(f"the sign-in provider said: {refused.description}") from None
    caller = await sign_in.from_provider(dict(token.get("userinfo") or {}))
    return _signed_in(request, caller.id)


@router.get("/sign-in/link", summary="Confirm a one-time sign-in link")
async def link_page(request: Request, token: Annotated[str, Query(max_length=200)]) -> Response:
    return render(request, "sign_in_link.html", {"title": "Sign in", "token": token})


@router.post("/sign-in/link", summary="Sign in with a one-time link")
async def use_link(request: Request, sign_in: SignInDep, form: Form) -> Response:
    caller = await sign_in.redeem(str(form.get("token", "")))
    return _signed_in(request, caller.id)


@router.post("/sign-out", summary="Sign out")
async def sign_out(request: Request, _form: Form) -> Response:
    sessions.end(request)
    request.session[NOTICE] = "You have signed out."
    return RedirectResponse(f"{PREFIX}/sign-in", status_code=303)


def _signed_in(request: Request, person_id: str) -> Response:
    target = _local(request.session.pop(NEXT, None))
    sessions.start(request, person_id)
    return RedirectResponse(target, status_code=303)
