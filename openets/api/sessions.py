"""Login sessions: opaque bearer tokens and browser cookies, kept by the SHA-256 of the token.

A token is 256 random bits; the server keeps only its digest (in memory and in the ``sessions``
table), so neither holds anything a caller could present. A session expires after
``token_ttl_seconds`` (8 hours by default) or on logout. Changes are queued here and written to
the ``sessions`` table by the writer (:meth:`openets.api.deps.Services.save_sessions`) before
the login or logout is answered; a restarted server loads the sessions that have not expired, so
nobody is logged out by a restart. Who a session's user is and may do is read from the journal
on every request (a disabled user's sessions end at once).

A logout tells whoever watches the session (the private WebSocket feed closes).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from openets.api.auth import Principal
from openets.store import schema


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    principal: Principal
    expires_at: float
    csrf: str | None  # set for cookie sessions only
    mfa: bool = False
    """Opened with a one-time code (or two-factor login confirmed in it)."""


Op = tuple[str, tuple[Any, ...]]


class SessionStore:
    """Sessions by token digest, in memory, with the table's changes queued for the writer."""

    def __init__(self, ttl_seconds: int, now: Callable[[], float] = time.time) -> None:
        self.ttl = ttl_seconds
        self._now = now
        self._by_digest: dict[str, Session] = {}
        self._ops: list[Op] = []
        self._watchers: dict[str, list[Callable[[], None]]] = {}

    def issue(
        self, principal: Principal, *, cookie: bool = False, mfa: bool = False
    ) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32) if cookie else None
        session = Session(principal, self._now() + self.ttl, csrf, mfa)
        key = digest(token)
        self._by_digest[key] = session
        self._ops.append(("put", (key, principal.username, csrf, int(session.expires_at), mfa)))
        if len(self._by_digest) % 1024 == 0:
            self.prune()
        return token, session

    def lookup(self, token: str) -> Session | None:
        key = digest(token)
        s = self._by_digest.get(key)
        if s is None:
            return None
        if s.expires_at <= self._now():
            self._drop(key)
            return None
        return s

    def mark_mfa(self, token: str) -> None:
        """The session proved a one-time code (two-factor login confirmed in it)."""
        key = digest(token)
        s = self._by_digest.get(key)
        if s is not None:
            self._by_digest[key] = Session(s.principal, s.expires_at, s.csrf, True)
            self._ops.append(("mfa", (key,)))

    def revoke(self, token: str) -> None:
        self._drop(digest(token))

    def _drop(self, key: str) -> None:
        if self._by_digest.pop(key, None) is not None:
            self._ops.append(("del", (key,)))
        for fn in self._watchers.pop(key, []):
            fn()

    def revoke_user(self, username: str) -> int:
        """End every session of ``username`` (a disabled login): its feeds close too."""
        keys = [k for k, s in self._by_digest.items() if s.principal.username == username]
        for k in keys:
            self._drop(k)
        return len(keys)

    def watch(self, token: str, fn: Callable[[], None]) -> Callable[[], None]:
        """Call ``fn`` when the session ends (logout); returns the function that stops it."""
        key = digest(token)
        self._watchers.setdefault(key, []).append(fn)

        def unwatch() -> None:
            fns = self._watchers.get(key)
            if fns is not None and fn in fns:
                fns.remove(fn)
                if not fns:
                    del self._watchers[key]

        return unwatch

    def prune(self) -> None:
        now = self._now()
        for k in [k for k, s in self._by_digest.items() if s.expires_at <= now]:
            self._drop(k)

    # -- the table ------------------------------------------------------------------------------
    def take_ops(self) -> list[Op]:
        ops, self._ops = self._ops, []
        return ops

    def load(self, rows: Iterable[tuple[Any, ...]], principal: Callable[[str], Any]) -> int:
        """Sessions from the table (digest, username, csrf, expires_ts, mfa) that have not
        expired and whose user is active; returns how many."""
        now, n = self._now(), 0
        for key, username, csrf, expires, mfa in rows:
            p = principal(username)
            if p is None or expires <= now:
                continue
            self._by_digest[key] = Session(p, float(expires), csrf, bool(mfa))
            n += 1
        return n


def write_ops(conn: Connection, ops: list[Op]) -> None:
    """Apply queued session changes on the writer's connection."""
    t = schema.sessions
    for kind, args in ops:
        if kind == "put":
            key, username, csrf, expires, mfa = args
            conn.execute(
                insert(t).values(
                    digest=key, username=username, csrf=csrf, expires_ts=expires, mfa=int(mfa)
                )
            )
        elif kind == "mfa":
            conn.execute(update(t).where(t.c.digest == args[0]).values(mfa=1))
        else:
            conn.execute(delete(t).where(t.c.digest == args[0]))


def load_rows(engine: Engine, now: float | None = None) -> list[tuple[Any, ...]]:
    """The sessions that have not expired (expired ones are deleted)."""
    t = schema.sessions
    cutoff = int(time.time() if now is None else now)
    with engine.begin() as conn:
        conn.execute(delete(t).where(t.c.expires_ts <= cutoff))
        rows = conn.execute(select(t.c.digest, t.c.username, t.c.csrf, t.c.expires_ts, t.c.mfa))
        return [tuple(r) for r in rows]
