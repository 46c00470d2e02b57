"""The password policy (issue 14): at least 12 characters, not the username nor containing it,
not in the shipped common-password list; over POST /users and ``openets users add``."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from liveapi import LiveApi

from openets.api.password_policy import common_passwords


def _create(api: LiveApi, username: str, password: str) -> dict[str, Any]:
    body = {
        "username": username,
        "password": password,
        "role": "regulator",
        "provinces": ["湖北"],
        "person": {"name": "王五", "id_number": secrets.token_hex(8).upper()},
    }
    with api.unchanged():
        r = api.client("regop").request("POST", "/users", json=body)
    err: dict[str, Any] = r.json()["error"]
    assert (r.status_code, err["code"], err["field"]) == (422, "INVALID_FIELD", "password"), err
    return err


@pytest.mark.parametrize("password", ["password", "12345678", "Tr0ub4dor&3", "elevenchars"])
def test_password_shorter_than_twelve_characters_is_refused(api: LiveApi, password: str) -> None:
    err = _create(api, f"staff{secrets.token_hex(4)}", password)
    assert f"12 to 256 characters, has {len(password)}" in err["message"], err


@pytest.mark.parametrize("form", ["{u}", "{U}", "x-{u}-2026", "My{U}IsLong"])
def test_password_that_is_or_contains_the_username_is_refused(api: LiveApi, form: str) -> None:
    username = f"staff{secrets.token_hex(4)}"
    password = form.format(u=username, U=username.upper())
    password += "!" * max(0, 12 - len(password))
    err = _create(api, username, password)
    assert "must not be or contain the username" in err["message"] and username in err["message"]
    assert password not in err["message"] or password == username


@pytest.mark.parametrize(
    "password", ["123456789012", "qwertyuiopas", "password1234", "Password1234", "1qaz2wsx3edc"]
)
def test_common_password_is_refused(api: LiveApi, password: str) -> None:
    err = _create(api, f"staff{secrets.token_hex(4)}", password)
    assert "list of common passwords" in err["message"] and password not in err["message"]


def test_common_password_list_ships_a_few_thousand_lower_case_entries() -> None:
    words = common_passwords()
    assert len(words) > 3000 and all(w == w.lower() for w in words)
    assert {"password", "12345678", "123456789012", "qwertyuiopas", "password1234"} <= words


@pytest.mark.parametrize("password", ["short-pw", "password1234", "boss-of-the-market"])
def test_users_add_refuses_a_password_against_the_policy(tmp_path: Path, password: str) -> None:
    from typer.testing import CliRunner

    from openets.bootstrap import open_market
    from openets.cli import app

    db = f"sqlite:///{tmp_path / 'm.db'}"
    args = ["users", "add", "--db", db, "--username", "boss", "--password", password]
    r = CliRunner().invoke(app, [*args, "--role", "exchange_operator"])
    assert r.exit_code == 1 and "password" in r.output, r.output
    m = open_market(db)
    try:
        assert "boss" not in m.state.identity.users
    finally:
        m.engine.journal.close()


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (["--role", "regulator", "--province", "火星"], "--province: '火星' is not a province"),
        (["--role", "verifier", "--provinces", "上海,火星"], "--provinces: '火星' is not a"),
    ],
)
def test_users_add_names_the_option_of_a_refused_value(
    tmp_path: Path, where: list[str], said: str
) -> None:
    from typer.testing import CliRunner

    from openets.cli import app

    db = f"sqlite:///{tmp_path / 'm.db'}"
    args = [
        "users",
        "add",
        "--db",
        db,
        "--username",
        "inspector",
        "--password",
        "a-long-pass-phrase-7",
    ]
    r = CliRunner().invoke(app, [*args, *where])
    assert r.exit_code == 1 and said in r.output, r.output
