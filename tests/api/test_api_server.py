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
        deadline = time.monotonic() + 30
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
