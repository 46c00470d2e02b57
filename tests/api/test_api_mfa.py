"""Two-factor login (TOTP, RFC 6238) where the ``cn`` preset asks for it: every staff request,
and a participant's withdrawals. A code is good once; the secret never enters the journal."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from dsl import START
from liveapi import PASSWORD, LiveApi, fast_settings

from openets.api import mfa
from openets.api.app import create_app
from openets.api.security import Passwords
from openets.api.server import ServerThread, mfa_notice
from openets.api.users import add_user_to_db
from openets.bootstrap import open_market
from openets.client import ApiError, Client
from openets.domain.clock import SimulatedClock, parse_iso
from openets.presets import PRESETS

SECRETS = {"regop": pyotp.random_base32(), "regop2": pyotp.random_base32()}


class Codes:
    """One-time codes per user, each step used once (as a real user would wait for the next)."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def next(self, username: str, secret: str) -> str:
        """The code of the current step, or of the next one when the current one is used (the
        server accepts one step either side). Never the previous step: on a busy machine the
        clock can pass the next step boundary before the server reads the code, and the
        previous step's code is then refused. When the next step is used too, wait for it."""
        while True:
            now = int(time.time()) // mfa.STEP_SECONDS
            step = max(now, self.used.get(username, -1) + 1)
            if step <= now + 1:
                break
            time.sleep(mfa.STEP_SECONDS - time.time() % mfa.STEP_SECONDS + 0.05)
        self.used[username] = step
        return mfa.code_at(secret, step)


@contextlib.contextmanager
def mfa_market(path: Path) -> Iterator[tuple[LiveApi, Codes]]:
    db = f"sqlite:///{path / 'market.db'}"
    fast = Passwords(1, 8192, 1)
    for user, secret in SECRETS.items():
        add_user_to_db(
            db, user, PASSWORD, "registry_operator", None, passwords=fast, totp_secret=secret
        )
    add_user_to_db(db, "exop", PASSWORD, "exchange_operator", None, passwords=fast)
    clock = SimulatedClock(parse_iso(START))
    market = open_market(db, clock)
    server = ServerThread(create_app(market, fast_settings(mfa="preset"))).start()
    live = LiveApi(server, market, clock)
    codes = Codes()
    for user, secret in SECRETS.items():
        live._clients[user] = Client.login(live.base_url, user, PASSWORD, codes.next(user, secret))
    try:
        yield live, codes
    finally:
        for c in live._clients.values():
            c.close()
        server.stop()
        market.engine.journal.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApi, Codes]]:
    with mfa_market(tmp_path_factory.mktemp("mfa")) as w:
        yield w


def _err(r: Any) -> tuple[int, str, str | None]:
    e = r.json()["error"]
    return r.status_code, e["code"], e["field"]


def test_staff_login_without_a_one_time_code_may_only_enrol(world: tuple[LiveApi, Codes]) -> None:
    api, _ = world
    c = Client.login(api.base_url, "exop", PASSWORD)  # no two-factor login yet
    assert c.me()["username"] == "exop"
    assert _err(c.request("GET", "/users")) == (401, "MFA_REQUIRED", "otp")
    assert _err(c.request("POST", "/ops/eod", json={})) == (401, "MFA_REQUIRED", "otp")
    assert c.request("POST", "/auth/mfa/enroll").status_code == 200


def test_login_of_a_user_with_two_factor_login_needs_the_code(
    world: tuple[LiveApi, Codes],
) -> None:
    api, codes = world
    anon = api.anon()
    r = anon.request("POST", "/auth/token", json={"username": "regop", "password": PASSWORD})
    assert _err(r) == (401, "MFA_REQUIRED", "otp")
    bad = {"username": "regop", "password": PASSWORD, "otp": "12345"}
    assert _err(anon.request("POST", "/auth/token", json=bad)) == (422, "INVALID_FIELD", "otp")
    ok = {"username": "regop", "password": PASSWORD, "otp": codes.next("regop", SECRETS["regop"])}
    assert anon.request("POST", "/auth/token", json=ok).status_code == 200


