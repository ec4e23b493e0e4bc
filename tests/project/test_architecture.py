"""ARCHITECTURE.md stays true: every path it names exists, and every package is mapped."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
MAP = (ROOT / "ARCHITECTURE.md").read_text()
SOURCE = ("models", "workflows", "activities", "workers", "api", "throughline", "benchmarks")


def _named_paths() -> set[str]:
    quoted = re.findall(r"`([^`\s]+)`", MAP)
    return {q.split(" ")[0] for q in quoted if "/" in q and not q.startswith("python")}


def _packages() -> set[str]:
    found = {p.parent for top in SOURCE for p in (ROOT / top).rglob("__init__.py")}
    return {f"{p.relative_to(ROOT)}/" for p in found if "versions" not in p.parts}


def test_every_path_the_map_names_exists() -> None:
    missing = sorted(p for p in _named_paths() if not (ROOT / p.rstrip("/")).exists())
    assert missing == []


def test_every_package_is_on_the_map() -> None:
    assert sorted(_packages() - _named_paths()) == []


def test_the_map_answers_a_newcomers_first_questions() -> None:
    for question, home in [
        ("a submitter cannot approve", "`models/rules/sign_off.py`"),
        ("a sign-off is written to SQL", "`throughline/store/projection.py`"),
        ("the shape of an HTTP error", "`api/errors.py`"),
    ]:
        line = next(line for line in MAP.splitlines() if question in line)
        assert home in line
