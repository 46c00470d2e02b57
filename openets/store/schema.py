"""Tables. Integers for money and quantities: they behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

journal = Table(
    "journal",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("cmd_seq", BigInteger, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("type", String(64), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("ids", LargeBinary, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("state_hash", String(64), nullable=False),
    Column("blob", LargeBinary, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("account_id", String(32), nullable=True),
    Column("permissions", String(64), nullable=False, server_default="trade,funds,surrender,view"),
    Column("created_ts", BigInteger, nullable=False),
    Column("totp_secret", Text, nullable=True),
    Column("totp_pending", Text, nullable=True),
    Column("totp_last_step", BigInteger, nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("csrf", String(64), nullable=True),
    Column("expires_ts", BigInteger, nullable=False),
    Column("mfa", Integer, nullable=False, server_default="0"),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("username", String(64), primary_key=True),
    Column("status", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
)

registry_tx = Table(
    "registry_tx",
    metadata,
    Column("tx_id", String(32), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("reversed_by", String(32), nullable=False, server_default=""),
    sqlite_with_rowid=False,
)
"""The registry's transactions by id (openets.store.tx_store), written with the journal."""

bank_ref = Table(
    "bank_ref",
    metadata,
    Column("key", Text, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)
"""The fund ledger's bank references, ``<kind>:<ref>`` (openets.store.bankref_store), written
with the journal."""

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
