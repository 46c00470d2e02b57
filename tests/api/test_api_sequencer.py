"""The sequencer: one writer, group commit, durable before the answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from dsl import START, fresh_uscc

from openets.api.metrics import Metrics
from openets.api.sequencer import Sequencer, ServiceUnavailable, SideDb, Writer
from openets.bootstrap import Market, open_market
from openets.clearing import funds
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.rejection import Rejection
from openets.registry import commands as rc
from openets.registry.model import SubjectType


def _market(path: Path) -> Market:
    return open_market(f"sqlite:///{path / 'm.db'}", SimulatedClock(parse_iso(START)))


def test_concurrent_commands_are_group_committed_and_durable(tmp_path: Path) -> None:
    market = _market(tmp_path)
    r = market.engine.submit(rc.OpenAccount(SubjectType.ENTITY, "x", fresh_uscc(), "山东"), "op")
    assert not isinstance(r, Rejection)
    acct: str = getattr(r[0], "account_id")  # noqa: B009
    metrics = Metrics()
    seq = Sequencer(market, SideDb(market), metrics)

    async def main() -> list[object]:
        seq.start()
        try:
            return await asyncio.gather(
                *(seq.submit(funds.Deposit(acct, 100, f"b{i}"), "p") for i in range(200))
            )
        finally:
            await seq.stop()

    results = asyncio.run(main())
    assert not any(isinstance(r, Rejection) for r in results)
    assert metrics.batches < 200 and metrics.batch_jobs == 200
    state_hash = market.state.state_hash()
    market.engine.journal.close()
    again = _market(tmp_path)
    assert again.state.state_hash() == state_hash
    assert again.state.funds.of(acct)[0] == 20_000


def test_a_failing_job_does_not_fail_the_others_in_its_batch(tmp_path: Path) -> None:
    market = _market(tmp_path)
    seq = Sequencer(market, SideDb(market), Metrics())

    def broken(w: Writer) -> None:
        raise ValueError("bug")

    async def main() -> tuple[object, object]:
        seq.start()
        try:
            a = asyncio.ensure_future(seq.run(broken))
            b = asyncio.ensure_future(
                seq.submit(rc.OpenAccount(SubjectType.ENTITY, "x", fresh_uscc(), "山东"), "op")
            )
            return await asyncio.gather(a, b, return_exceptions=True)
        finally:
            await seq.stop()

    a, b = asyncio.run(main())
    assert isinstance(a, ValueError) and isinstance(b, tuple) and len(b) == 1


def test_stopped_sequencer_refuses_work(tmp_path: Path) -> None:
    market = _market(tmp_path)
    seq = Sequencer(market, SideDb(market), Metrics())

    async def main() -> None:
        await seq.submit(rc.OpenAccount(SubjectType.ENTITY, "x", fresh_uscc(), "山东"), "op")

    with pytest.raises(ServiceUnavailable):
        asyncio.run(main())


def test_in_memory_market_keeps_side_tables_in_a_temporary_file() -> None:
    market = open_market(None, SimulatedClock(parse_iso(START)))
    side = SideDb(market)
    seq = Sequencer(market, side, Metrics())

    async def main() -> object:
        seq.start()
        try:
            return await seq.run(lambda w: w.conn.exec_driver_sql("SELECT 1").scalar())
        finally:
            await seq.stop()

    assert asyncio.run(main()) == 1
    side.close()
