"""The promise of a bundle, tried as a new user would: a change is exported from a
running stack, then the stack is stopped and its data directory deleted (the database,
Temporal's histories and the signing key with them), and the bundle still verifies
offline with both verifiers, while an edited copy fails with the reason."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.end_to_end.test_readme import ROOT, _run, walkthrough_script
from tests.processes import start_stack

pytestmark = pytest.mark.slow

VERIFIER = ROOT / "verifiers" / "verify-bundle.mjs"


def _export(tmp_path: Path) -> tuple[Path, Path]:
    """Take a change through the README walkthrough; export it and the public key."""
    data = tmp_path / "data"
    stack = start_stack(data)
    try:
        out = tmp_path / "out"
        out.mkdir()
        script = walkthrough_script() + (
            f'get "$AUDITOR_TOKEN" "/changes/$CHANGE/export" > {out}/change.json\n'
            f'curl -sS "$API/.well-known/throughline-audit-key" > {out}/key.json\n'
        )
        finished = _run(stack, script)
        assert finished.returncode == 0, finished.stdout + finished.stderr
    finally:
        stack.stop()
    shutil.rmtree(data)
    return out / "change.json", out / "key.json"


def _verify(bundle: Path, key: Path) -> list[subprocess.CompletedProcess[str]]:
    """Both verifiers, with nothing of Throughline's running and no settings at all."""
    throughline = Path(sys.executable).parent / "throughline"
    commands = [
        [str(throughline), "audit", "verify", str(bundle), "--public-key", str(key)],
        ["node", str(VERIFIER), str(bundle), "--public-key", str(key)],
    ]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(bundle.parent)}
    return [
        subprocess.run(c, capture_output=True, text=True, env=env, timeout=120, check=False)
        for c in commands
    ]


def test_a_bundle_outlives_the_database_and_the_histories(tmp_path: Path) -> None:
    bundle, key = _export(tmp_path)
    assert not (tmp_path / "data").exists()
    for verdict in _verify(bundle, key):
        assert verdict.returncode == 0, verdict.stdout + verdict.stderr
        assert verdict.stdout.splitlines()[-1].startswith("INTACT  the bundle checks out")

    edited = json.loads(bundle.read_text())
    events = next(name for name in edited["parts"] if name.startswith("changes/"))
    events = events.rsplit("/", 1)[0] + "/events"
    edited["parts"][events][0]["at"] = "2020-01-01T00:00:00.000000+00:00"
    copy = tmp_path / "edited.json"
    copy.write_text(json.dumps(edited))
    for verdict in _verify(copy, key):
        assert verdict.returncode == 1, verdict.stdout + verdict.stderr
        assert f"{events} was changed" in verdict.stdout.splitlines()[-1]
