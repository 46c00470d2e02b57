"""The simulated clock is journaled: an acknowledged advance survives ``kill -9``."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from openets.ops.drill import free_port, login, seed, start_server, wait_up

pytestmark = pytest.mark.own_db  # SQLite files of its own, whatever --db says


@pytest.mark.slow
def test_acknowledged_clock_advance_survives_kill_9_of_the_server(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'clock.db'}"
    seed(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    proc = start_server(db, port)
    try:
        wait_up(base, proc)
        op = login(base, "exop", "drill-exchange-operator-1")
        r = op.post("/ops/clock/advance", json={"to": "2021-08-02T10:15:00+08:00"})
        assert r.status_code == 200, r.text
        acknowledged = r.json()["now"]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    proc = start_server(db, port)
    try:
        wait_up(base, proc)
        now = login(base, "exop", "drill-exchange-operator-1").get("/ops/clock").json()["now"]
    finally:
        proc.kill()
        proc.wait()
    assert now == acknowledged == "2021-08-02T10:15:00+08:00"
