"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 06:28:49.470751
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("change_id", "seq"),
    )
    op.create_table(
        "change",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("workflow_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=False),
        sa.Column("playbook", sa.String(length=64), nullable=False),
        sa.Column("playbook_version", sa.Integer(), nullable=False),
        sa.Column("iteration", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("gate_id", sa.String(length=100), nullable=False),
        sa.Column("gate_status", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("proposer", sa.String(length=64), nullable=False),
        sa.Column("waiting_kind", sa.String(length=32), nullable=False),
        sa.Column("waiting_since", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("waiting_reason", sa.String(), nullable=False),
        sa.Column("created_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_service"), ["service"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_stage"), ["stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_status"), ["status"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "change_waiting",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("since", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change.id"],
        ),
        sa.PrimaryKeyConstraint("change_id", "person_id", "role"),
    )
    with op.batch_alter_table("change_waiting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_waiting_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_change_waiting_role"), ["role"], unique=False)

    op.create_table(
        "gate",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("gate_id", sa.String(length=100), nullable=False),
        sa.Column("iteration", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("opened_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change.id"],
        ),
        sa.PrimaryKeyConstraint("change_id", "gate_id"),
    )
    op.create_table(
        "handoff",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("from_party", sa.String(), nullable=False),
        sa.Column("to_party", sa.String(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("opened_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change.id"],
        ),
        sa.PrimaryKeyConstraint("change_id", "seq"),
    )
    op.create_table(
        "measurement",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("iteration", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change.id"],
        ),
        sa.PrimaryKeyConstraint("change_id", "iteration", "metric"),
    )
    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("granted_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.create_index("ix_role_grant_person_role", ["person_id", "role"], unique=False)

    op.create_table(
        "sign_off",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("reject_to", sa.String(length=64), nullable=True),
        sa.Column("at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.Boolean(), nullable=False),
        sa.Column("not_counted_reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change.id"],
        ),
        sa.PrimaryKeyConstraint("change_id", "seq"),
    )
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_off_person_id"), ["person_id"], unique=False)

    op.create_table(
        "submission",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.String(length=100), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", models.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["change.id"],
        ),
        sa.PrimaryKeyConstraint("change_id", "revision"),
    )


def downgrade() -> None:
    op.drop_table("submission")
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_off_person_id"))

    op.drop_table("sign_off")
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_role_grant_person_role")

    op.drop_table("role_grant")
    op.drop_table("measurement")
    op.drop_table("handoff")
    op.drop_table("gate")
    with op.batch_alter_table("change_waiting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_waiting_role"))
        batch_op.drop_index(batch_op.f("ix_change_waiting_person_id"))

    op.drop_table("change_waiting")
    op.drop_table("person")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_status"))
        batch_op.drop_index(batch_op.f("ix_change_stage"))
        batch_op.drop_index(batch_op.f("ix_change_service"))
        batch_op.drop_index(batch_op.f("ix_change_created_at"))

    op.drop_table("change")
    op.drop_table("audit_event")
