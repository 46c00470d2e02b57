"""The journal without its index on ``cmd_seq``: nothing reads the journal by command number
(every read goes by ``seq``, the primary key), and every append had to keep the index up to
date (about a twelfth of SQLite's work inserting a record). The rows are unchanged.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEX = "ix_journal_cmd_seq"


def _has_index() -> bool:
    return any(i["name"] == INDEX for i in sa.inspect(op.get_bind()).get_indexes("journal"))


def upgrade() -> None:
    if _has_index():
        op.drop_index(INDEX, table_name="journal")


def downgrade() -> None:
    if not _has_index():
        op.create_index(INDEX, "journal", ["cmd_seq"])
