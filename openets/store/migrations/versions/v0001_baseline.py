"""Baseline: the journal, snapshots, users, idempotency keys and meta.

Databases made before migrations existed (by ``metadata.create_all``) already hold these
tables: each is created only where it is missing, so they are adopted without a separate stamp.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("journal"):
        op.create_table(
            "journal",
            sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("cmd_seq", sa.BigInteger(), nullable=False),
            sa.Column("ts", sa.BigInteger(), nullable=False),
            sa.Column("actor", sa.String(length=128), nullable=False),
            sa.Column("type", sa.String(length=64), nullable=False),
            sa.Column("payload", sa.LargeBinary(), nullable=False),
            sa.Column("ids", sa.LargeBinary(), nullable=False),
            sa.Column("prev_hash", sa.String(length=64), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("seq"),
        )
        op.create_index("ix_journal_cmd_seq", "journal", ["cmd_seq"])
    if _missing("snapshots"):
        op.create_table(
            "snapshots",
            sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("state_hash", sa.String(length=64), nullable=False),
            sa.Column("blob", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("seq"),
        )
    if _missing("users"):
        op.create_table(
            "users",
            sa.Column("username", sa.String(length=64), nullable=False),
            sa.Column("password_hash", sa.Text(), nullable=False),
            sa.Column("role", sa.String(length=32), nullable=False),
            sa.Column("account_id", sa.String(length=32), nullable=True),
            sa.Column(
                "permissions",
                sa.String(length=64),
                server_default="trade,funds,surrender,view",
                nullable=False,
            ),
            sa.Column("created_ts", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("username"),
        )
    if _missing("idempotency"):
        op.create_table(
            "idempotency",
            sa.Column("key", sa.String(length=128), nullable=False),
            sa.Column("username", sa.String(length=64), nullable=False),
            sa.Column("status", sa.Integer(), nullable=False),
            sa.Column("body", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("key", "username"),
        )
    if _missing("meta"):
        op.create_table(
            "meta",
            sa.Column("key", sa.String(length=64), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )


def downgrade() -> None:
    for name in ("meta", "idempotency", "users", "snapshots"):
        op.drop_table(name)
    op.drop_index("ix_journal_cmd_seq", table_name="journal")
    op.drop_table("journal")
