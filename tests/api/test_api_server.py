"""``openets serve`` and ``openets users add``: the server process, demo seeding, users on disk."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from dsl import START, fresh_uscc
from liveapi import PASSWORD, fast_settings

from openets.api.app import create_app
from openets.api.security import Passwords
from openets.api.server import ServerThread, seed_demo
from openets.api.users import UserError, add_user_to_db
from openets.bootstrap import open_market
from openets.client import Client
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.rejection import Rejection
from openets.registry import commands as rc
from openets.registry.model import SubjectType

FAST = Passwords(1, 8192, 1)


def test_seed_opens_demo_accounts_with_holdings_and_working_logins(tmp_path: Path) -> None:
    market = open_market(f"sqlite:///{tmp_path / 'm.db'}", SimulatedClock(parse_iso(START)))
    app = create_app(market, fast_settings())
    logins = seed_demo(market, app.state.services)
    roles = {x.role for x in logins}
    assert roles == {
        "exchange_operator",
        "participant",
        "regulator",
        "registry_operator",
        "verifier",
    }
    entity = next(x for x in logins if x.role == "participant")
    assert entity.account_id is not None
    assert market.state.registry.bucket(entity.account_id, "CEA21")[0] > 0
    assert seed_demo(market, app.state.services) == []  # not twice
    with ServerThread(app) as srv:
        c = Client.login(srv.base_url, entity.username, entity.password)
        assert c.funds(entity.account_id)["available"] != "0.00"


def test_users_add_binds_a_participant_to_an_existing_account(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    market = open_market(db, SimulatedClock(parse_iso(START)))
    r = market.engine.submit(rc.OpenAccount(SubjectType.ENTITY, "x", fresh_uscc(), "山东"), "op")
    assert not isinstance(r, Rejection)
    acct: str = getattr(r[0], "account_id")  # noqa: B009
    market.engine.journal.close()
    add_user_to_db(db, "plant1", PASSWORD, "participant", acct, passwords=FAST)
    with pytest.raises(UserError) as exc:
        add_user_to_db(db, "plant2", PASSWORD, "participant", "A999999", passwords=FAST)
    assert (exc.value.code, exc.value.field) == ("UNKNOWN_ACCOUNT", "account_id")
    with pytest.raises(UserError) as dup:
        add_user_to_db(db, "plant1", PASSWORD, "participant", acct, passwords=FAST)
    assert dup.value.code == "DUPLICATE"


@pytest.mark.timeout(60)
def test_openets_serve_answers_on_loopback(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = f"sqlite:///{tmp_path / 'm.db'}"
    cmd = [
        sys.executable,
        "-m",
        "openets.cli",
        "serve",
        "--db",
        db,
        "--port",
        str(port),
        "--clock",
        "simulated",
        "--seed-registry",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 90  # a loaded machine: imports, migrations, password hashes
        while time.monotonic() < deadline:
            try:
                h = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("openets serve did not answer")
        assert h["status"] == "ok" and h["clock"] == "simulated"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "login: regop1 / " in out


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_serve_accepts_every_preset(tmp_path: Path) -> None:
    """``openets serve --preset NAME`` opens a new market under each preset and serves it."""
    from openets.presets import PRESETS

    procs: dict[str, tuple[int, subprocess.Popen[str]]] = {}
    try:
        for name in PRESETS:
            port = _free_port()
            db = f"sqlite:///{tmp_path / f'{name}.db'}"
            cmd = [sys.executable, "-m", "openets.cli", "serve", "--db", db, "--port", str(port),
                   "--clock", "simulated", "--preset", name]  # fmt: skip
            procs[name] = port, subprocess.Popen(
                cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
            )
        served: dict[str, str] = {}
        deadline = time.monotonic() + 90
        while len(served) < len(procs) and time.monotonic() < deadline:
            for name, (port, _) in procs.items():
                if name in served:
                    continue
                try:
                    url = f"http://127.0.0.1:{port}/api/v1/ops/status"
                    served[name] = httpx.get(url, timeout=1).json()["preset"]
                except httpx.HTTPError:
                    pass
            time.sleep(0.3)
        assert served == {name: name for name in PRESETS}
    finally:
        for _, proc in procs.values():
            proc.terminate()
        for _, proc in procs.values():
            proc.communicate(timeout=20)


def test_settings_preset_selects_the_preset_of_a_new_market(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openets.api.server import open_served_market
    from openets.api.settings import Settings

    clock = SimulatedClock(parse_iso(START))
    market = open_served_market(f"sqlite:///{tmp_path / 'a.db'}", clock, Settings(preset="cn-cda"))
    assert market.state.preset == "cn-cda" and market.state.rules.name == "cn-cda"
    market.engine.journal.close()
    monkeypatch.setenv("OPENETS_PRESET", "eu-like")
    market = open_served_market(f"sqlite:///{tmp_path / 'b.db'}", clock, Settings())
    assert market.state.preset == "eu-like"
    market.engine.journal.close()
    monkeypatch.delenv("OPENETS_PRESET")
    market = open_served_market(f"sqlite:///{tmp_path / 'c.db'}", clock, Settings())
    assert market.state.preset == "cn"  # no preset named: China's national market
    market.engine.journal.close()


def test_serve_refuses_a_preset_other_than_the_markets_own(tmp_path: Path) -> None:
    from openets.api.server import open_served_market
    from openets.api.settings import Settings

    db = f"sqlite:///{tmp_path / 'm.db'}"
    clock = SimulatedClock(parse_iso(START))
    open_market(db, clock, preset="cn-demo").engine.journal.close()
    with pytest.raises(SystemExit) as exc:
        open_served_market(db, clock, Settings(preset="eu-like"))
    assert "configured with preset 'cn-demo'" in str(exc.value) and "'eu-like'" in str(exc.value)
    market = open_served_market(db, clock, Settings())  # none named: the market's own
    assert market.state.preset == "cn-demo"
    market.engine.journal.close()


def test_serve_with_an_unknown_preset_names_the_known_ones(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from openets.cli import app

    db = f"sqlite:///{tmp_path / 'm.db'}"
    r = CliRunner().invoke(app, ["serve", "--db", db, "--preset", "nz"])
    assert r.exit_code == 2 and "unknown preset 'nz'" in r.stderr
    assert "cn, cn-pilot-limits, cn-demo, cn-cda, eu-like" in r.stderr
    assert not (tmp_path / "m.db").exists()  # nothing opened


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--clock", "fake"], "--clock must be real or simulated, was 'fake'"),
        (["--clock", "simulated", "--start", "yesterday"], "--start must be an ISO 8601 time"),
    ],
)
def test_serve_with_a_clock_it_cannot_run_says_which_option_and_opens_nothing(
    tmp_path: Path, args: list[str], said: str
) -> None:
    from typer.testing import CliRunner

    from openets.cli import app

    db = f"sqlite:///{tmp_path / 'm.db'}"
    r = CliRunner().invoke(app, ["serve", "--db", db, *args])
    assert r.exit_code == 2 and said in r.stderr
    assert not (tmp_path / "m.db").exists()
