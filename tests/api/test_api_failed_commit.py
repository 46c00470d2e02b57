"""After a failed commit (a full disk): reads show only committed state, and the 503 says what
happened without the driver's text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from liveapi import LiveApi, make_live_api


@pytest.fixture
def api(tmp_path: Path) -> Iterator[LiveApi]:
    with make_live_api(tmp_path) as live:
        yield live


def _disk_full(*args: Any) -> None:
    raise OSError(28, "sqlite3.OperationalError: database or disk is full (SQLITE_FULL)")


def test_reads_after_a_failed_commit_do_not_show_the_unsaved_issuance(api: LiveApi) -> None:
    regop = api.client("regop")
    acct = api.participant(tonnes={"CEA21": 10}).account_id
    api.market.engine.journal._write = _disk_full  # type: ignore[attr-defined]
    r = regop.request(
        "POST",
        "/registry/issuances",
        json={"account_id": acct, "product": "CEA21", "quantity": 5, "reason": "never saved"},
    )
    assert r.status_code == 503, r.text
    body = r.text
    assert "SQLITE" not in body and "OperationalError" not in body and "disk" not in body
    assert r.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    read = regop.request("GET", f"/registry/accounts/{acct}")
    assert read.status_code == 503 and "15" not in read.text
    assert "OperationalError" not in read.text
    health = api.anon().request("GET", "/health")
    assert health.status_code == 503 and health.json()["status"] == "halted"