def test_a_one_time_code_is_accepted_once(world: tuple[LiveApi, Codes]) -> None:
    api, codes = world
    code = codes.next("regop2", SECRETS["regop2"])
    body = {"username": "regop2", "password": PASSWORD, "otp": code}
    assert api.anon().request("POST", "/auth/token", json=body).status_code == 200
    r = api.anon().request("POST", "/auth/token", json=body)
    assert _err(r) == (401, "UNAUTHENTICATED", "otp")


def test_participant_withdrawal_needs_a_session_opened_with_a_code(
    world: tuple[LiveApi, Codes],
) -> None:
    api, codes = world
    p = api.participant(fen=1_000_000)
    with api.unchanged():
        r = p.client.request(
            "POST", "/funds/withdrawals", json={"account_id": p.account_id, "amount": "1.00"}
        )
    assert _err(r) == (401, "MFA_REQUIRED", "otp")
    enrol = p.client.post("/auth/mfa/enroll")
    assert enrol["otpauth_uri"].startswith("otpauth://totp/") and "OpenETS" in enrol["otpauth_uri"]
    secret = enrol["secret"]
    if mfa.accepted_step(secret, "000000") is None:  # (one chance in 300 000 that it is right)
        with api.unchanged():
            wrong = p.client.request("POST", "/auth/mfa/confirm", json={"otp": "000000"})
        assert _err(wrong) == (422, "INVALID_FIELD", "otp")
    before = api.seq()
    assert p.client.post("/auth/mfa/confirm", {"otp": codes.next(p.username, secret)}) == {
        "mfa": True
    }
    records = list(api.market.engine.journal.read(before))
    assert [r.type for r in records] == ["MfaChanged"]
    assert secret.encode() not in records[0].payload  # the secret stays out of the journal
    assert p.client.withdraw(p.account_id, "1.00")  # this session proved a code
    with pytest.raises(ApiError) as exc:
        Client.login(api.base_url, p.username, PASSWORD)
    assert (exc.value.status, exc.value.code) == (401, "MFA_REQUIRED")
    again = Client.login(api.base_url, p.username, PASSWORD, codes.next(p.username, secret))
    assert again.withdraw(p.account_id, "1.00")


def test_users_add_with_a_totp_secret_turns_two_factor_login_on(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    secret = pyotp.random_base32()
    add_user_to_db(
        db,
        "ops1",
        PASSWORD,
        "exchange_operator",
        None,
        passwords=Passwords(1, 8192, 1),
        totp_secret=secret.lower(),
    )
    m = open_market(db)
    try:
        assert m.state.identity.users["ops1"].mfa is True
        assert all(secret.encode() not in r.payload for r in m.engine.journal.read(0))
    finally:
        m.engine.journal.close()


def test_users_add_with_a_bad_totp_secret_is_refused_naming_the_field(tmp_path: Path) -> None:
    from openets.api.users import UserError

    db = f"sqlite:///{tmp_path / 'm.db'}"
    with pytest.raises(UserError) as exc:
        add_user_to_db(db, "ops2", PASSWORD, "exchange_operator", None, totp_secret="not-base32!")
    assert exc.value.field == "totp_secret"


def test_demo_preset_switches_two_factor_login_off_and_says_so() -> None:
    assert PRESETS["cn-demo"].mfa.staff is False
    assert PRESETS["cn"].mfa.staff is True

    class S:
        mfa = PRESETS["cn-demo"].mfa

    assert "OFF" in mfa_notice(S())  # type: ignore[arg-type]


def test_a_registry_operator_resets_a_lost_two_factor_login_and_nobody_their_own(
    tmp_path: Path,
) -> None:
    with mfa_market(tmp_path) as (api, _):
        _reset(api)


def _reset(api: LiveApi) -> None:
    regop = api.client("regop")
    with api.unchanged():
        r = regop.request("POST", "/users/regop/mfa/reset", json={"reason": "lost phone"})
    assert _err(r) == (409, "SAME_PERSON_APPROVAL", "user_id")
    row = regop.post("/users/regop2/mfa/reset", {"reason": "lost phone"})
    assert row["mfa"] is False
    again = Client.login(api.base_url, "regop2", PASSWORD)  # no code needed until it enrols
    assert again.me()["username"] == "regop2"
    assert _err(again.request("GET", "/users")) == (401, "MFA_REQUIRED", "otp")
