"""Tokens, browser sessions, password hashing and the login rate limit.

Tokens and sessions are in :mod:`openets.api.sessions` (stored by their SHA-256 in the
``sessions`` table, so they survive a restart). Browser sessions are the same tokens carried in
an HttpOnly cookie, with a CSRF token that every unsafe request made with the cookie must repeat
in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from collections import deque
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from openets.api.sessions import Session, SessionStore, digest

SESSION_COOKIE = "openets_session"
CSRF_HEADER = "X-CSRF-Token"

__all__ = ["CSRF_HEADER", "SESSION_COOKIE", "Session", "SessionStore", "digest"]


def csrf_ok(session: Session, presented: str | None) -> bool:
    return (
        session.csrf is not None
        and presented is not None
        and hmac.compare_digest(session.csrf.encode(), presented.encode())
    )


class LoginLimiter:
    """Failed logins per account: throttled, never locked, never counting a correct password.

    A failure is counted only once the password was checked and found wrong. After
    ``max_failures`` failures within ``window`` seconds the account is throttled: its password
    is checked at most once per ``slot`` seconds (an attempt sooner is answered 429 with
    ``Retry-After`` and checks nothing). Once the wait is over a correct password logs in and
    clears the failures. The key is the account only: no proxy header or client address can
    reset it.
    """

    def __init__(
        self,
        max_failures: int,
        window: float,
        now: Callable[[], float] = time.monotonic,
        *,
        slot: float = 2.0,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.slot = slot
        self._now = now
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float] | None:
        q = self._failures.get(key)
        if q is None:
            return None
        cutoff = self._now() - self.window
        while q and q[0] <= cutoff:
            q.popleft()
        if not q:
            del self._failures[key]
            return None
        return q

    def retry_after(self, username: str, client: str = "") -> int | None:
        """Seconds to wait if the account's password may not be checked now, else None."""
        q = self._recent(username.lower())
        if q is None or len(q) < self.max_failures:
            return None
        wait = q[-1] + self.slot - self._now()
        return max(1, math.ceil(wait)) if wait > 0 else None

    def failed(self, username: str, client: str = "") -> None:
        self._failures.setdefault(username.lower(), deque()).append(self._now())
        if len(self._failures) > 100_000:  # bound memory under a spray of usernames
            for k in list(self._failures)[:50_000]:
                self._recent(k)

    def succeeded(self, username: str, client: str = "") -> None:
        self._failures.pop(username.lower(), None)


class Passwords:
    """argon2id hashing (argon2-cffi); parameters come from the settings."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4) -> None:
        self._ph = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        self._dummy = self._ph.hash(secrets.token_urlsafe(16))
        t0 = time.perf_counter()
        self.verify(self._dummy, "x")
        self.typical = time.perf_counter() - t0
        """Seconds one check takes (a running average): an unknown user's answer waits as long,
        without spending the CPU, so a spray of unknown names delays no real login."""

    def hash(self, password: str) -> str:
        return self._ph.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True if ``password`` matches; an unknown user costs the same time as a wrong one."""
        t0 = time.perf_counter()
        try:
            return self._ph.verify(password_hash or self._dummy, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False
        finally:
            took = time.perf_counter() - t0
            self.typical = 0.9 * getattr(self, "typical", took) + 0.1 * took
