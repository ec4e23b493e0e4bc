"""Patches between JSON values: any two values, as hypothesis tries them, and the state
of a change as commands move it, round-trip through JSON text; a patch that does not
fit its value is refused by name."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.json_patch import PatchProblem, apply, diff

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(values, values)
def test_applying_the_diff_gives_the_new_value(old: Any, new: Any) -> None:
    patch = json.loads(json.dumps(diff(old, new)))
    assert apply(old, patch) == new


@given(values, values)
def test_applying_leaves_the_old_value_as_it_was(old: Any, new: Any) -> None:
    before = json.dumps(old)
    apply(old, diff(old, new))
    assert json.dumps(old) == before


def test_an_unchanged_value_has_an_empty_patch() -> None:
    assert diff({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) == {}


def test_a_list_that_grew_records_only_what_was_added() -> None:
    old = {"handoffs": [{"to": "policy", "ended": None}], "seq": 4}
    new = {"handoffs": [{"to": "policy", "ended": "t"}, {"to": "digital", "ended": None}], "seq": 5}
    assert diff(old, new) == {
        "{": {
            "handoffs": {
                "[": {"0": {"{": {"ended": {"=": "t"}}}},
                "+": [{"to": "digital", "ended": None}],
            },
            "seq": {"=": 5},
        }
    }


def test_removed_members_and_shortened_lists() -> None:
    assert diff({"a": 1, "b": [1, 2, 3]}, {"b": [1]}) == {"{": {"b": {"[": {}, "n": 1}}, "-": ["a"]}


@pytest.mark.parametrize(
    ("value", "patch", "problem"),
    [
        ({"a": 1}, [], "not an object"),
        ({"a": 1}, {"x": 1}, "none of"),
        ([1], {"{": {}}, "not an object"),
        ({"a": 1}, {"[": {}}, "not a list"),
        ({"a": 1}, {"{": {"b": {"[": {}}}}, "does not have: b"),
        ([1, 2], {"[": {"2": {"=": 3}}}, "does not have: '2'"),
        ([1, 2], {"[": {"²": {"=": 3}}}, "does not have"),
        ([1, 2], {"[": {}, "n": 3}, "'n'"),
        ([1, 2], {"[": {"9" * 5000: {"=": 3}}}, "does not have"),
        ([1, 2], {"[": {1: {"=": 3}}}, "does not have"),
        ([[1]], {"[": {"0": {"[": {"0": {"{": {}}}}}}, "not an object"),
        ([1, 2], {"[": {}, "n": True}, "'n'"),
        ({"a": 1}, {"{": [], "-": []}, "'{'"),
        ([1], {"[": {}, "+": {}}, "'+'"),
    ],
)
def test_a_patch_that_does_not_fit_is_refused(value: Any, patch: Any, problem: str) -> None:
    with pytest.raises(PatchProblem, match=re.escape(problem)):
        apply(value, patch)


def test_a_patch_nested_past_the_stack_is_refused() -> None:
    value: Any = 1
    patch: Any = {"=": 2}
    for _ in range(5000):
        value, patch = [value], {"[": {"0": patch}}
    with pytest.raises(PatchProblem, match="nested too deeply"):
        apply(value, patch)
