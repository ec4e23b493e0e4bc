"""Playbooks as admins write them: YAML or JSON text read into the playbook model, with
every problem told in a plain sentence that says where it is.

Reading is pure: the text comes in, a playbook or a refusal goes out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from models.base import Strict
from models.directory.publishing import publishing_problems
from models.errors import InvalidPlaybook, UnreadablePlaybook
from models.playbook import Playbook

MAX_DOCUMENT_CHARS = 64 * 1024
"""A published playbook lives in the directory's state for good, so it is kept small."""
MAX_NESTING = 32
MAX_VALUES = 20_000


class PlaybookFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"


YAML_MEDIA_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})


class PlaybookText(Strict):
    """A playbook as an admin sent it: the text and whether it is YAML or JSON."""

    text: str
    form: PlaybookFormat = PlaybookFormat.JSON

    def parsed(self) -> Playbook:
        return parse_playbook(self.text, self.form)


def format_of(media_type: str | None, filename: str | None = None) -> PlaybookFormat:
    """YAML for a YAML media type or a .yaml/.yml file; JSON otherwise."""
    bare = (media_type or "").split(";")[0].strip().lower()
    if bare in YAML_MEDIA_TYPES:
        return PlaybookFormat.YAML
    if filename is not None and filename.lower().endswith((".yaml", ".yml")):
        return PlaybookFormat.YAML
    return PlaybookFormat.JSON


def read_document(text: str, form: PlaybookFormat) -> dict[str, Any]:
    """The text as a mapping of fields; a syntax error is refused with its line."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise UnreadablePlaybook(
            f"the playbook is {len(text)} characters; at most {MAX_DOCUMENT_CHARS} are taken"
        )
    data = _yaml(text) if form is PlaybookFormat.YAML else _json(text)
    if not isinstance(data, dict):
        raise UnreadablePlaybook(
            "a playbook is a mapping of fields (name, version, title, stages, ...), "
            f"not {type(data).__name__ if data is not None else 'an empty document'}"
        )
    return data


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise UnreadablePlaybook(f"the JSON nests deeper than {MAX_NESTING} levels") from None
    except ValueError as error:
        raise UnreadablePlaybook(f"the JSON is not valid: {error}") from None


def _yaml(text: str) -> Any:
    try:
        _check_nesting(text)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        raise UnreadablePlaybook(_yaml_problem(error)) from None
    except yaml.YAMLError as error:
        raise UnreadablePlaybook(f"the YAML is not valid: {error}") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        # A tagged or implicit value that cannot be built, such as the date 2026-13-01.
        raise UnreadablePlaybook(f"the YAML holds a value that cannot be read: {error}") from None
    _check_expanded_size(data)
    return data


def _check_nesting(text: str) -> None:
    """Nesting deeper than any playbook needs is refused before it is built."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise UnreadablePlaybook(f"the YAML nests deeper than {MAX_NESTING} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_expanded_size(data: Any) -> None:
    """Aliases (*name) are fine, but a few can stand for a vast document: count the
    values as they would be checked, and stop at a budget no playbook comes near."""
    counted, pending = 0, [data]
    while pending:
        item = pending.pop()
        counted += 1
        if counted > MAX_VALUES:
            raise UnreadablePlaybook(
                f"the YAML stands for more than {MAX_VALUES} values, through its aliases; "
                "a playbook needs far fewer"
            )
        if isinstance(item, dict):
            pending.extend([*item.keys(), *item.values()])
        elif isinstance(item, list):
            pending.extend(item)


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    what = error.problem or error.context or "it cannot be read"
    return f"the YAML is not valid{where}: {what}"


def parse_playbook(text: str, form: PlaybookFormat) -> Playbook:
    """Read and validate a playbook, refusing it with every problem in plain words."""
    return validate_playbook(read_document(text, form))


def validate_playbook(data: dict[str, Any]) -> Playbook:
    problems = playbook_problems(data)
    if problems:
        raise InvalidPlaybook("the playbook is not valid: " + "; ".join(problems))
    return Playbook.model_validate(data)


def playbook_problems(data: dict[str, Any]) -> list[str]:
    """Every problem with the document, each a sentence that says where it is; none for
    a playbook that can be published."""
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as error:
        return [_sentence(problem, data) for problem in error.errors()]
    return publishing_problems(playbook)


def _sentence(problem: ErrorDetails, data: Any) -> str:
    where = _where(problem["loc"], data)
    message = _message(problem)
    return f"{where}: {message}" if where else message


def _message(problem: ErrorDetails) -> str:
    if problem["type"] == "missing":
        return "is required"
    if problem["type"] == "extra_forbidden":
        return "is not a field here (check its spelling and indentation)"
    return str(problem["msg"]).removeprefix("Value error, ")


def _where(location: Sequence[int | str], data: Any) -> str:
    """The dotted path, with each stage's name beside its index: stages.1 (design).gate."""
    parts: list[str] = []
    node = data
    for part in location:
        named = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        child = node[part] if named else node.get(part) if isinstance(node, dict) else None
        label = str(part)
        if named and isinstance(child, dict) and isinstance(child.get("name"), str):
            label = f"{part} ({child['name']})"
        parts.append(label)
        node = child
    return ".".join(parts)
