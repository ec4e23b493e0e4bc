"""The JavaScript bundle verifier, verifiers/verify-bundle.mjs, run with node on bundles
exported through the real API: it passes what is intact, fails what was edited, forged
or re-signed, and agrees with the Python verifier on every bundle."""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from models.bundle import digest
from models.bundle_check import check_bundle
from models.jcs import jcs_bytes
from models.roles import Role
from tests.api.client import Api
from tests.api.flows import intake_body, measure_all, pass_stage, propose, sign, submit
from tests.factories import Team

VERIFIER = Path(__file__).parents[2] / "verifiers" / "verify-bundle.mjs"
Bundle = dict[str, Any]


async def _node(*args: str) -> tuple[int, str]:
    """Runs the verifier; a machine without node fails here, since skipping would hide
    that the verifier auditors are promised was never run."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed, so verifiers/verify-bundle.mjs cannot be run")
    process = await asyncio.create_subprocess_exec(
        node,
        str(VERIFIER),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


async def _verdict(
    tmp_path: Path, bundle: Bundle, key: str | None, key_argument: str | None = None
) -> tuple[int, str]:
    """The JS verifier's exit status and words, once the Python verifier, given the same
    key, agrees with it. The JS verifier is given `key_argument` if set (a key file)."""
    path = tmp_path / f"bundle-{uuid.uuid4()}.json"
    path.write_text(json.dumps(bundle))
    pinned = key_argument or key
    code, words = await _node(str(path), *(["--public-key", pinned] if pinned else []))
    report = check_bundle(copy.deepcopy(bundle), key)
    assert (code == 0) == report.intact, (words, report.problem)
    assert code in (0, 1), words
    return code, words


async def _export(api: Api, team: Team, change_id: str) -> Bundle:
    response = await api.get(team.auditor, f"/changes/{change_id}/export")
    assert response.status_code == 200, response.text
    bundle: Bundle = response.json()
    return bundle


async def _withdrawn(api: Api, team: Team) -> str:
    """A change with sign-offs, a refused attempt and a withdrawal, hashed under jcs."""
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    again = {"role": "policy", "decision": "approve", "revision": revision}
    refused = await api.post(team.signer(Role.POLICY), f"/changes/{change_id}/sign-offs", again)
    assert refused.status_code == 409, refused.text
    reason = {"reason": "Policy changed"}
    response = await api.post(team.proposer, f"/changes/{change_id}/withdrawal", reason)
    assert response.status_code == 200, response.text
    return change_id


async def _legacy(api: Api, team: Team) -> str:
    """A change pinned to pdca version 4, hashed under sorted-json, whose measurements
    (floats, written 61.0 by Python and 61 by JCS) make its events carry `hashed`."""
    body = intake_body(team, playbook_version=4)
    response = await api.post(team.proposer, "/changes", body)
    assert response.status_code == 201, response.text
    change_id: str = response.json()["change_id"]
    for stage in ["intent", "design", "delivery"]:
        await pass_stage(api, team, change_id, stage)
    await measure_all(api, team, change_id, take_up=61.0)
    return change_id


async def _published_key(api: Api) -> dict[str, str]:
    """The key as anyone may fetch it: no credentials."""
    key: dict[str, str] = (await api.http.get("/.well-known/throughline-audit-key")).json()
    return key


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _re_signed(bundle: Bundle, change_id: str, edit: Callable[[list[Any]], None]) -> Bundle:
    """What a forger with their own key makes: an edited events part, its digest
    recomputed, and the manifest signed again and naming the forger's key."""
    forged = copy.deepcopy(bundle)
    name = f"changes/{change_id}/events"
    edit(forged["parts"][name])
    manifest = forged["manifest"]
    manifest["parts"][name] = digest(forged["parts"][name])
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = hashlib.sha256(raw).hexdigest()[:16]
    manifest["key"] = {"alg": "Ed25519", "kid": kid, "public_key": _b64(raw)}
    value = _b64(private.sign(jcs_bytes(manifest)))
    forged["signature"] = {"alg": "Ed25519", "kid": kid, "value": value}
    return forged


