"""Reading forms, tried as a new user would and as an attacker would: dotted names become
the request model's shape, and names no form uses are a problem with the form, never a
crash."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from web.forms import FormProblems, nest


def test_dotted_names_and_row_numbers_become_nested_lists() -> None:
    form = FormData(
        [
            ("title", "Renewals"),
            ("user_groups.1.name", "Holders offline"),
            ("user_groups.0.name", "Holders"),
            ("people.policy", ""),
            ("csrf_token", "t"),
        ]
    )

    assert nest(form) == {
        "title": "Renewals",
        "user_groups": [{"name": "Holders"}, {"name": "Holders offline"}],
    }


def test_one_name_sent_twice_is_a_list() -> None:
    assert nest(FormData([("role", "a"), ("role", "b")])) == {"role": ["a", "b"]}


@pytest.mark.parametrize(
    "names",
    [
        ["delegate", "delegate.x"],
        ["delegate.x", "delegate"],
        ["role.\u00b2"],
        ["role." + "9" * 5000],
        ["a" + ".a" * 1500],
        ["a..b"],
        ["<script>"],
    ],
)
def test_a_name_no_form_uses_is_a_problem_with_the_form(names: list[str]) -> None:
    form = FormData([(name, "x") for name in names])

    with pytest.raises(FormProblems) as refused:
        nest(form)

    assert "does not know" in refused.value.problems.summary[0]["text"]
