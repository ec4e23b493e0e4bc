"""Forms the GOV.UK way: a posted form is read into the same request model the API takes,
and whatever is wrong with it comes back as an error summary with a message by each
field; a rule's refusal comes back in the rule's own words.

Fields are named by their path in the request model, dotted: `intent.problem`, or
`user_groups.0.name` for the first item of a list. Empty fields count as not given.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from models.errors import ThroughlineError, Unauthenticated
from web.render import render

Model = TypeVar("Model", bound=BaseModel)
FORM_KEY = "form_key"
"""A hidden field each command form carries, fresh each time the form is shown, sent as
the command's idempotency key: a form sent twice (a double click, a resend after a
dropped connection) takes effect once."""
_form_key: ContextVar[str | None] = ContextVar("form_key", default=None)


def form_key() -> str | None:
    """The key of the form being acted on, for the service call it makes."""
    return _form_key.get()


ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
"""The pattern of directory ids, which people type into forms."""
DONE = "done"


@dataclass
class Problems:
    """What is wrong with a form: the summary's list, and each field's own message."""

    summary: list[dict[str, str]] = field(default_factory=list)
    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        if name in self.by_field:
            return
        self.by_field[name] = message
        self.summary.append({"text": message, "href": f"#{field_id(name)}"})


def field_id(name: str) -> str:
    """A field's HTML id, for the summary's links: dots become dashes."""
    return name.replace(".", "-")


FIELD_PART = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$|^[0-9]{1,3}$")
"""One part of a dotted field name: a word, or a row number below 1000."""
MAX_FIELD_DEPTH = 6


def nest(form: FormData) -> dict[str, Any]:
    """A flat form as the nested dict a request model reads; empty fields are dropped.
    A field name no Throughline form uses is refused as a problem with the form."""
    nested: dict[str, Any] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile) or name in ("csrf_token", FORM_KEY) or not value.strip():
            continue
        path = name.split(".")
        if len(path) > MAX_FIELD_DEPTH or not all(FIELD_PART.match(part) for part in path):
            raise _unknown_field(name)
        _place(nested, path, value, name)
    listed: dict[str, Any] = _lists(nested)
    return listed


def _unknown_field(name: str) -> FormProblems:
    problems = Problems()
    problems.add("form", f"The form sent a field Throughline does not know: {name[:80]!r}")
    return FormProblems(problems)


def _place(into: dict[str, Any], path: list[str], value: str, name: str) -> None:
    for part in path[:-1]:
        into = into.setdefault(part, {})
        if not isinstance(into, dict):  # 'a' and 'a.b' both sent
            raise _unknown_field(name)
    existing = into.get(path[-1])
    if isinstance(existing, dict):
        raise _unknown_field(name)
    if existing is None:
        into[path[-1]] = value
    else:  # several fields of one name make a list
        into[path[-1]] = [*existing, value] if isinstance(existing, list) else [existing, value]


def _lists(value: Any) -> Any:
    """Dicts keyed 0, 1, 2... become lists, in index order."""
    if not isinstance(value, dict):
        return value
    converted = {key: _lists(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def problems_of(invalid: ValidationError, labels: Mapping[str, str]) -> Problems:
    problems = Problems()
    for error in invalid.errors():
        name = ".".join(str(part) for part in error["loc"])
        problems.add(name, _message(error, _label(name, labels)))
    return problems


def _label(name: str, labels: Mapping[str, str]) -> str:
    if name in labels:
        return labels[name]
    words = name.rsplit(".", 1)[-1].replace("_", " ")
    return words[:1].upper() + words[1:]


def _message(error: Any, label: str) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "missing":
        if label.startswith(("Select ", "Enter ", "Choose ")):
            return label  # the label is already the GOV.UK instruction, as for radios
        return f"Enter {label[:1].lower() + label[1:]}"
    if kind == "string_pattern_mismatch" and context.get("pattern") == ID_PATTERN:
        return f"{label} may use only lower-case letters, digits, dots, dashes and underscores"
    if kind == "string_too_long":
        return f"{label} must be {context.get('max_length')} characters or fewer"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return f"{label} must be a number"
    if kind in ("date_from_datetime_parsing", "date_parsing", "datetime_parsing"):
        return f"{label} must be a real date, like 2027-03-31"
    return f"{label}: {error['msg'].removeprefix('Value error, ')}"


def read(model: type[Model], values: dict[str, Any], labels: Mapping[str, str]) -> Model:
    """The request model, or FormProblems naming each field that is wrong."""
    try:
        return model.model_validate(values)
    except ValidationError as invalid:
        raise FormProblems(problems_of(invalid, labels)) from None


class FormProblems(Exception):
    def __init__(self, problems: Problems) -> None:
        super().__init__("the form has problems")
        self.problems = problems


def refusal(error: ThroughlineError, target: str) -> Problems:
    """A rule's refusal, in its own words, linked to the field it is about."""
    problems = Problems()
    first = error.message.split(" ", 1)[0]
    # Sentence case, unless the message starts with a name such as a person's id.
    message = error.message[:1].upper() + error.message[1:] if first.isalpha() else error.message
    problems.add(target, message)
    return problems


