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

pytestmark = pytest.mark.own_db  # SQLite files of its own, whatever --db says


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
            "--year",
            "2021",
            "--entities",
            "60",
            "--speed",
            "20000",
            "--run-seconds",
            "180",  # an upper bound: the test stops the demo when it is done
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
        # a second demo never touches the running one's database, nor takes its port
        db = f"sqlite:///{tmp_path / 'd.db'}"
        other = f"sqlite:///{tmp_path / 'other.db'}"
        for args, says in (
            (["--db", db, "--port", str(_free_port())], "a running demo uses"),
            (["--db", other, "--port", str(port)], f"port {port} on 127.0.0.1 is in use"),
        ):
            second = subprocess.run(
                [sys.executable, "-m", "openets.cli", "demo", "--entities", "60", *args],
                capture_output=True, text=True, cwd=tmp_path, timeout=60,
            )  # fmt: skip
            assert second.returncode == 2 and says in second.stderr, second.stderr
        assert (tmp_path / "d.db").exists() and httpx.get(f"{base}/health").status_code == 200
        # the first pages say how fast the demo's clock runs
        assert httpx.get(f"{base}/ops/status").json()["clock_speed"] == 20000
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
        # the pilot paid auction (Shanghai 2024 preset) is announced on the third day
        auctions: list[dict[str, object]] = []
        while time.monotonic() < deadline + 60 and not auctions:
            got = httpx.get(f"{base}/auctions", timeout=5).json()["data"]
            auctions = [a for a in got if a["preset"] == "shanghai-2024"]
            time.sleep(1)
        assert auctions and auctions[0]["covered_only"] is True, auctions
        # every role finds compliance work waiting: the verifier's queue, the regulator's
        for user, status in (("verifier", "submitted"), ("regulator", "verified")):
            waiting = _get(base, user, "/compliance/reports", year=2019, status=status)
            assert waiting["data"], f"nothing waits for {user}"
        approved = _get(base, "regulator", "/compliance/reports", year=2019, status="approved")
        assert approved["data"]
        allocations = _get(base, "regulator", "/compliance/allocations", year=2019)["data"]
        desk = [a for a in allocations if "演示电厂" in a["name"]]
        assert len(desk) == 12 and all(a["preallocation_t"] > 0 for a in desk)
        # every other entity's 2019 cycle ran at seeding through the same commands
        others = [a for a in allocations if a not in desk]
        assert others and all(a["final_allocation_t"] is not None for a in others)
        # the cycle's calendar: each step with its Beijing time, the deadline at 17:00
        steps = {x["key"]: x for x in _get(base, "regulator", "/compliance/calendar",
                                           year=2019)["steps"]}  # fmt: skip
        assert steps["surrender"]["due_at"] == "2021-12-31T17:00:00+08:00"
        status = _get(base, "regulator", "/compliance/status", year=2019)
        assert status["national"]["entities"] >= len(others), status["national"]
        # a disabled login's re-enabling, asked by regop1, waits for regop2 (another person)
        users = {u["username"]: u for u in _get(base, "regop2", "/users")["data"]}
        back = users["trader1b"]
        assert (back["status"], back["pending_enable"], back["pending_by"]) == (
            "disabled",
            True,
            "regop1",
        )
        # an issuance asked by regop1 waits for regop2 (four eyes)
        waiting = _get(base, "regop2", "/registry/requests")["data"]
        assert any(
            r["kind"] == "issuance" and r["status"] == "pending" and r["initiator"] == "regop1"
            for r in waiting
        ), waiting
        # the settlement bank's report is on the clearing side's list, and bank1 (the bank's
        # service identity) reports the withdrawal that waits for it over HTTP
        reports = _get(base, "exchange", "/bank/reports", bank_ref="DEMO-BANK-0001")["data"]
        assert [(r["reported_by"], r["amount"]) for r in reports] == [("bank1", "10000.00")]
        bank = httpx.post(
            f"{base}/auth/token", json={"username": "bank1", "password": "bank1-demo"}
        ).json()["access_token"]
        paid = httpx.post(
            f"{base}/bank/reports",
            json={"kind": "withdrawal_paid", "bank_ref": "DEMO-WDR-0001"},
            headers={"Authorization": f"Bearer {bank}"},
        )
        assert paid.status_code == 201 and paid.json()["amount"] == "2000.00", paid.text
        # trader2 is the lender of trader1's pledge, and each trader owes a large-holder report
        pledges = _get(base, "trader2", "/finance/pledges")["data"]
        assert [(p["reference"], p["status"], p["quantity"]) for p in pledges] == [
            ("DEMO-PLEDGE-0001", "active", 20_000)
        ]
        owed = _get(base, "trader1", "/supervision/large-holders", status="open")["data"]
        assert len(owed) == 1 and owed[0]["threshold"] == 150_000, owed
        # the band reserve watches the composite close at each end of day (the regulator's page)
        band = _get(base, "regulator", "/supervision/reserves")["band"]
        # (a close since its last operation, or the operation a third close made: on a slow
        # machine the release may come before this look, and the count starts again at 0)
        assert band and band["automatic"] and band["last_close"] is not None, band
        assert band["closes"] >= 1 or band["last_operation"] is not None, band
        # the demo's band sits under the opening price: after three closes above it the end of
        # day releases allowances from the reserve, on the regulator's reserves page
        # (three simulated days: on a machine loaded by other jobs they take minutes, so the
        # wait counts from here rather than from the start)
        released: list[dict[str, object]] = []
        until = max(deadline + 150, time.monotonic() + 240)
        while time.monotonic() < until and not released:
            actions = _get(base, "regulator", "/supervision/reserves")["actions"]
            released = [a for a in actions if (a["rule"], a["decision"]) == ("band", "release")]
            time.sleep(1)
        assert released and released[0]["moved"] == 100_000, actions
        # the human traders' accounts are their own: the agents never trade on them
        mine = _get(base, "trader1", "/trades")
        assert mine["data"] == [], "an agent traded on trader1's account"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "login trader1" in out and "password trader1-demo" in out
    assert "trader1-3 trade on accounts of their own" in out and "compliance 2019" in out
    assert "calendar 2019-2020 (Beijing time):" in out and "surrender 2021-12-31 17:00" in out
    assert "regop1 asked to re-enable it: regop2 approves it on the users page" in out
    assert "a pilot paid auction (shanghai-2024" in out
    assert "trader1 pledged 20,000 t" in out and "a large-holder report each" in out
    assert "it waits for trader2 (its first page counts it)" in out
    assert "after each trading day's close the detectors run over the day" in out
    assert "the demo's band reserve is 36.00-46.56 yuan" in out
    verify = subprocess.run(
        [sys.executable, "-m", "openets.cli", "verify", "--db", f"sqlite:///{tmp_path / 'd.db'}"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr


def _get(base: str, user: str, path: str, **params: object) -> dict:  # type: ignore[type-arg]
    tok = httpx.post(
        f"{base}/auth/token", json={"username": user, "password": f"{user}-demo"}
    ).json()["access_token"]
    r = httpx.get(
        f"{base}{path}", params=params, headers={"Authorization": f"Bearer {tok}"}, timeout=10
    )
    assert r.status_code == 200, f"{user} {path}: {r.status_code} {r.text}"
    return dict(r.json())
