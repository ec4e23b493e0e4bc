"""Evidence from an uploaded file: the server reads the file in chunks and keeps only its
SHA-256 fingerprint, never the file itself.

The evidence needs an address, and a client may send only a web address (see WebUri in
models/evidence.py). An uploaded file has none, so it is named under `.invalid`, a domain
that RFC 2606 reserves so that it can never lead anywhere: the address names the file,
and says truthfully that Throughline keeps no copy of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

CHUNK_BYTES = 1024 * 1024
UPLOADED = "https://uploaded-file.invalid/"


class Upload(Protocol):
    """An uploaded file as a web framework hands it over (Starlette's UploadFile)."""

    @property
    def filename(self) -> str | None: ...

    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Fingerprinted:
    """An uploaded file as evidence: its name, an address naming it, its content's hash."""

    name: str
    uri: str
    sha256: str


def file_name(upload: Upload) -> str:
    """The file's own name, without any folders a browser may have sent with it."""
    given = (upload.filename or "").replace("\\", "/")
    return given.rsplit("/", 1)[-1].strip() or "file"


def address(name: str) -> str:
    return UPLOADED + quote(name, safe="")


async def fingerprint(upload: Upload) -> Fingerprinted:
    """The file's SHA-256, read a chunk at a time so that no large file is held whole."""
    digest = hashlib.sha256()
    while chunk := await upload.read(CHUNK_BYTES):
        digest.update(chunk)
    name = file_name(upload)
    return Fingerprinted(name=name, uri=address(name), sha256=digest.hexdigest())
