"""What changed between two JSON values, small enough to record after every command, and
putting it back.

A patch is a JSON object of one of these shapes:

- `{}`: nothing changed;
- `{"=": value}`: the value is replaced whole;
- `{"{": {key: patch, ...}, "-": [key, ...]}`: an object whose named members changed
  (or were added, as `{"=": value}`) and whose members in `"-"` were removed;
- `{"[": {"index": patch, ...}, "n": count, "+": [item, ...]}`: a list cut to its
  first `count` items (when `"n"` is there), the items at those indexes changed, and
  `"+"` appended.

Values compare as Python compares them, so `1` and `true` are the same; the values
patched here are one pydantic model's dumps, whose fields each have one JSON type.
"""

from __future__ import annotations

from typing import Any

JSON = Any
Patch = dict[str, Any]


class PatchProblem(ValueError):
    """A patch that does not fit the value it is applied to."""


def diff(old: JSON, new: JSON) -> Patch:
    """The patch that turns old into new."""
    if old == new:
        return {}
    if type(old) is dict and type(new) is dict:
        return _object_diff(old, new)
    if type(old) is list and type(new) is list:
        return _list_diff(old, new)
    return {"=": new}


def _object_diff(old: dict[str, JSON], new: dict[str, JSON]) -> Patch:
    changed = {
        key: (diff(old[key], value) if key in old else {"=": value})
        for key, value in new.items()
        if key not in old or old[key] != value
    }
    removed = [key for key in old if key not in new]
    patch: Patch = {"{": changed}
    if removed:
        patch["-"] = removed
    return patch


def _list_diff(old: list[JSON], new: list[JSON]) -> Patch:
    kept = min(len(old), len(new))
    changed = {str(i): diff(old[i], new[i]) for i in range(kept) if old[i] != new[i]}
    patch: Patch = {"[": changed}
    if len(new) < len(old):
        patch["n"] = len(new)
    if len(new) > len(old):
        patch["+"] = new[len(old) :]
    return patch


def apply(value: JSON, patch: Patch) -> JSON:
    """The value the patch describes; the one given is not changed. A patch that does not
    fit, however it is malformed, raises PatchProblem and nothing else."""
    try:
        return _apply(value, patch)
    except RecursionError:
        raise PatchProblem("a patch is nested too deeply") from None


def _apply(value: JSON, patch: Patch) -> JSON:
    if not isinstance(patch, dict):
        raise PatchProblem("a patch is not an object")
    if "=" in patch:
        return patch["="]
    if "{" in patch:
        return _apply_to_object(value, patch)
    if "[" in patch:
        return _apply_to_list(value, patch)
    if patch:
        raise PatchProblem(f"a patch has none of '=', '{{' or '[': {sorted(patch)}")
    return value


def _apply_to_object(value: JSON, patch: Patch) -> dict[str, JSON]:
    if not isinstance(value, dict):
        raise PatchProblem("an object patch met a value that is not an object")
    changed, removed = patch["{"], patch.get("-", [])
    if not isinstance(changed, dict) or not isinstance(removed, list):
        raise PatchProblem("an object patch's '{' is not an object or its '-' not a list")
    result = {key: item for key, item in value.items() if key not in removed}
    for key, inner in changed.items():
        if key not in result and not (isinstance(inner, dict) and "=" in inner):
            raise PatchProblem(f"an object patch changes a member it does not have: {key}")
        result[key] = _apply(result.get(key), inner)
    return result


def _apply_to_list(value: JSON, patch: Patch) -> list[JSON]:
    if not isinstance(value, list):
        raise PatchProblem("a list patch met a value that is not a list")
    count, changed, added = patch.get("n", len(value)), patch["["], patch.get("+", [])
    if type(count) is not int or not 0 <= count <= len(value):
        raise PatchProblem("a list patch's 'n' is not a count of the list's items")
    if not isinstance(changed, dict) or not isinstance(added, list):
        raise PatchProblem("a list patch's '[' is not an object or its '+' not a list")
    result = value[:count]
    for index, inner in changed.items():
        if not _index_within(index, len(result)):
            raise PatchProblem(f"a list patch changes an item it does not have: {index!r:.40}")
        result[int(index)] = _apply(result[int(index)], inner)
    return result + added


def _index_within(index: Any, length: int) -> bool:
    """A list index as a patch writes it: decimal digits, naming an item there is."""
    if not isinstance(index, str) or not index.isascii() or not index.isdigit():
        return False
    return len(index) <= len(str(length)) and int(index) < length
