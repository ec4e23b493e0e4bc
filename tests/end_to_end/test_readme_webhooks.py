"""The README's way to verify a webhook, run as written against Throughline's own
signatures: a real delivery passes, a tampered one does not."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from throughline.channels.webhooks import compact_json, new_secret, signed_headers

README = Path(__file__).parents[2] / "README.md"
Verify = Callable[[str, dict[str, str], bytes], None]


@pytest.fixture
def verify() -> Verify:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    [snippet] = [b for b in blocks if "def verify(" in b]
    namespace: dict[str, object] = {}
    exec(snippet, namespace)  # the README's own code, as a reader would paste it
    found = namespace["verify"]
    assert callable(found)
    return found


def test_the_readme_snippet_accepts_a_delivery_and_refuses_a_tampered_one(verify: Verify) -> None:
    secret = new_secret()
    body = compact_json({"type": "throughline.overdue", "data": {"change_id": "c-1"}})
    headers = signed_headers(secret, "msg_1", int(time.time()), body)
    verify(secret, headers, body)
    with pytest.raises(ValueError, match="bad signature"):
        verify(secret, headers, body.replace(b"c-1", b"c-2"))
    with pytest.raises(ValueError, match="bad signature"):
        verify(new_secret(), headers, body)
