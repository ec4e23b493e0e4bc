"""Playbooks: everyone reads the catalogue (built-in and published versions); admins
validate a playbook, preview what a new version would change, and publish it as an
audited directory event. Playbook bodies are JSON, or YAML with
Content-Type: application/yaml."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from api.deps import ADMINS, ANY_ROLE, Admin, IdempotencyKey, PlaybookAdminDep, PlaybooksDep
from api.errors import error_responses
from api.playbook_examples import playbook_body
from models.errors import UnreadablePlaybook
from models.playbook import Playbook
from models.playbook_catalogue import (
    CataloguedPlaybook,
    PlaybookCheck,
    PlaybookVersions,
    PublishedPlaybookOut,
)
from models.playbook_diff import PlaybookDiff
from models.playbook_source import PlaybookText, format_of

router = APIRouter(prefix="/playbooks", tags=["playbooks"])
admin_router = APIRouter(prefix="/admin/playbooks", tags=["playbooks"])

PlaybookName = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
Version = Annotated[int, Path(ge=1, le=1_000_000)]
BODY_ERRORS = (400, 401, 403, 413, 415, 422)


async def _playbook_text(request: Request) -> PlaybookText:
    """The body as text, and whether it is YAML or JSON by its Content-Type."""
    body = await request.body()
    if not body.strip():
        raise UnreadablePlaybook("send the playbook as the body, in JSON or YAML")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadablePlaybook(f"the body is not valid UTF-8 (at byte {error.start})") from None
    return PlaybookText(text=text, form=format_of(request.headers.get("content-type")))


PlaybookSource = Annotated[PlaybookText, Depends(_playbook_text)]


@router.get(
    "",
    summary="List playbooks",
    response_model=list[Playbook],
    responses=error_responses(401, 403),
    dependencies=[ANY_ROLE],
)
async def list_playbooks(*, playbooks: PlaybooksDep) -> list[Playbook]:
    """Every playbook version, built in or published, with its stages, gates and quorums."""
    return await playbooks.everything()


@router.get(
    "/{name}",
    summary="Get a playbook's versions",
    response_model=PlaybookVersions,
    responses=error_responses(401, 403, 404, 422),
    dependencies=[ANY_ROLE],
)
async def playbook_versions(*, name: PlaybookName, playbooks: PlaybooksDep) -> PlaybookVersions:
    """Every version of one playbook, oldest first, with who published each and its
    fingerprint; new changes start on the latest unless they ask for another."""
    return await playbooks.versions(name)


@router.get(
    "/{name}/versions/{version}",
    summary="Get one version of a playbook",
    response_model=CataloguedPlaybook,
    responses=error_responses(401, 403, 404, 422),
    dependencies=[ANY_ROLE],
)
async def playbook_version(
    *, name: PlaybookName, version: Version, playbooks: PlaybooksDep
) -> CataloguedPlaybook:
    """One version as changes pinned to it run it."""
    return await playbooks.version(name, version)


@admin_router.post(
    "/validate",
    summary="Validate a playbook",
    response_model=PlaybookCheck,
    responses=error_responses(*BODY_ERRORS),
    dependencies=[ADMINS],
    openapi_extra=playbook_body("validate"),
)
async def validate_playbook(*, source: PlaybookSource, playbooks: PlaybooksDep) -> PlaybookCheck:
    """Whether the playbook is valid and, if not, every problem with where it is; a
    YAML or JSON syntax error is a 400 naming its line. Nothing is published."""
    return await playbooks.check(source)


@admin_router.post(
    "",
    status_code=201,
    summary="Publish a playbook version",
    response_model=PublishedPlaybookOut,
    responses={
        200: {
            "model": PublishedPlaybookOut,
            "description": "That version was already published with the same content; "
            "nothing changed.",
        },
        **error_responses(*BODY_ERRORS, 409, 503),
    },
    openapi_extra=playbook_body("publish"),
)
async def publish_playbook(
    *,
    caller: Admin,
    source: PlaybookSource,
    admin: PlaybookAdminDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> PublishedPlaybookOut:
    """Publish a new version, recorded as a directory event with its fingerprint. Versions
    never change: the same version with other content, or one not newer than the
    latest, is a 409 naming the version. Running changes stay on their version."""
    published = await admin.publish(caller.id, source, idempotency_key)
    response.status_code = 201 if published.changed else 200
    return published


@admin_router.post(
    "/diff",
    summary="Preview what a new version would change",
    response_model=PlaybookDiff,
    responses=error_responses(*BODY_ERRORS),
    dependencies=[ADMINS],
    openapi_extra=playbook_body("compare with the latest version of its name"),
)
async def diff_playbook(*, source: PlaybookSource, playbooks: PlaybooksDep) -> PlaybookDiff:
    """What changes from the latest version of the playbook's name, in plain words, and
    for every open change on that name what would differ had it started on this one.
    Running changes never move."""
    return await playbooks.preview(source)
