"""HTTP on the run's database: on the PostgreSQL pass the servers of the modules marked
``ON_THE_RUNS_DATABASE`` keep their markets on PostgreSQL (tests/api/conftest.py), and a market
served there and reopened replays to the same state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from liveapi import LiveApi, make_live_api
from pg import db_kind

from openets.bootstrap import open_market

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)

CEA = "CEA21"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with make_live_api(tmp_path_factory.mktemp("api")) as live:
        yield live


def test_a_server_of_a_module_on_the_runs_database_keeps_its_market_there(
    api: LiveApi, pytestconfig: pytest.Config
) -> None:
    dialect = "postgresql" if db_kind(pytestconfig) == "postgres" else "sqlite"
    assert api.market.db_url is not None
    assert api.market.db_url.startswith(dialect), api.market.db_url


def test_a_market_served_over_http_reopens_from_its_database_to_the_same_state(
    api: LiveApi,
) -> None:
    a, b = api.participant(tonnes={CEA: 100}, fen=500_000), api.participant(tonnes={CEA: 5})
    rq = api.client("regop").request_transfer(a.account_id, b.account_id, CEA, 30, "转让")
    api.client("regop2").approve_transfer(rq["request_id"])
    a.client.withdraw(a.account_id, "100.00")
    assert api.state.registry.bucket(b.account_id, CEA)[0] == 35
    assert api.market.db_url is not None
    again = open_market(api.market.db_url, api.clock)
    try:
        assert (again.state.last_seq, again.state.state_hash()) == (
            api.state.last_seq,
            api.state.state_hash(),
        )
        assert again.state.registry.bucket(b.account_id, CEA)[0] == 35
    finally:
        again.engine.journal.close()


def test_the_session_server_keeps_its_sqlite_file_in_every_pass(session_api: LiveApi) -> None:
    assert session_api.market.db_url is not None
    assert session_api.market.db_url.startswith("sqlite"), session_api.market.db_url
