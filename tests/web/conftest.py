"""A real server with the browser terminal for the web tests: the API app with the pages
mounted, uvicorn in a background thread, a temporary SQLite market on a simulated clock set in
the listing session of the national market's first trading day.

``web`` (one per test module): ``web.base_url``; ``web.http(username)`` an httpx client logged
in with a browser session (cookie); ``web.participant(name, tonnes=…, yuan=…, kind=…)`` opens
an account (a covered entity's unless ``kind`` says otherwise) with allowances, money and a
user; ``web.instrument(code, price)`` lists a vintage; the staff users of :data:`STAFF` share
:data:`PASSWORD`.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from dsl import fresh_uscc
from pg import module_databases

from openets.api.app import create_app
from openets.api.security import Passwords
from openets.api.server import ServerThread
from openets.api.settings import Settings
from openets.api.users import add_user_to_db
from openets.bootstrap import Market, open_market
from openets.clearing import funds
from openets.client import Client
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.rejection import Rejection
from openets.web.pages import mount

PASSWORD = "correct-horse-battery"
START = "2021-07-16T10:00+08:00"
STAFF = {
    "regop": "registry_operator",
    "regop2": "registry_operator",
    "exop": "exchange_operator",
    "regulator": "regulator",
    "verifier": "verifier",
}
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@dataclass
class Firm:
    account_id: str
    username: str
    name: str


class LiveWeb:
    def __init__(self, server: ServerThread, market: Market) -> None:
        self.server = server
        self.market = market
        self._clients: dict[str, Client] = {}

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def client(self, username: str) -> Client:
        """An API client (bearer token) for preparing the market."""
        c = self._clients.get(username)
        if c is None:
            c = self._clients[username] = Client.login(self.base_url, username, PASSWORD)
        return c

    @contextlib.contextmanager
    def http(self, username: str | None = None, lang: str | None = None) -> Iterator[httpx.Client]:
        """A browser-like client: the session cookie (and its CSRF token) after logging in."""
        with httpx.Client(base_url=self.base_url, timeout=30.0) as h:
            if lang:
                h.cookies.set("openets_lang", lang)
            if username:
                body = {"username": username, "password": PASSWORD}
                r = h.post("/api/v1/auth/session", json=body)
                assert r.status_code == 200, r.text
                h.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            yield h

    def participant(
        self,
        name: str,
        *,
        province: str = "山东",
        tonnes: int = 0,
        yuan_fen: int = 0,
        kind: str = "entity",
    ) -> Firm:
        regop = self.client("regop")
        acct = regop.open_account(kind, name, fresh_uscc(), province)["account_id"]
        if tonnes:
            regop.issue(acct, "CEA19-20", tonnes, "allocation", approver=self.client("regop2"))
        if yuan_fen:
            self.submit(funds.Deposit(acct, yuan_fen, f"TEST-{secrets.token_hex(6)}"), "bank")
        username = f"firm{secrets.token_hex(4)}"
        regop.create_user(username, PASSWORD, "participant", acct)
        self.client("regop2").approve_user(username)  # a different person approves
        return Firm(acct, username, name)

    def instrument(self, code: str = "CEA19-20", price: str = "48.00") -> None:
        self.client("exop").post(
            "/instruments", {"code": code, "product": code, "reference_price": price}
        )

    def submit(self, cmd: Any, actor: str) -> Any:
        seq = self.server.services.sequencer
        r = self.server.call(lambda: seq.submit(cmd, actor))
        assert not isinstance(r, Rejection), f"unexpected rejection: {r}"
        return r

    def close(self) -> None:
        for c in self._clients.values():
            c.close()


DB_FACTORY: Callable[[], str] | None = None
"""Where a new server keeps its market: None, a SQLite file of its own; in the PostgreSQL pass,
for a module ``ON_THE_RUNS_DATABASE``, a fresh database on the pass's throwaway cluster."""


@pytest.fixture(scope="module", autouse=True)
def _pages_on_the_runs_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """For a module ``ON_THE_RUNS_DATABASE`` on the PostgreSQL pass: its servers' databases
    (the pages in front of a market on PostgreSQL, as users run it)."""
    global DB_FACTORY
    with module_databases(request) as new_database:
        DB_FACTORY = new_database
        try:
            yield
        finally:
            DB_FACTORY = None


@contextlib.contextmanager
def live_web(path: Path, preset: str = "cn") -> Iterator[LiveWeb]:
    db = DB_FACTORY() if DB_FACTORY is not None else f"sqlite:///{path / 'market.db'}"
    fast = Passwords(1, 8192, 1)
    for user, role in STAFF.items():
        add_user_to_db(db, user, PASSWORD, role, None, passwords=fast)
    market = open_market(db, SimulatedClock(parse_iso(START)), preset=preset)
    settings = Settings(argon2_time_cost=1, argon2_memory_kib=8192, argon2_parallelism=1, mfa="off")
    app = create_app(market, settings)
    if getattr(app.state, "web", None) is None:  # until create_app mounts the terminal itself
        mount(app, app.state.services)
    server = ServerThread(app).start()
    live = LiveWeb(server, market)
    try:
        yield live
    finally:
        live.close()
        server.stop()
        market.engine.journal.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveWeb]:
    path = tmp_path_factory.mktemp("web")
    with live_web(path) as live:
        yield live
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium "
            "(make browser, or apt-get install chromium)"
        )
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Any]:
    """Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), args=BROWSER_ARGS)
        yield b
        b.close()
