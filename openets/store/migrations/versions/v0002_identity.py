"""Identity: two-factor login columns on ``users`` and the ``sessions`` table.

``totp_secret`` is the confirmed TOTP secret (RFC 6238), ``totp_pending`` one being enrolled,
``totp_last_step`` the last 30-second step a code was accepted for (a code is good once).
``sessions`` holds each login session by the SHA-256 of its token (never the token itself), so
sessions survive a restart and end on logout or expiry.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    cols = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("users")}
    with op.batch_alter_table("users") as batch:
        if "totp_secret" not in cols:
            batch.add_column(sa.Column("totp_secret", sa.Text(), nullable=True))
        if "totp_pending" not in cols:
            batch.add_column(sa.Column("totp_pending", sa.Text(), nullable=True))
        if "totp_last_step" not in cols:
            batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    if not sa.inspect(op.get_bind()).has_table("sessions"):
        op.create_table(
            "sessions",
            sa.Column("digest", sa.String(length=64), nullable=False),
            sa.Column("username", sa.String(length=64), nullable=False),
            sa.Column("csrf", sa.String(length=64), nullable=True),
            sa.Column("expires_ts", sa.BigInteger(), nullable=False),
            sa.Column("mfa", sa.Integer(), server_default="0", nullable=False),
            sa.PrimaryKeyConstraint("digest"),
        )
        op.create_index("ix_sessions_username", "sessions", ["username"])


def downgrade() -> None:
    op.drop_index("ix_sessions_username", table_name="sessions")
    op.drop_table("sessions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_pending")
        batch.drop_column("totp_secret")
