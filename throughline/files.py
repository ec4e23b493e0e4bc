"""Files Throughline writes are private to the account that runs it.

The data directory holds the token keys, the read model and Temporal's own database,
so it is created 0700 and every file in it 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077


def private_by_default() -> None:
    """Every file and directory this process and its children create is owner-only."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create the directory (and its parents) owner-only, and tighten it if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path