@dataclass
class FormPage:
    """A page with a form: its template, the context it needs, and where a rule's refusal
    points in the form."""

    template: str
    title: str
    load: Callable[[], Awaitable[dict[str, Any]]]
    refusal_field: str = "decision"

    async def show(
        self,
        request: Request,
        values: Mapping[str, Any] | None = None,
        problems: Problems | None = None,
        status: int = 200,
    ) -> Response:
        found = problems or Problems()
        context = {
            **(await self.load()),
            "title": self.title,
            "values": dict(values or {}),
            "errors": found.summary,
            "field_errors": found.by_field,
        }
        return render(request, self.template, context, status)


async def act(
    request: Request,
    page: FormPage,
    form: FormData,
    attempt: Callable[[dict[str, Any]], Awaitable[object]],
    done: tuple[str, str | Callable[[Any], str]],
) -> Response:
    """Try what the form asks; on success go on (303) with a message, otherwise show the
    form again with its problems and the values typed, nothing lost. Where to go on may
    depend on the result: then `done` gives a function of it."""
    values = {k: v for k, v in form.multi_items() if not isinstance(v, UploadFile)}
    try:
        result = await _attempted(form, attempt)
    except FormProblems as invalid:
        return await page.show(request, values, invalid.problems, status=400)
    except Unauthenticated:
        raise
    except ThroughlineError as refused:
        problems = refusal(refused, page.refusal_field)
        return await page.show(request, values, problems, status=refused.status)
    message, then = done
    request.session[DONE] = message
    return RedirectResponse(then if isinstance(then, str) else then(result), status_code=303)


async def _attempted(
    form: FormData, attempt: Callable[[dict[str, Any]], Awaitable[object]]
) -> object:
    """The attempt, with the form's key where its service call can find it."""
    key = form.get(FORM_KEY)
    token = _form_key.set(key if isinstance(key, str) and 0 < len(key) <= 200 else None)
    try:
        return await attempt(nest(form))
    finally:
        _form_key.reset(token)


def filled_rows(
    form: FormData, name: str, fields: Sequence[str], count: int
) -> list[tuple[str, dict[str, str]]]:
    """A group offered as a fixed number of rows (`name.0.field`...), so the form works
    without JavaScript: each row given, with the prefix of its fields in the form
    (`name.2`), and its fields given. Rows left empty are dropped."""
    found = []
    for index in range(count):
        prefix = f"{name}.{index}"
        row = {
            f: v for f in fields if isinstance(v := form.get(f"{prefix}.{f}"), str) and v.strip()
        }
        if row:
            found.append((prefix, row))
    return found


def from_row(name: str, lists: Mapping[str, Sequence[str]]) -> str:
    """A field of a list made from form rows (`user_groups.0.name`), as the form field it
    came from (`user_groups.2.name`); `lists` gives each list's row prefixes, in order."""
    head, _, rest = name.partition(".")
    index, _, tail = rest.partition(".")
    origins = lists.get(head, ())
    if not index.isdigit() or int(index) >= len(origins):
        return name
    return origins[int(index)] + (f".{tail}" if tail else "")


def row_labels(
    name: str, origins: Sequence[str], labels: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """Labels for the fields of a list made from form rows, from a template per field of
    each group ('The name of user group {n}', with n the row's number on the page); the
    field '' labels the row itself."""
    found = {}
    for index, origin in enumerate(origins):
        group, _, number = origin.rpartition(".")
        for field_name, text in labels[group].items():
            key = f"{name}.{index}" + (f".{field_name}" if field_name else "")
            found[key] = text.format(n=int(number) + 1)
    return found


def typed_number(text: str) -> float | str:
    """A number as people type it ('1,200'); text that is not one is left as it is, for
    the request model to refuse in its own words."""
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        return text


def relocated(problems: Problems, place: Callable[[str], str]) -> Problems:
    """The same problems, each on the form field `place` says it came from."""
    moved = Problems()
    for name, message in problems.by_field.items():
        moved.add(place(name), message)
    return moved
