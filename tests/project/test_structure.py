"""The limits that keep the code easy to pick up: short files and functions, and a
first line in every module that says what it holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
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


CROSS_CUTTING = {"end_to_end", "faults", "fuzz", "histories", "project"}
"""Test folders that cover the whole product rather than one module."""


def _test_modules() -> list[Path]:
    found = sorted((ROOT / "tests").rglob("test_*.py"))
    return [p for p in found if p.relative_to(ROOT / "tests").parts[0] not in CROSS_CUTTING]


def _tested_module(test: Path) -> Path | None:
    """The source module a test module's path names: tests/a/b/test_c_aspect.py is found
    by the module a/b/c.py (or the package a/b/c), the longest name that exists. A Node
    script such as verifiers/verify-bundle.mjs is named with underscores for hyphens."""
    folder = ROOT / test.parent.relative_to(ROOT / "tests")
    words = test.stem.removeprefix("test_").split("_")
    for end in range(len(words), 0, -1):
        name = "_".join(words[:end])
        script = folder / f"{'-'.join(words[:end])}.mjs"
        for candidate in (folder / f"{name}.py", folder / name / "__init__.py", script):
            if candidate.exists():
                return candidate
    return None


@pytest.mark.parametrize("test", _test_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_test_module_is_found_by_the_path_of_what_it_tests(test: Path) -> None:
    assert _tested_module(test) is not None, (
        "name the module it tests, or move it to a folder of its own"
    )
