"""The layers, as lists of what each may import: a new module is held to them the day it
is added. import-linter checks the same rules as forbidden imports; `make lint` runs both."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
FIRST_PARTY = ("models", "workflows", "activities", "workers", "api", "throughline", "web")
MAY_IMPORT = {
    "models": ("models",),
    "workflows": ("models", "workflows", "activities.interfaces"),
    "throughline/store": ("models", "throughline.store"),
}
"""Folder -> the first-party modules its code may import."""
NEVER_IMPORT = {
    "api": ("throughline.store",),
    "web": ("throughline.store",),
    "throughline/cli": ("throughline.store",),
}
"""Folder -> first-party modules its code must reach only through services."""


def _imports(path: Path) -> set[tuple[str, ...]]:
    """Each first-party import, as the names it could mean: `from activities import
    interfaces` means the package activities or its module activities.interfaces."""
    found: set[tuple[str, ...]] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {(node.module, f"{node.module}.{alias.name}") for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {(alias.name,) for alias in node.names}
    return {names for names in found if names[0].split(".")[0] in FIRST_PARTY}


def _within(name: str, modules: tuple[str, ...]) -> bool:
    return any(name == m or name.startswith(f"{m}.") for m in modules)


def _cases(rules: Mapping[str, tuple[str, ...]]) -> list[Any]:
    return [
        pytest.param(path, modules, id=str(path.relative_to(ROOT)))
        for folder, modules in rules.items()
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]


@pytest.mark.parametrize(("path", "allowed"), _cases(MAY_IMPORT))
def test_each_layer_imports_only_what_lies_beneath_it(path: Path, allowed: tuple[str, ...]) -> None:
    outside = {names[-1] for names in _imports(path) if not any(_within(n, allowed) for n in names)}
    assert outside == set()


@pytest.mark.parametrize(("path", "forbidden"), _cases(NEVER_IMPORT))
def test_routes_and_commands_reach_the_store_only_through_services(
    path: Path, forbidden: tuple[str, ...]
) -> None:
    reached = {names[-1] for names in _imports(path) if any(_within(n, forbidden) for n in names)}
    assert reached == set()


SPEAKS_SQL = re.compile(r"\bsession\.(get|exec|execute|add|delete)\(|\bselect\(")
SQL_HOMES = ("throughline/store/", "throughline/db.py", "throughline/migrations/")
"""The store writes every query; db.py sets up engines and runs migrations."""


def _outside_the_store() -> list[Any]:
    found = [p for top in FIRST_PARTY for p in sorted((ROOT / top).rglob("*.py"))]
    return [
        pytest.param(path, id=str(path.relative_to(ROOT)))
        for path in found
        if not str(path.relative_to(ROOT)).startswith(SQL_HOMES)
    ]


@pytest.mark.parametrize("path", _outside_the_store())
def test_only_the_store_writes_queries(path: Path) -> None:
    assert SPEAKS_SQL.findall(path.read_text()) == []


def _handlers() -> list[Any]:
    found = []
    routes = [*(ROOT / "api" / "routes").glob("*.py"), *(ROOT / "web" / "pages").glob("*.py")]
    for path in sorted(routes):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.AsyncFunctionDef) and not node.name.startswith("_"):
                found.append(pytest.param(node, id=f"{path.stem}.{node.name}"))
    return found


@pytest.mark.parametrize("handler", _handlers())
def test_each_route_handler_makes_one_call_to_a_service(handler: ast.AsyncFunctionDef) -> None:
    awaited = [node for node in ast.walk(handler) if isinstance(node, ast.Await)]
    assert len(awaited) <= 1
