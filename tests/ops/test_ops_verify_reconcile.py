"""``openets verify`` reconciles the ledgers with the desks, not only each ledger with itself."""

from __future__ import annotations

from pathlib import Path

from dsl import Given

from openets.clearing.funds import FundBucket, FundPosting, FundsPosted
from openets.domain.clock import to_utc_micros
from openets.ops.verify import verify_market
from openets.registry.handlers import move
from openets.registry.model import Bucket, TxType


def _forge(g: Given, event: object) -> None:
    """Journal an event no command decided (hash chain intact), as a bug in a handler would."""
    g.engine._append((event,), "forger", to_utc_micros(g.now()), {})
    g.engine._commit()


def test_verify_reports_locked_funds_that_no_listing_bid_or_block_accounts_for(
    tmp_path: Path,
) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    a = g.account(fen=10_000)
    url = f"sqlite:///{tmp_path / 'm.db'}"
    assert verify_market(url)[0]
    postings = (FundPosting(a, FundBucket.LOCKED, 100), FundPosting(a, FundBucket.AVAILABLE, -100))
    _forge(g, FundsPosted("F999", "lock", postings, "L999"))
    ok, lines = verify_market(url)
    assert not ok and any(f"funds locks of {a}" in x for x in lines), lines


def test_verify_reports_locked_allowances_that_no_listing_or_sale_accounts_for(
    tmp_path: Path,
) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    a = g.account(tonnes={"CEA21": 50})
    url = f"sqlite:///{tmp_path / 'm.db'}"
    _forge(g, move("TX999", TxType.LOCK, a, "CEA21", Bucket.AVAILABLE, Bucket.LOCKED, 20, ref="x"))
    ok, lines = verify_market(url)
    assert not ok and any(f"allowance locks of {a}/CEA21" in x for x in lines), lines
