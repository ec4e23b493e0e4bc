"""Submissions of stage work, with evidence items and their content fingerprints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import (
    AnyUrl,
    Field,
    StringConstraints,
    UrlConstraints,
    field_serializer,
    model_validator,
)

from models.base import ShortText, Strict, Text
from models.canonical import sha256_hex
from models.roles import Role

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$", to_lower=True)]
Uri = Annotated[AnyUrl, UrlConstraints(max_length=2048)]
WebUri = Annotated[
    AnyUrl,
    UrlConstraints(max_length=2048, allowed_schemes=["https", "http"]),
    Field(json_schema_extra={"pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}),
]
"""What a client may send: a page people can open. Anything else (javascript:, data:,
file:) could run or leak in a browser that shows the evidence."""
EVIDENCE_LIMIT = 50
COMPACT_SUMMARY = 200


def fingerprint(content: str) -> str:
    """The sha256 of evidence content, as lowercase hex."""
    return sha256_hex(content)


class EvidenceItem(Strict):
    title: ShortText
    uri: Uri
    sha256: Sha256
    # Evidence is part of hashed audit payloads: untagged items keep the shape they had
    # before tagging existed, so recorded changes replay to the same hashes.
    roles: list[Role] = Field(
        default_factory=list,
        exclude_if=lambda roles: not roles,
        description="Roles this evidence concerns; empty means all roles.",
    )

    def concerns(self, role: Role) -> bool:
        return not self.roles or role in self.roles

    @field_serializer("uri")
    def _uri_as_text(self, uri: AnyUrl) -> str:
        return str(uri)


class EvidenceInput(Strict):
    """Evidence as a client sends it: give sha256, or content for the server to hash (or
    both, when they match); with neither, the request is refused with a 422."""

    # The either-or rule lives in the description, not in an anyOf: client generators
    # turn an anyOf into one class per branch and lose the title and uri.
    title: ShortText
    uri: WebUri
    sha256: Sha256 | None = Field(
        default=None, description="The sha256 of what uri holds; required without content."
    )
    content: Annotated[str, Field(max_length=1_000_000)] | None = Field(
        default=None,
        description="The text itself, for the server to hash; required without sha256.",
    )
    roles: list[Role] = Field(
        default_factory=list, description="Roles this evidence concerns; empty means all roles."
    )

    @model_validator(mode="after")
    def _one_fingerprint_source(self) -> Self:
        if self.sha256 is None and self.content is None:
            raise ValueError("give either sha256 or content for the server to fingerprint")
        both = self.sha256 is not None and self.content is not None
        if both and fingerprint(self.content or "") != self.sha256:
            raise ValueError("sha256 does not match the content given")
        return self

    def to_item(self) -> EvidenceItem:
        digest = self.sha256 or fingerprint(self.content or "")
        return EvidenceItem(title=self.title, uri=self.uri, sha256=digest, roles=self.roles)


class Measurement(Strict):
    metric: ShortText
    value: float
    note: Text | None = None
    recorded_by: str
    recorded_at: datetime


def evidence_changed_for(role: Role, before: list[EvidenceItem], after: list[EvidenceItem]) -> bool:
    """Whether the evidence concerning a role differs, compared by fingerprint."""

    def fingerprints(items: list[EvidenceItem]) -> list[str]:
        return sorted(item.sha256 for item in items if item.concerns(role))

    return fingerprints(before) != fingerprints(after)


class Submission(Strict):
    revision: int
    gate_id: str
    stage: str
    summary: str
    evidence: list[EvidenceItem]
    submitted_by: str
    submitted_at: datetime
    measurements: list[Measurement] = Field(default_factory=list)
    # Submission payloads are hashed: the flag appears only once set, which it never is on
    # the revision a work_submitted event records.
    compacted: bool = Field(
        default=False,
        exclude_if=lambda compacted: not compacted,
        description="True once superseded and trimmed: the read model keeps it in full.",
    )

    def compact(self) -> None:
        """Trim a superseded revision to what the rules still read: its number and who
        submitted it. The read model and the audit log hold it in full."""
        self.evidence, self.measurements = [], []
        self.summary = self.summary[:COMPACT_SUMMARY]
        self.compacted = True
