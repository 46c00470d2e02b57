"""Running the API: ``openets serve`` (``run_server``), demo seeding, and a server in a
background thread for tests and tools (``ServerThread``)."""

from __future__ import annotations

import asyncio
import cProfile
import os
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from openets.api import logredact
from openets.api.app import create_app
from openets.api.auth import Role
from openets.api.deps import Services
from openets.api.settings import Settings
from openets.api.users import bootstrap_logins
from openets.bootstrap import Market, open_market
from openets.clearing import funds
from openets.domain.clock import Clock, RealClock, SimulatedClock, parse_iso
from openets.domain.identity import make_uscc
from openets.domain.rejection import Rejection
from openets.engine.collector import settle
from openets.registry import commands as rc
from openets.registry.model import SubjectType

T = TypeVar("T")


def make_clock(mode: str, start: str) -> Clock:
    if mode == "real":
        return RealClock()
    if mode == "simulated":
        return SimulatedClock(parse_iso(start))
    raise ValueError(f"clock must be 'real' or 'simulated', was {mode!r}")


def resume_clock(clock: Clock, market: Market) -> None:
    """A simulated clock never goes back: after a restart it resumes at the journal's last time."""
    from openets.ops.clock_service import journaled_now

    last = market.engine.last_time
    advanced = journaled_now(market.state)
    if advanced is not None and (last is None or advanced > last):
        last = advanced  # the journaled clock (an advance acknowledged before a crash)
    if isinstance(clock, SimulatedClock) and last is not None and last > clock.now():
        clock.set(last)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    password: str
    role: str
    account_id: str | None


DEMO_ACCOUNTS = (
    ("华能示范电厂", "山东", "91370100"),
    ("粤电示范电厂", "广东", "91440100"),
    ("苏州示范热电", "江苏", "91320500"),
)


def seed_demo(market: Market, services: Services) -> list[DemoLogin]:
    """Open a few demo accounts (with allowances and money) and users, if the market has no
    participant accounts yet. Returns the logins made (with their passwords)."""
    reg = market.state.registry
    if any(a.system_role is None for a in reg.accounts.values()):
        return []
    eng = market.engine
    accounts = []
    with eng.batch():
        for i, (name, province, prefix) in enumerate(DEMO_ACCOUNTS, start=1):
            r = eng.submit(
                rc.OpenAccount(SubjectType.ENTITY, name, make_uscc(f"{prefix}MA{i:07d}"), province),
                "seed",
            )
            if isinstance(r, Rejection):
                raise RuntimeError(f"demo account refused: {r}")
            acct = r[0].account_id  # type: ignore[attr-defined]
            accounts.append(acct)
            for cmd in (
                rc.Issue(acct, "CEA19-20", 200_000, "demo allocation"),
                rc.Issue(acct, "CEA21", 100_000, "demo allocation"),
                funds.Deposit(acct, 500_000_000, f"DEMO-{acct}"),
            ):
                r = eng.submit(cmd, "seed")
                if isinstance(r, Rejection):
                    raise RuntimeError(f"demo seeding refused: {r}")
    wanted: list[tuple[str, Role, str | None]] = [
        ("regop1", Role.REGISTRY_OPERATOR, None),
        ("regop2", Role.REGISTRY_OPERATOR, None),
        ("exop", Role.EXCHANGE_OPERATOR, None),
        ("regulator", Role.REGULATOR, None),
        ("verifier", Role.VERIFIER, None),
    ] + [(f"entity{i}", Role.PARTICIPANT, a) for i, a in enumerate(accounts, start=1)]
    passwords = {u: secrets.token_urlsafe(12) for u, _, _ in wanted}
    added = bootstrap_logins(
        eng,
        services.side.connection,
        [(u, services.passwords.hash(passwords[u]), role, a) for u, role, a in wanted],
    )
    services.side.commit_own()
    return [DemoLogin(u, passwords[u], role.value, a) for u, role, a in wanted if u in added]


def mfa_notice(services: Services) -> str:
    """What the printed logins need besides the password (two-factor login)."""
    policy = services.mfa
    if not policy.staff and not policy.participant_transfers:
        return "two-factor login (TOTP) is OFF in this market: the logins need only a password"
    return (
        "two-factor login (TOTP) is ON: staff log in with a one-time code, participants need "
        "one to withdraw; enrol after logging in (POST /api/v1/auth/mfa/enroll, then "
        "/auth/mfa/confirm), or start the server with --mfa off for a trial"
    )


