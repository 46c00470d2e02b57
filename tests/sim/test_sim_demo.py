"""``openets demo`` starts a seeded market with agents trading, served over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_demo_serves_a_seeded_market_where_agents_trade_and_demo_logins_work(
    tmp_path: Path,
) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openets.cli",
            "demo",
            "--port",
            str(port),
            "--entities",
            "60",
            "--speed",
            "20000",
            "--run-seconds",
            "40",
            "--db",
            f"sqlite:///{tmp_path / 'd.db'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the demo did not come up"
            time.sleep(0.2)
        tok = httpx.post(
            f"{base}/auth/token", json={"username": "trader1", "password": "trader1-demo"}
        ).json()
        assert tok["token_type"] == "bearer"
        r = httpx.post(
            f"{base}/auth/token", json={"username": "regulator", "password": "regulator-demo"}
        )
        assert r.status_code == 200
        traded = False
        while time.monotonic() < deadline + 30 and not traded:
            trades = httpx.get(f"{base}/market/CEA19-20/trades", timeout=5)
            traded = trades.status_code == 200 and len(trades.json().get("data", trades.json())) > 0
            time.sleep(1)
        assert traded, "the agents made no trade"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "login trader1" in out and "password trader1-demo" in out
