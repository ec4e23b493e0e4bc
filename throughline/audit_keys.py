"""The key audit bundles are signed with: Ed25519, generated into the data directory on
first use (0600), or read from a configured PEM file in production. Its public half is
what an auditor checks a bundle against, offline."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import Field

from models.base import Strict

AUDIT_KEY_FILE = "audit-signing-key.pem"


class AuditPublicKey(Strict):
    alg: Literal["Ed25519"] = Field(default="Ed25519", description="The signature algorithm.")
    kid: str = Field(description="The key's id: the first 16 hex digits of its sha256.")
    public_key: str = Field(description="The raw 32-byte public key, base64 (RFC 4648).")


@dataclass(frozen=True)
class AuditSigner:
    private_key: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def public(self) -> AuditPublicKey:
        raw = self.public_raw
        return AuditPublicKey(
            kid=hashlib.sha256(raw).hexdigest()[:16], public_key=base64.b64encode(raw).decode()
        )

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def audit_signer(path: Path) -> AuditSigner:
    """The signer whose key is at `path`, made there first if there is none yet."""
    if not path.exists():
        _create(path)
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError:
        loaded = None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an unencrypted Ed25519 private key in PEM")
    return AuditSigner(loaded)


def _create(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: when two processes race to create the key, exactly one wins.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
