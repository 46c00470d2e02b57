"""The journal, snapshots, verify and replay on PostgreSQL (the SQLite twins: tests/engine)."""

from __future__ import annotations

from typing import Any

import pytest
from dsl import START, Given
from pg import sql
from typer.testing import CliRunner

from openets.bootstrap import open_market
from openets.cli import app
from openets.domain.clock import SimulatedClock, parse_iso
from openets.engine.journal import verify_chain
from openets.ops.verify import replay_market, verify_market
from openets.registry import commands as rc

pytestmark = pytest.mark.postgres


def given_on(url: str) -> Given:
    clock = SimulatedClock(parse_iso(START))
    return Given(open_market(url, clock), clock)


def test_every_command_is_committed_on_postgres_before_the_caller_is_answered(
    pg_url: str,
) -> None:
    g = given_on(pg_url)
    g.account(tonnes={"CEA21": 10})
    ((n,),) = sql(pg_url, "select count(*) from journal")
    assert n == g.state.last_seq


def test_journal_payload_and_ids_are_stored_as_bytea_on_postgres(pg_url: str) -> None:
    given_on(pg_url).account()
    types = dict(
        sql(
            pg_url,
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'journal'",
        )
    )
    assert types["payload"] == "bytea" and types["ids"] == "bytea"


def test_replay_on_postgres_gives_the_live_state_hash(pg_url: str) -> None:
    g = given_on(pg_url)
    a = g.account(tonnes={"CEA21": 100}, fen=10_000)
    b = g.account()
    (req,) = g.ok(rc.RequestTransfer(a, b, "CEA21", 30, "x"), actor="alice")
    g.ok(rc.Decide(req.request_id, True), actor="bob")
    n, replayed, _ = replay_market(pg_url)
    assert replayed == g.state.state_hash() and n == g.state.last_seq


def test_restart_on_postgres_resumes_ids_and_chain(pg_url: str) -> None:
    g = given_on(pg_url)
    first = g.account()
    again = Given(open_market(pg_url, g.clock), g.clock)
    assert again.state.state_hash() == g.state.state_hash()
    assert again.account() != first
    assert verify_chain(again.engine.journal.read())[1] is None


def test_snapshot_on_postgres_then_replay_matches_a_full_replay(pg_url: str) -> None:
    g = given_on(pg_url)
    a = g.account(tonnes={"CEA21": 100})
    g.engine.snapshot()
    g.ok(rc.Freeze(a, "CEA21", 10, "x"))
    m2 = open_market(pg_url, g.clock)
    assert m2.state.state_hash() == g.state.state_hash()
    ok, lines = verify_market(pg_url)
    assert ok and any("snapshot" in x and "agrees" in x for x in lines)


def test_verify_on_postgres_detects_a_journal_row_edited_with_sql(pg_url: str) -> None:
    g = given_on(pg_url)
    g.account(tonnes={"CEA21": 1000})
    assert verify_market(pg_url)[0]
    seq = g.state.last_seq
    sql(
        pg_url,
        "update journal set payload = convert_to(replace(convert_from(payload, 'UTF8'), "
        "'1000', '9000'), 'UTF8') where seq = %s",
        seq,
    )
    ok, lines = verify_market(pg_url)
    assert not ok and f"seq {seq}" in lines[0] and "changed" in lines[0]


def test_verify_on_postgres_detects_a_deleted_journal_row(pg_url: str) -> None:
    given_on(pg_url).account(tonnes={"CEA21": 1000})
    sql(pg_url, "delete from journal where seq = 3")
    ok, lines = verify_market(pg_url)
    assert not ok and "missing" in lines[0]


def test_rejected_command_on_postgres_leaves_the_journal_unchanged(pg_url: str) -> None:
    g = given_on(pg_url)
    a = g.account()
    g.rejects(rc.Issue(a, "CEA21", -1, "x"))
    ((n,),) = sql(pg_url, "select count(*) from journal")
    assert n == g.state.last_seq


def test_the_writer_is_not_left_idle_in_a_transaction_between_commands(pg_url: str) -> None:
    given_on(pg_url).account()
    g = given_on(pg_url)  # reopened: recovery reads, genesis has nothing to do
    g.rejects(rc.Issue("A999999", "CEA21", 1, "x"))
    rows = sql(
        pg_url,
        "select state from pg_stat_activity where datname = current_database() "
        "and pid <> pg_backend_pid() and state like 'idle in transaction%'",
    )
    assert rows == []


def test_openets_verify_and_replay_commands_accept_a_postgres_url(pg_url: str) -> None:
    g = given_on(pg_url)
    g.account(tonnes={"CEA21": 5})
    url = pg_url.replace("postgresql+psycopg://", "postgresql://")
    runner = CliRunner()
    v = runner.invoke(app, ["verify", "--db", url])
    r = runner.invoke(app, ["replay", "--db", url])
    assert v.exit_code == 0 and "hash chain intact" in v.output
    assert r.exit_code == 0 and g.state.state_hash() in r.output


def test_batched_replay_equals_event_by_event_replay_on_postgres(pg_url: str) -> None:
    from openets.composition import build_tables, new_state
    from openets.engine.replay import replay_chunks

    g = given_on(pg_url)
    a = g.account(tonnes={"CEA21": 100})
    b = g.account()
    for q in range(1, 6):
        (req,) = g.ok(rc.RequestTransfer(a, b, "CEA21", q, "x"), actor="alice")
        g.ok(rc.Decide(req.request_id, q != 3, "" if q != 3 else "no"), actor="bob")

    def seen(st: Any) -> tuple[object, ...]:
        return (st.state_hash(), st.ids.snapshot(), st.last_seq, st.last_cmd_seq, st.last_ts,
                st.last_hash)  # fmt: skip

    journal = g.engine.journal
    one_by_one = new_state()
    g.engine.replay_into(one_by_one, journal.read())
    assert seen(one_by_one) == seen(g.state)
    for chunk in (1, 4, 2000):
        st = new_state()
        replay_chunks(build_tables()[1], st, journal.read_chunks_for_replay(0, chunk))
        assert seen(st) == seen(one_by_one)
