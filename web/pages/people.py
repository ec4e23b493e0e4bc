"""For admins: everyone in the directory with their roles, a form to add a person, and
each person's page to grant and revoke roles, deactivate and reactivate them, and end
their sessions and tokens. The directory's rules refuse in their own words."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from api.deps import PeopleAdminDep, PeopleDep
from models.directory.commands import NewPerson
from models.roles import Role
from throughline.services.auth import Caller
from throughline.services.people import PeopleAdmin, PeopleService
from web.deps import Form, PageRole
from web.forms import FormPage, act, read
from web.render import PREFIX

router = APIRouter()

Admin = Annotated[Caller, PageRole(Role.ADMIN)]
PersonPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
RoleChange = Literal["grant", "revoke"]
StatusChange = Literal["deactivate", "reactivate"]
LABELS = {"name": "The name", "id": "The user id", "roles": "The roles"}
ROLE_DONE = {
    "grant": "{person} now holds the {role} role",
    "revoke": "{person} no longer holds the {role} role; it stops counting at once",
}
STATUS_DONE = {
    "deactivate": "{person} is deactivated: they cannot sign in or act, and their sessions "
    "and tokens are refused",
    "reactivate": "{person} is active again in the roles they hold",
}
TOKENS_DONE = "Every session and token {person} held before now has ended"


def _person_address(person_id: str) -> str:
    return f"{PREFIX}/people/{person_id}"


async def _everyone(people: PeopleService) -> dict[str, Any]:
    return {"people": await people.everyone(), "roles": list(Role)}


async def _one(people: PeopleService, person_id: str) -> dict[str, Any]:
    person = await people.one(person_id)
    held = [{"role": role, "held": role in person.roles} for role in Role]
    return {"person": person, "roles": held}


def _people_page(people: PeopleService) -> FormPage:
    return FormPage("people.html", "People", load=partial(_everyone, people), refusal_field="id")


def _person_page(people: PeopleService, person_id: str, refusal: str = "person") -> FormPage:
    load = partial(_one, people, person_id)
    return FormPage("person.html", person_id, load=load, refusal_field=refusal)


async def _add(admin: PeopleAdmin, actor: str, values: dict[str, Any]) -> object:
    return await admin.add(actor, read(NewPerson, values, LABELS))


async def _change_role(
    admin: PeopleAdmin, actor: str, person_id: str, role: Role, grant: bool, _: dict[str, Any]
) -> object:
    return await admin.change_role(actor, person_id, role, grant=grant)


async def _set_active(
    admin: PeopleAdmin, actor: str, person_id: str, active: bool, _: dict[str, Any]
) -> object:
    return await admin.set_active(actor, person_id, active=active)


async def _revoke_tokens(
    admin: PeopleAdmin, actor: str, person_id: str, _: dict[str, Any]
) -> object:
    return await admin.revoke_tokens(actor, person_id)


@router.get("/people", summary="People and their roles")
async def people_page(request: Request, _caller: Admin, people: PeopleDep) -> Response:
    return await _people_page(people).show(request)


@router.post("/people", summary="Add a person")
async def add_person(
    request: Request, caller: Admin, people: PeopleDep, admin: PeopleAdminDep, form: Form
) -> Response:
    attempt = partial(_add, admin, caller.id)
    done = ("The person was added", f"{PREFIX}/people")
    return await act(request, _people_page(people), form, attempt, done=done)


@router.get("/people/{person_id}", summary="A person")
async def person_page(
    request: Request, person_id: PersonPath, _caller: Admin, people: PeopleDep
) -> Response:
    return await _person_page(people, person_id).show(request)


@router.post("/people/{person_id}/roles/{role}/{change}", summary="Grant or revoke a role")
async def change_role(
    request: Request,
    person_id: PersonPath,
    role: Role,
    change: RoleChange,
    caller: Admin,
    people: PeopleDep,
    admin: PeopleAdminDep,
    form: Form,
) -> Response:
    page = _person_page(people, person_id, f"roles.{role}")
    attempt = partial(_change_role, admin, caller.id, person_id, role, change == "grant")
    message = ROLE_DONE[change].format(person=person_id, role=role.value.replace("_", " "))
    return await act(request, page, form, attempt, done=(message, _person_address(person_id)))


@router.post("/people/{person_id}/status/{change}", summary="Deactivate or reactivate")
async def set_active(
    request: Request,
    person_id: PersonPath,
    change: StatusChange,
    caller: Admin,
    people: PeopleDep,
    admin: PeopleAdminDep,
    form: Form,
) -> Response:
    page = _person_page(people, person_id, "status")
    attempt = partial(_set_active, admin, caller.id, person_id, change == "reactivate")
    message = STATUS_DONE[change].format(person=person_id)
    return await act(request, page, form, attempt, done=(message, _person_address(person_id)))


@router.post("/people/{person_id}/tokens/revoke", summary="End a person's sessions and tokens")
async def revoke_tokens(
    request: Request,
    person_id: PersonPath,
    caller: Admin,
    people: PeopleDep,
    admin: PeopleAdminDep,
    form: Form,
) -> Response:
    page = _person_page(people, person_id, "tokens")
    attempt = partial(_revoke_tokens, admin, caller.id, person_id)
    message = TOKENS_DONE.format(person=person_id)
    return await act(request, page, form, attempt, done=(message, _person_address(person_id)))
