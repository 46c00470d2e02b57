"""A real API server for the tests: uvicorn on 127.0.0.1 (a free port) in a background thread,
on a temporary SQLite file, with a simulated clock. The fixtures are in ``conftest.py``; test
modules import the helpers from here (``from liveapi import PASSWORD, LiveApi``).

Fixtures other routers' tests reuse:

- ``api`` (one server per test session): ``api.base_url``; ``api.client(username)`` a logged-in
  :class:`openets.client.Client` (staff users ``regop``, ``regop2``, ``exop``, ``regulator``,
  ``verifier``; password :data:`PASSWORD`); ``api.anon()``; ``api.participant(tonnes=…, fen=…,
  permissions=…)`` opens an account with a user bound to it; ``api.submit(cmd, actor)`` puts a
  command through the server's sequencer; ``api.market`` / ``api.state`` for assertions;
  ``with api.unchanged(): …`` asserts the journal and the state hash did not move.
- ``fresh_api``: a server of its own for one test (an empty market).
- ``make_live_api(path, clock=…)``: the context manager behind both.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dsl import START, fresh_uscc

from openets.api.app import create_app
from openets.api.security import Passwords
from openets.api.server import ServerThread
from openets.api.settings import Settings
from openets.api.users import add_user_to_db
from openets.bootstrap import Market, open_market
from openets.clearing import funds
from openets.client import Client
from openets.domain.clock import Clock, RealClock, SimulatedClock, parse_iso
from openets.domain.rejection import Rejection
from openets.market import MarketState

PASSWORD = "correct-horse-battery"

DB_FACTORY: Callable[[], str] | None = None
"""Where a new server keeps its market: ``None`` for a SQLite file in the test's directory, or a
function giving a fresh database URL (set for the modules that run on the run's database, see
``tests/api/conftest.py``)."""


def server_db(path: Path) -> str:
    """The database URL of a new test server's market (see :data:`DB_FACTORY`)."""
    return DB_FACTORY() if DB_FACTORY is not None else f"sqlite:///{path / 'market.db'}"
STAFF = {
    "regop": "registry_operator",
    "regop2": "registry_operator",
    "exop": "exchange_operator",
    "regulator": "regulator",
    "verifier": "verifier",
}
ROLE_USER = {role: user for user, role in reversed(list(STAFF.items()))}
"""A staff username per role (``registry_operator`` -> ``regop``)."""


def fast_settings(**kw: Any) -> Settings:
    """Settings with cheap password hashing (tests log in a lot), and two-factor login off
    unless a test asks for it (``mfa="preset"``; the two-factor tests do)."""
    kw.setdefault("mfa", "off")
    return Settings(argon2_time_cost=1, argon2_memory_kib=8192, argon2_parallelism=1, **kw)


@dataclass
class Participant:
    account_id: str
    username: str
    client: Client


class LiveApi:
    def __init__(self, server: ServerThread, market: Market, clock: Clock) -> None:
        self.server = server
        self.market = market
        self.clock = clock
        self._clients: dict[str, Client] = {}

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def state(self) -> MarketState:
        return self.market.state

    @property
    def services(self) -> Any:
        return self.server.services

    def seq(self) -> int:
        return self.market.state.last_seq

    # --- clients --------------------------------------------------------------------------
    def anon(self) -> Client:
        return Client(self.base_url)

    def login(self, username: str, password: str = PASSWORD) -> Client:
        """A new logged-in client (a new token)."""
        return Client.login(self.base_url, username, password)

    def client(self, username: str) -> Client:
        """A logged-in client for ``username``, or for a role's staff user (cached)."""
        username = ROLE_USER.get(username, username)
        c = self._clients.get(username)
        if c is None:
            c = self._clients[username] = self.login(username)
        return c

    # --- the market -----------------------------------------------------------------------
    def submit(self, cmd: Any, actor: str = "test") -> Any:
        """Submit through the server's sequencer (the one writer); asserts it is accepted."""
        seq = self.services.sequencer
        r = self.server.call(lambda: seq.submit(cmd, actor))
        assert not isinstance(r, Rejection), f"unexpected rejection: {r}"
        return r

    def participant(
        self,
        *,
        tonnes: dict[str, int] | None = None,
        fen: int = 0,
        permissions: list[str] | None = None,
        province: str = "山东",
        username: str | None = None,
    ) -> Participant:
        """A new participant account with allowances and money, and a user bound to it."""
        regop = self.client("regop")
        acct = regop.open_account("entity", "测试电厂", fresh_uscc(), province)["account_id"]
        for prod, q in (tonnes or {}).items():
            regop.issue(acct, prod, q, "test allocation", approver=self.client("regop2"))
        if fen:
            self.submit(funds.Deposit(acct, fen, f"TEST-{secrets.token_hex(6)}"), "bank")
        username = username or f"u{secrets.token_hex(5)}"
        regop.create_user(username, PASSWORD, "participant", acct, permissions)
        self.client("regop2").approve_user(username)  # a different person approves
        return Participant(acct, username, self.login(username))

    @contextlib.contextmanager
    def unchanged(self) -> Iterator[None]:
        """Assert the block changed nothing: same journal seq, same state hash."""
        before = (self.state.last_seq, self.state.state_hash())
        yield
        after = (self.state.last_seq, self.state.state_hash())
        assert after == before, f"the market changed: {before} -> {after}"


@contextlib.contextmanager
def make_live_api(
    path: Path, *, clock: str = "simulated", settings: Settings | None = None, preset: str = "cn"
) -> Iterator[LiveApi]:
    db = server_db(path)
    fast = Passwords(1, 8192, 1)
    for user, role in STAFF.items():
        add_user_to_db(db, user, PASSWORD, role, None, passwords=fast)
    clk: Clock = SimulatedClock(parse_iso(START)) if clock == "simulated" else RealClock()
    market = open_market(db, clk, preset=preset)
    app = create_app(market, settings or fast_settings())
    server = ServerThread(app).start()
    live = LiveApi(server, market, clk)
    try:
        yield live
    finally:
        for c in live._clients.values():
            c.close()
        server.stop()
        market.engine.journal.close()
