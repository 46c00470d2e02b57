"""``serve --signing-key``: checkpoints signed by a real server, ``GET /audit/head`` for anyone,
``verify --public-key`` on its database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from openets.audit.keys import generate, load_public, signature_ok
from openets.ops.drill import free_port, login, seed, wait_up
from openets.ops.verify import verify_market

pytestmark = pytest.mark.own_db  # SQLite files of its own, whatever --db says


def test_served_market_signs_checkpoints_and_anyone_reads_the_head(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'signed.db'}"
    seed(db)
    key = tmp_path / "market.key"
    generate(key)
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    cmd = [sys.executable, "-m", "openets.cli", "serve", "--db", db, "--port", str(port)]
    cmd += ["--clock", "simulated", "--start", "2021-07-16T09:30+08:00"]
    cmd += ["--signing-key", str(key), "--checkpoint-every", "3", "--mfa", "off"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_up(base, proc)
        assert httpx.get(f"{base}/audit/head").status_code == 404  # nothing signed yet
        op = login(base, "exop", "drill-exchange-operator-1")
        for minute in range(40, 46):
            r = op.post("/ops/clock/advance", json={"to": f"2021-07-16T09:{minute}:00+08:00"})
            assert r.status_code == 200, r.text
        r = httpx.get(f"{base}/audit/head")  # anonymous
        assert r.status_code == 200, r.text
        head = r.json()
        assert set(head) >= {"seq", "hash", "signed_at", "signature", "key_id"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    pub = load_public(f"{key}.pub")
    assert signature_ok(pub, head["seq"], head["hash"], head["signed_at"], head["signature"])
    ok, lines = verify_market(db, f"{key}.pub")
    assert ok, lines
