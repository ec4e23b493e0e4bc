"""One router per page group; each handler calls one service and renders a template."""

from fastapi import APIRouter

from web.pages import (
    assess,
    assessments,
    audit,
    change,
    changes,
    delegations,
    owner,
    people,
    portfolio,
    practice,
    propose,
    sign_off,
    team,
    work,
)

ROUTERS: list[APIRouter] = [
    work.router,
    changes.router,
    sign_off.router,
    owner.router,
    delegations.router,
    audit.router,
    people.router,
    propose.router,
    team.router,
    portfolio.router,
    assessments.router,
    practice.router,
    assess.router,
]
"""Page groups. One change's page comes last (see `LAST`), so that fixed addresses such as
/changes/new are matched before /changes/{change_id}."""

LAST: list[APIRouter] = [change.router]
