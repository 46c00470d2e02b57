"""The users and idempotency tables behave the same on PostgreSQL as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from dsl import START, Given

from openets.api import idempotency
from openets.api.users import UserError, UserStore, add_user_to_db
from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.store.db import make_engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        u: str = request.getfixturevalue("pg_url")
        return u
    return f"sqlite:///{tmp_path / 'm.db'}"


def test_a_participant_user_is_stored_and_read_back(url: str) -> None:
    clock = SimulatedClock(parse_iso(START))
    g = Given(open_market(url, clock), clock)
    acct = g.account()
    add_user_to_db(url, "plant1", "correct horse battery", "participant", acct, ["view"])
    rec = UserStore(make_engine(url)).get("plant1")
    assert rec is not None and rec.account_id == acct and rec.role.value == "participant"


def test_a_second_user_with_the_same_name_is_refused(url: str) -> None:
    add_user_to_db(url, "reg1", "correct horse battery", "registry_operator", None)
    with pytest.raises(UserError, match="exists"):
        add_user_to_db(url, "reg1", "another long password", "regulator", None)
    assert UserStore(make_engine(url)).count() == 1


def test_an_idempotency_answer_commits_with_the_journal_and_is_kept_once(url: str) -> None:
    clock = SimulatedClock(parse_iso(START))
    g = Given(open_market(url, clock), clock)
    conn = g.engine.journal.connection()
    idempotency.stage(conn, "k1", "u1", "a" * 64, 201, b"first")
    g.account()  # the command's commit makes the staged answer durable too
    idempotency.stage(conn, "k1", "u1", "b" * 64, 500, b"second")
    g.engine.journal.commit()
    with make_engine(url).connect() as other:
        stored = idempotency.lookup(other, "k1", "u1")
    assert stored == idempotency.Stored("a" * 64, 201, b"first")
