"""Two-factor login: time-based one-time passwords (TOTP, RFC 6238) with pyotp.

A user enrols (``POST /auth/mfa/enroll`` gives a new secret and its ``otpauth://`` URI for an
authenticator app), proves a code (``POST /auth/mfa/confirm``), and from then on logs in with
``otp`` as well. The secret stays in the ``users`` table (never in the journal); the journal
records that two-factor login was turned on. A code is accepted for the step before, the
current and the next 30-second step, and once only (the last accepted step is kept).

When it is required is the market preset's :class:`MfaPolicy` (the server setting ``mfa`` can
force it on or off): every request of a staff user, and a participant's withdrawals and other
off-exchange transfers, need a session opened with a code.
"""

from __future__ import annotations

import hmac
import re
import time

import pyotp
from sqlalchemy import Connection, update

from openets.identity.model import MfaPolicy
from openets.store import schema

__all__ = ["MFA_OFF", "MFA_ON", "MfaError", "MfaPolicy"]

STEP_SECONDS = 30
ISSUER = "OpenETS"
_BASE32 = re.compile(r"^[A-Z2-7]{16,128}$")
_OTP = re.compile(r"^[0-9]{6}$")


class MfaError(ValueError):
    pass


MFA_OFF = MfaPolicy(False, False)
MFA_ON = MfaPolicy(True, True)


def new_secret() -> str:
    return pyotp.random_base32()


def normalise_secret(secret: str) -> str:
    """A base32 secret without spaces or padding, upper case. Raises :class:`MfaError`."""
    s = secret.replace(" ", "").rstrip("=").upper() if isinstance(secret, str) else ""
    if not _BASE32.match(s):
        raise MfaError(
            "totp_secret must be 16-128 base32 characters (A-Z, 2-7), was "
            f"{len(secret) if isinstance(secret, str) else 0} characters"
        )
    return s


def otpauth_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def code_at(secret: str, step: int) -> str:
    return str(pyotp.TOTP(secret).at(step * STEP_SECONDS))


def accepted_step(
    secret: str, otp: str, *, last_step: int | None = None, now: float | None = None
) -> int | None:
    """The step ``otp`` is the code of (the one before, now, or the next), unless it was used
    already (at or before ``last_step``); None if it is no good."""
    if not isinstance(otp, str) or not _OTP.match(otp):
        return None
    step = int(time.time() if now is None else now) // STEP_SECONDS
    for s in (step - 1, step, step + 1):
        if last_step is not None and s <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, s).encode(), otp.encode()):
            return s
    return None


def check_otp_format(otp: str) -> str | None:
    """Why ``otp`` is not a code at all (None if it is 6 ASCII digits)."""
    if isinstance(otp, str) and _OTP.match(otp):
        return None
    return f"otp must be the 6-digit code of the authenticator app, was {otp!r}"


# -- the users table -----------------------------------------------------------------------------


def store_pending(conn: Connection, username: str, secret: str) -> None:
    conn.execute(
        update(schema.users).where(schema.users.c.username == username).values(totp_pending=secret)
    )


def store_secret(conn: Connection, username: str, secret: str, step: int | None = None) -> None:
    """Make ``secret`` the user's confirmed secret (enrolment confirmed, or ``users add``)."""
    conn.execute(
        update(schema.users)
        .where(schema.users.c.username == username)
        .values(totp_secret=secret, totp_pending=None, totp_last_step=step)
    )


def store_step(conn: Connection, username: str, step: int) -> None:
    conn.execute(
        update(schema.users).where(schema.users.c.username == username).values(totp_last_step=step)
    )


def clear_secret(conn: Connection, username: str) -> None:
    """Forget the user's secrets (two-factor login reset: the user enrols again)."""
    conn.execute(
        update(schema.users)
        .where(schema.users.c.username == username)
        .values(totp_secret=None, totp_pending=None, totp_last_step=None)
    )
