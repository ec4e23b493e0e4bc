"""The key audit bundles are signed with: made once into the data directory, private to
its owner, kept across restarts, and its public half checks what it signed:
throughline/audit_keys.py."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from throughline.audit_keys import audit_signer


def test_the_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "data" / "audit-signing-key.pem"
    first = audit_signer(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert audit_signer(path).public() == first.public()
    assert first.public().alg == "Ed25519"
    assert len(base64.b64decode(first.public().public_key)) == 32


def test_the_public_key_checks_what_the_key_signed_and_nothing_else(tmp_path: Path) -> None:
    signer = audit_signer(tmp_path / "key.pem")
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(signer.public().public_key))
    signature = signer.sign(b"manifest")
    public.verify(signature, b"manifest")
    with pytest.raises(InvalidSignature):
        public.verify(signature, b"manifest, edited")


def test_a_file_that_is_not_an_ed25519_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_text("not a key")
    with pytest.raises(ValueError, match="key"):
        audit_signer(path)
