"""Playbooks written by hand in YAML or JSON: read, validated, and every problem told in a
plain sentence that says where it is: models/playbook_source.py."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from api.playbook_examples import PLAYBOOK, PLAYBOOK_YAML
from models import errors
from models.playbook_source import (
    PlaybookFormat,
    PlaybookText,
    format_of,
    parse_playbook,
    playbook_problems,
    read_document,
)
from models.roles import Role

YAML, JSON = PlaybookFormat.YAML, PlaybookFormat.JSON


def _example(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PLAYBOOK)
    data.update(changes)
    return data


def test_yaml_and_json_of_one_playbook_read_the_same() -> None:
    from_yaml = parse_playbook(PLAYBOOK_YAML, YAML)
    from_json = parse_playbook(json.dumps(PLAYBOOK), JSON)
    assert from_yaml == from_json
    assert from_yaml.stage("intent").gate.quorum == {
        Role.POLICY: 2,
        Role.DIGITAL: 1,
        Role.OPERATIONS: 1,
    }
    assert PlaybookText(text=PLAYBOOK_YAML, form=YAML).parsed() == from_yaml


@pytest.mark.parametrize(
    ("media_type", "filename", "expected"),
    [
        ("application/yaml", None, YAML),
        ("application/x-yaml; charset=utf-8", None, YAML),
        ("text/yaml", None, YAML),
        ("application/json", None, JSON),
        (None, "custom.yml", YAML),
        (None, "custom.YAML", YAML),
        (None, "custom.json", JSON),
        (None, None, JSON),
    ],
)
def test_the_format_follows_the_media_type_or_the_file_name(
    media_type: str | None, filename: str | None, expected: PlaybookFormat
) -> None:
    assert format_of(media_type, filename) is expected


def test_a_yaml_syntax_error_names_its_line_and_column() -> None:
    broken = "name: custom\nversion: 1\nstages:\n  - name: intent\n    pdca: [plan\n"
    with pytest.raises(errors.UnreadablePlaybook, match=r"not valid at line \d+, column \d+"):
        read_document(broken, YAML)
    with pytest.raises(errors.UnreadablePlaybook, match="line 2, column 9: mapping values"):
        read_document("name: a\ntitle: b: c\n", YAML)


def test_json_syntax_errors_and_documents_that_are_not_mappings_are_unreadable() -> None:
    with pytest.raises(errors.UnreadablePlaybook, match="the JSON is not valid"):
        read_document('{"name": ', JSON)
    with pytest.raises(errors.UnreadablePlaybook, match="a mapping of fields"):
        read_document("- intent\n- design\n", YAML)
    with pytest.raises(errors.UnreadablePlaybook, match="an empty document"):
        read_document("# nothing but a comment\n", YAML)


def test_yaml_aliases_are_read_but_not_a_document_they_make_vast() -> None:
    shared = read_document("quorum: &all {policy: 1}\nagain: *all\n", YAML)
    assert shared == {"quorum": {"policy": 1}, "again": {"policy": 1}}
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    with pytest.raises(errors.UnreadablePlaybook, match="more than 20000 values"):
        read_document("\n".join(levels) + "\n", YAML)


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(errors.UnreadablePlaybook, match="nests deeper than 32 levels"):
        read_document("a: " + "[" * 40 + "]" * 40, YAML)


def test_an_oversized_document_is_refused_before_it_is_read() -> None:
    with pytest.raises(errors.UnreadablePlaybook, match="at most 65536 are taken"):
        read_document("x" * 70_000, YAML)


def test_each_problem_says_where_it_is_with_the_stage_named() -> None:
    data = _example()
    data["stages"][0]["gate"]["quorum"]["policy"] = "two"
    data["stages"][1]["gate"]["quorm"] = {"policy": 1}
    del data["title"]
    problems = playbook_problems(data)
    assert problems == [
        "title: is required",
        "stages.0 (intent).gate.quorum.policy: Input should be a valid integer, unable to "
        "parse string as an integer",
        "stages.1 (design).gate.quorm: is not a field here (check its spelling and indentation)",
    ]


def test_a_rule_across_stages_is_told_in_its_own_words() -> None:
    data = _example()
    data["stages"][0]["gate"]["reject_to"] = ["design"]
    assert playbook_problems(data) == [
        "gate 'intent agreed' may only reject back to earlier stages, not ['design']"
    ]
    with pytest.raises(errors.InvalidPlaybook, match=r"^the playbook is not valid: gate 'intent"):
        parse_playbook(json.dumps(data), JSON)


def test_what_cannot_be_published_is_a_problem_too() -> None:
    data = _example(name="Two Policy Approvers")
    problems = playbook_problems(data)
    assert problems[0].startswith("name: use 1 to 64 lowercase letters")


def test_a_stage_name_of_more_than_64_characters_is_a_problem() -> None:
    data = _example()
    data["stages"][0]["name"] = "i" * 65
    data["stages"][0]["gate"]["reject_to"] = ["close"]
    data["stages"][1]["gate"]["reject_to"] = ["design"]
    [problem] = playbook_problems(data)
    assert problem.startswith("stages.0.name 'iiii")
    assert problem.endswith("use 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit")


def test_a_valid_playbook_has_no_problems() -> None:
    assert playbook_problems(_example()) == []
