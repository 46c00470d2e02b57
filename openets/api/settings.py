"""Server settings, from ``OPENETS_*`` environment variables or given directly."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from openets.engine.collector import DEFAULT_GEN0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENETS_", extra="ignore")

    preset: str | None = None
    """Market rules preset (``openets rules --preset NAME`` shows one) of a new market; None:
    ``cn``, China's national market. An existing market keeps the preset it started with, and a
    server asked for another refuses to start."""
    token_ttl_seconds: int = 8 * 3600
    login_max_failures: int = 5
    login_window_seconds: float = 60.0
    login_slot_seconds: float = 2.0
    """Past ``login_max_failures``, an account's password is checked at most this often."""
    trusted_proxy: str | None = None
    """The address of a reverse proxy whose ``X-Forwarded-For`` is believed; None: no proxy
    header is believed (the client is the TCP peer)."""
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    hash_threads: int = 2
    """Password hashes computed at once (each takes ``argon2_memory_kib`` of memory)."""
    cookie_secure: bool = False
    """Send the session cookie over HTTPS only (turn on behind TLS)."""
    gc_gen0: int = DEFAULT_GEN0
    """The cyclic garbage collector's youngest-generation threshold while serving (0: Python's
    own, 700); see :mod:`openets.engine.collector`."""
    max_batch: int = 512
    """Jobs per group commit at most."""
    max_body_bytes: int = 1024 * 1024
    """A request body larger than this is refused with 413 before it is read."""
    body_timeout_seconds: float = 10.0
    """A request body must keep arriving: at most this long between chunks (408 otherwise)."""
    auction_tick_seconds: float = 1.0
    """How often the server closes auctions whose bidding window has passed; 0 turns the
    automatic close off (an exchange operator then closes them with POST /auctions/{id}/close)."""
    mfa: Literal["preset", "on", "off"] = "preset"
    """Two-factor login: as the market preset says (``cn``: staff and participants' transfers),
    or forced on or off (the demo and tests switch it off)."""
    smtp_url: str | None = None
    """Send notifications by e-mail: ``smtp://[user:password@]host:port[?from=…&domain=…]``
    (a user's address is ``username@domain``)."""
    signing_key: str | None = None
    """Ed25519 private key file (``openets keys generate``): sign checkpoints of the journal."""
    checkpoint_every: int = 1000
    """With a signing key: a signed checkpoint every this many journal records (and at every
    end of day)."""