async def test_an_intact_bundle_verifies_pinned_and_unpinned(
    api: Api, team: Team, tmp_path: Path
) -> None:
    change_id = await _withdrawn(api, team)
    bundle = await _export(api, team, change_id)
    published = await _published_key(api)
    code, words = await _verdict(tmp_path, bundle, published["public_key"])
    assert code == 0, words
    assert f"Change {change_id}: the refusals log links up" in words
    assert "INTACT  the bundle checks out, against the key you trust" in words
    key_file = tmp_path / "throughline-audit-key.json"
    key_file.write_text(json.dumps(published))
    code, words = await _verdict(tmp_path, bundle, published["public_key"], str(key_file))
    assert code == 0, words
    code, words = await _verdict(tmp_path, bundle, None)
    assert code == 0, words
    assert "checked only against the key it names" in words


async def test_an_edited_event_fails_naming_its_part(api: Api, team: Team, tmp_path: Path) -> None:
    change_id = await _withdrawn(api, team)
    bundle = await _export(api, team, change_id)
    bundle["parts"][f"changes/{change_id}/events"][1]["actor"] = "someone-else"
    key = (await _published_key(api))["public_key"]
    code, words = await _verdict(tmp_path, bundle, key)
    assert code == 1
    assert f"part changes/{change_id}/events was changed" in words
    assert "FAILED  part" in words


async def test_a_bundle_re_signed_with_another_key_fails_against_the_pinned_one(
    api: Api, team: Team, tmp_path: Path
) -> None:
    change_id = await _withdrawn(api, team)
    bundle = await _export(api, team, change_id)

    def rename(events: list[Any]) -> None:
        events[1]["actor"] = "someone-else"

    forged = _re_signed(bundle, change_id, rename)
    key = (await _published_key(api))["public_key"]
    code, words = await _verdict(tmp_path, forged, key)
    assert code == 1
    assert "not by the key you trust" in words
    # Unpinned, the forger's signature holds, but the edited event no longer links up.
    code, words = await _verdict(tmp_path, forged, None)
    assert code == 1
    assert "the audit log event 2 was altered" in words


async def test_a_forged_signature_fails(api: Api, team: Team, tmp_path: Path) -> None:
    change_id = await _withdrawn(api, team)
    bundle = await _export(api, team, change_id)
    key = (await _published_key(api))["public_key"]
    bundle["signature"]["value"] = _b64(Ed25519PrivateKey.generate().sign(b"something else"))
    code, words = await _verdict(tmp_path, bundle, key)
    assert code == 1
    assert "the signature does not match the manifest" in words
    code, words = await _verdict(tmp_path, bundle, None)
    assert code == 1


async def test_a_sorted_json_change_verifies_through_its_hashed_texts(
    api: Api, team: Team, tmp_path: Path
) -> None:
    change_id = await _legacy(api, team)
    bundle = await _export(api, team, change_id)
    [entry] = bundle["manifest"]["changes"]
    assert entry["hash_scheme"] == "sorted-json"
    events = bundle["parts"][f"changes/{change_id}/events"]
    measured = [e for e in events if e["payload"].get("value") == 61.0]
    assert measured, "the measurements are in the log"
    assert all("61.0" in e["hashed"] for e in measured)
    key = (await _published_key(api))["public_key"]
    code, words = await _verdict(tmp_path, bundle, key)
    assert code == 0, words
    assert "through the text Python hashed" in words


async def test_a_hashed_text_that_no_longer_says_what_its_event_says_fails(
    api: Api, team: Team, tmp_path: Path
) -> None:
    change_id = await _legacy(api, team)
    bundle = await _export(api, team, change_id)

    def remeasure(events: list[Any]) -> None:
        [measured] = [e for e in events if e["payload"].get("value") == 61.0]
        measured["payload"]["value"] = 62.0

    code, words = await _verdict(tmp_path, _re_signed(bundle, change_id, remeasure), None)
    assert code == 1
    assert "its hashed text does not say what the event says" in words


async def test_bad_usage_and_unreadable_files_exit_2(tmp_path: Path) -> None:
    not_json = tmp_path / "not.json"
    not_json.write_text("{not json")
    for args, said in [
        ([], "usage:"),
        ([str(tmp_path / "missing.json")], "cannot read"),
        ([str(not_json)], "is not JSON"),
        ([str(not_json), "--public-key"], "needs a value"),
        ([str(not_json), "--public-key", "not base64!"], "is not base64"),
        ([str(not_json), "--public-key", _b64(b"short")], "not an Ed25519 key's 32"),
    ]:
        code, words = await _node(*args)
        assert code == 2, (args, words)
        assert said in words, (args, words)
