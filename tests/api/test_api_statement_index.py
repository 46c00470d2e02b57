"""Statements are served from an index by account and date, not a journal scan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from liveapi import LiveApi, make_live_api

from openets.api.statements import statement_lines

ON_THE_RUNS_DATABASE = True  # on PostgreSQL in the PostgreSQL pass (tests/api/conftest.py)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[LiveApi]:
    with make_live_api(tmp_path) as live:
        yield live


def test_statement_is_served_from_the_index_without_a_journal_scan(api: LiveApi) -> None:
    p = api.participant(tonnes={"CEA21": 100}, fen=5_000)
    other = api.participant(tonnes={"CEA21": 7})
    path = f"/registry/accounts/{p.account_id}/statement"
    first = p.client.request("GET", path)  # builds the index from the journal
    assert first.status_code == 200, first.text
    second = api.client("regop2")  # the issuance's second operator; the index keeps up
    api.client("regop").issue(p.account_id, "CEA21", 3, approver=second)
    journal = api.market.engine.journal

    def no_scan(*args: Any, **kw: Any) -> Any:
        raise AssertionError("a statement scanned the journal")

    journal.read = no_scan
    try:
        r = p.client.request("GET", path)
        dated = p.client.request("GET", path, params={"from": "2021-07-16", "to": "2021-07-16"})
    finally:
        del journal.read
    assert r.status_code == 200 and dated.status_code == 200, r.text
    lines = r.json()["data"]
    scanned = statement_lines(journal, p.account_id, None, None, api.state.last_seq)
    assert lines == [x.model_dump(mode="json") for x in scanned]
    assert [x["quantity"] for x in lines if x["asset"] == "CEA21"] == [100, 3]
    assert any(x["asset"] == "CNY" for x in lines)
    assert dated.json()["data"] == lines
    assert other.account_id not in r.text
