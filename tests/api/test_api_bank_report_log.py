"""The bank report log keeps the newest reports by their journal sequence numbers and reads
them back when asked: a failed deposit keeps the instruction's account and amount, reports
from before the server started are listed as the live ones are, and the log holds no more than
its bound however many reports the bank makes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from openets.api.routers import _bankreports
from openets.api.routers._bankreports import BankReports
from openets.bootstrap import Market, open_market
from openets.clearing import funds
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.identity import make_uscc
from openets.domain.rejection import Rejection
from openets.registry import commands as rc
from openets.registry.model import SubjectType


def _ok(m: Market, cmd: object, actor: str = "bank") -> None:
    r = m.engine.submit(cmd, actor)  # type: ignore[arg-type]
    assert not isinstance(r, Rejection), r


def _market(tmp_path: Path) -> tuple[Market, str]:
    m = open_market(
        f"sqlite:///{tmp_path / 'm.db'}", SimulatedClock(parse_iso("2021-07-16T09:30+08:00"))
    )
    cmd = rc.OpenAccount(SubjectType.ENTITY, "电厂", make_uscc("91370100MA0000001"), "山东")
    (ev,) = m.engine.submit(cmd, "op1")  # type: ignore[misc]
    return m, str(ev.account_id)  # type: ignore[attr-defined]


def _fail(m: Market, acct: str, ref: str) -> None:
    _ok(m, funds.InstructDeposit(acct, 250_00, ref), acct)
    _ok(m, funds.ConfirmDeposit(ref, received=False))


def test_reports_before_and_after_the_start_are_read_back_alike(tmp_path: Path) -> None:
    m, acct = _market(tmp_path)
    _fail(m, acct, "OLD-FAIL")
    _ok(m, funds.Deposit(acct, 10_00, "OLD-IN"))
    log = BankReports(m.engine.journal, m.state.last_seq)  # a server starting now
    m.engine.subscribers.append(log)
    _fail(m, acct, "NEW-FAIL")
    _ok(m, funds.Deposit(acct, 20_00, "NEW-IN"))
    asyncio.run(log.ready())
    got = [(r.kind, r.bank_ref, r.account_id, r.amount) for r in log.reports()]
    assert got == [
        ("deposit_failed", "OLD-FAIL", acct, 250_00),
        ("deposit_received", "OLD-IN", acct, 10_00),
        ("deposit_failed", "NEW-FAIL", acct, 250_00),
        ("deposit_received", "NEW-IN", acct, 20_00),
    ]
    assert [r.bank_ref for r in log.newest(chunk=3)] == ["NEW-IN", "NEW-FAIL", "OLD-IN", "OLD-FAIL"]
    found = log.find("OLD-IN")
    assert found is not None and found.tx_id and found.reported_by == "bank"
    assert log.find("NEVER") is None
    m.engine.journal.close()


def test_the_log_keeps_its_bound_of_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_bankreports, "KEEP", 4)
    m, acct = _market(tmp_path)
    log = BankReports(m.engine.journal, m.state.last_seq)
    m.engine.subscribers.append(log)
    for i in range(6):
        _fail(m, acct, f"F{i}")
        _ok(m, funds.Deposit(acct, 1_00, f"D{i}"))
    asyncio.run(log.ready())
    assert [r.bank_ref for r in log.reports()] == ["F4", "D4", "F5", "D5"]
    assert len(log.live) == 4 and sorted(log._failed) == sorted(log.seqs()[::2])
    m.engine.journal.close()
