"""The limits that keep the code easy to pick up: short files and functions, and a
first line in every module that says what it holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ["models", "workflows", "activities", "workers", "api", "throughline", "benchmarks"]
LONGEST_FILE = 300
LONGEST_FUNCTION = 40


def _modules() -> list[Path]:
    found = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    return [p for p in found if "migrations" not in p.parts]


MODULES = _modules()


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_file_is_over_300_lines(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= LONGEST_FILE


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_is_over_40_lines(path: Path) -> None:
    tree = ast.parse(path.read_text())
    long = [
        f"{f.name} ({(f.end_lineno or f.lineno) - f.lineno + 1} lines)"
        for f in _functions(tree)
        if (f.end_lineno or f.lineno) - f.lineno + 1 > LONGEST_FUNCTION
    ]
    assert long == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_every_module_says_what_it_holds(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring, "no docstring"
    assert len(docstring.splitlines()[0]) > 10
