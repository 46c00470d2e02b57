"""Idempotency keys: a retried POST with the same ``Idempotency-Key`` (same user) gets the
first answer back, status and body, without the command being submitted again.

The answer is stored in the ``idempotency`` table on the writer's connection, inside the same
transaction as the command's journal records, so a command and its stored answer become durable
together. The stored body is ``<sha256 of method, path and request body> | <response body>``:
the same key sent with a different request is refused (``IDEMPOTENCY_KEY_REUSED``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from openets.store import schema

MAX_KEY = 128
_FP_LEN = 64


def fingerprint(method: str, path: str, body: bytes) -> str:
    h = hashlib.sha256()
    h.update(method.encode())
    h.update(b" ")
    h.update(path.encode())
    h.update(b"\n")
    h.update(body)
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Stored:
    fingerprint: str
    status: int
    body: bytes


def lookup(conn: Connection, key: str, username: str) -> Stored | None:
    t = schema.idempotency
    row = conn.execute(
        select(t.c.status, t.c.body).where(t.c.key == key, t.c.username == username)
    ).first()
    if row is None:
        return None
    blob = bytes(row[1])
    return Stored(blob[:_FP_LEN].decode(), int(row[0]), blob[_FP_LEN + 1 :])


def stage(conn: Connection, key: str, username: str, fp: str, status: int, body: bytes) -> None:
    """Insert the answer on ``conn``; committed with the batch (a duplicate is left alone)."""
    ins = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    blob = fp.encode() + b"|" + body
    conn.execute(
        ins(schema.idempotency)
        .values(key=key, username=username, status=status, body=blob)
        .on_conflict_do_nothing()
    )
