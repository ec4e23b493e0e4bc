"""One router per page group; each handler calls one service and renders a template."""

from fastapi import APIRouter

from web.pages import changes, work

ROUTERS: list[APIRouter] = [work.router, changes.router]
