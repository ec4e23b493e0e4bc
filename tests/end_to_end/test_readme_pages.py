"""The README's way for a newcomer to sign in to the pages of the embedded stack works
exactly as written: the commands it gives print a link, and the link signs them in."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import Stack, start_stack
from tests.web.conftest import csrf_of

pytestmark = pytest.mark.slow

README = Path(__file__).parents[2] / "README.md"


def sign_in_commands() -> str:
    text = README.read_text()
    section = text.split("### Signing in on the embedded stack", 1)[1].split("\n### ", 1)[0]
    blocks: list[str] = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    (block,) = blocks
    return block.replace(".venv/bin/", f"{Path(sys.executable).parent}/")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("readme-pages") / "data")
    try:
        yield running
    finally:
        running.stop()


def test_the_readme_commands_print_a_link_that_signs_a_policy_lead_in(stack: Stack) -> None:
    ran = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + sign_in_commands()],
        env={**stack.env, "THROUGHLINE_PUBLIC_URL": stack.api_url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    link = ran.stdout.strip().splitlines()[-1]
    assert link.startswith(f"{stack.api_url}/web/sign-in/link?token=")

    with httpx.Client(timeout=30) as browser:
        confirm = browser.get(link)
        token = link.split("token=", 1)[1]
        browser.post(
            f"{stack.api_url}/web/sign-in/link",
            data={"csrf_token": csrf_of(confirm), "token": token},
            follow_redirects=True,
        )
        work = browser.get(f"{stack.api_url}/web/work")

    assert work.status_code == 200
    assert "My work" in work.text
    assert "policy-lead" in work.text
