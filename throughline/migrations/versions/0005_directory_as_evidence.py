"""directory as evidence

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 23:49:53.647169
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.tables

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_event",
        sa.Column("log_id", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("other", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("log_id", "seq"),
    )
    with op.batch_alter_table("directory_event", schema=None) as batch_op:
        batch_op.create_index("ix_directory_event_other", ["other"], unique=False)
        batch_op.create_index("ix_directory_event_subject", ["subject"], unique=False)

    op.create_table(
        "directory_log",
        sa.Column("log_id", sa.String(length=100), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("log_id"),
    )
    op.create_table(
        "token_revocation",
        sa.Column("token_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_id"),
    )
    with op.batch_alter_table("token_revocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_token_revocation_person_id"), ["person_id"], unique=False
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tokens_valid_after", models.tables.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("tokens_valid_after")

    with op.batch_alter_table("token_revocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_token_revocation_person_id"))

    op.drop_table("token_revocation")
    op.drop_table("directory_log")
    with op.batch_alter_table("directory_event", schema=None) as batch_op:
        batch_op.drop_index("ix_directory_event_subject")
        batch_op.drop_index("ix_directory_event_other")

    op.drop_table("directory_event")