def warm_up() -> None:
    """Load now what the first requests would otherwise load inside the event loop (the
    exchange calendar's data, seconds of pandas import), so no request waits for it."""
    from openets.presets import PRESETS

    for rules in PRESETS.values():
        rules.calendar  # noqa: B018 - loaded and cached on first use


def open_served_market(db: str, clock: Clock, settings: Settings) -> Market:
    """The market at ``db`` under ``settings.preset``: a new market is configured with it (None:
    ``cn``); an existing one keeps the preset it started with, and naming another is an error."""
    from openets.presets import PRESETS

    wanted = settings.preset
    if wanted is not None and wanted not in PRESETS:
        raise SystemExit(f"error: preset must be one of {', '.join(PRESETS)}, was {wanted!r}")
    market = open_market(db, clock, preset=wanted or "cn")
    if wanted is not None and market.state.preset != wanted:
        market.engine.journal.close()
        raise SystemExit(
            f"error: the market at {db} was configured with preset {market.state.preset!r} at "
            f"its start; it cannot be served as {wanted!r} (a market's preset is fixed)"
        )
    return market


def run_server(
    db: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    clock: str = "real",
    start: str = "2021-07-16T09:00+08:00",
    seed_registry: bool = False,
    settings: Settings | None = None,
) -> None:
    """Open the market at ``db`` and serve the API until interrupted (``openets serve``); the
    market's preset is ``settings.preset`` (``OPENETS_PRESET`` or ``--preset``)."""
    settings = settings or Settings()
    the_clock = make_clock(clock, start)
    market = open_served_market(db, the_clock, settings)
    resume_clock(the_clock, market)
    app = create_app(market, settings)
    services: Services = app.state.services
    if seed_registry:
        for login in seed_demo(market, services):
            where = f" for account {login.account_id}" if login.account_id else ""
            print(f"login: {login.username} / {login.password}  ({login.role}{where})")  # noqa: T201
        print(mfa_notice(services), flush=True)  # noqa: T201
    print(  # noqa: T201
        f"OpenETS serving http://{host}:{port}/api/v1 (clock {clock}, "
        f"journal seq {market.state.last_seq})",
        flush=True,
    )
    warm_up()
    settle(settings.gc_gen0)  # the recovered market frozen; the young generation larger
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="info",
        lifespan="on",
        # X-Forwarded-For is believed only from the proxy named with --trusted-proxy
        proxy_headers=settings.trusted_proxy is not None,
        forwarded_allow_ips=settings.trusted_proxy or "",
    )
    logredact.install()  # uvicorn's logging is set up now: filter its loggers again
    profile_to = os.environ.get("OPENETS_PROFILE")  # a cProfile of the serving, for tuning
    profiler = cProfile.Profile() if profile_to else None
    try:
        if profiler is not None:
            # uvicorn raises SIGTERM again once it has shut down: end with the profile written
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            profiler.enable()
        uvicorn.Server(config).run()
    finally:
        if profiler is not None and profile_to:
            profiler.disable()
            profiler.dump_stats(profile_to)
        market.engine.journal.close()


class ServerThread:
    """The API on 127.0.0.1 in a background thread, for tests and tools.

    ``call`` runs a coroutine in the server's event loop (e.g. a sequencer submission), so
    a test can prepare the market through the one writer while the server runs.
    """

    def __init__(self, app: FastAPI, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            host=host,
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            loop="asyncio",
            proxy_headers=False,
        )
        self.server = uvicorn.Server(config)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._main, name="openets-api", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    def _main(self) -> None:
        async def serve() -> None:
            self.loop = asyncio.get_running_loop()
            await self.server.serve(sockets=[self._sock])

        asyncio.run(serve())

    def start(self, timeout: float = 20.0) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self.server.started:
            raise RuntimeError("the API server did not start")
        return self

    def call(self, fn: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
        assert self.loop is not None

        async def run() -> T:
            return await fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    def stop(self, timeout: float = 20.0) -> None:
        self.server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["DemoLogin", "ServerThread", "make_clock", "run_server", "seed_demo"]
