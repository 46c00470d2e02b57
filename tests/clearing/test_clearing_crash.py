"""A real ``kill -9`` in the middle of settlement loses nothing: a rerun finishes the day and
the result equals an uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dsl import Given

from openets.engine.journal import verify_chain
from openets.ops.verify import replay_market, verify_market
from openets.store.db import make_engine
from openets.store.sql_journal import SqlJournal
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing

pytestmark = pytest.mark.own_db  # SQLite files of its own, whatever --db says


CEA = "CEA21"
EOD_AT = "2021-07-16T15:10+08:00"


def _trading_day(path: Path, n_trades: int) -> None:
    g = Given.on_sqlite(path, "2021-07-16T09:00+08:00")
    g.instrument(CEA, "48.00")
    sellers = [g.account(tonnes={CEA: 10**6}) for _ in range(5)]
    buyers = [g.account(fen=10**10) for _ in range(5)]
    g.at("2021-07-16T09:30+08:00")
    with g.engine.batch():
        for i in range(n_trades):
            ev = g.ok(PostListing(sellers[i % 5], CEA, Side.SELL, 4800 + i % 5, 10))
            g.ok(TakeListing(ev[-1].listing_id, buyers[i % 5], 1 + i % 10))
    g.engine.journal.close()


def _eod(db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openets.cli",
            "eod",
            "--db",
            f"sqlite:///{db}",
            "--at",
            EOD_AT,
            "--batch",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _settled_batches(db: Path) -> int:
    con = sqlite3.connect(db, timeout=10)
    try:
        (n,) = con.execute("select count(*) from journal where type = 'TradesSettled'").fetchone()
        return int(n)
    finally:
        con.close()


@pytest.mark.slow
def test_kill_9_in_the_middle_of_settlement_then_rerun_equals_an_uninterrupted_run(
    tmp_path: Path,
) -> None:
    crashed, clean = tmp_path / "crashed.db", tmp_path / "clean.db"
    _trading_day(crashed, 1500)
    src = sqlite3.connect(crashed)
    dst = sqlite3.connect(clean)
    src.backup(dst)
    src.close()
    dst.close()

    proc = _eod(crashed)
    deadline = time.monotonic() + 60
    while _settled_batches(crashed) < 20:
        assert proc.poll() is None, "end of day finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = _settled_batches(crashed)
    assert 0 < killed_at < 500  # really in the middle: 1500 trades in batches of 3

    journal = SqlJournal(make_engine(f"sqlite:///{crashed}"))
    assert verify_chain(journal.read())[1] is None
    journal.close()

    assert _eod(crashed).wait(timeout=120) == 0  # rerun finishes the day
    assert _eod(clean).wait(timeout=120) == 0  # the uninterrupted run

    ok, lines = verify_market(f"sqlite:///{crashed}")
    assert ok, lines
    assert replay_market(f"sqlite:///{crashed}")[1] == replay_market(f"sqlite:///{clean}")[1]
