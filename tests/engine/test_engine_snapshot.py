"""Snapshots are canonical data, checked before use: no pickle anywhere in the product."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from dsl import Given
from fixtures.write_journal_fixture import CEA, scenario

import openets
from openets.bootstrap import new_state, open_market
from openets.engine import snapshot as snapshots
from openets.engine.journal import Snapshot
from openets.registry import commands as rc
from openets.trading.auction import AuctionSide, PricingRule
from openets.trading.auction_messages import AnnounceAuction, PlaceBid
from openets.trading.book import Side
from openets.trading.commands import PostListing

PACKAGE = Path(openets.__file__).parent


def _rich_market() -> Given:
    """Every kind of part: accounts and ledgers, funds, resting listings on a book, an open
    auction with bids, a restriction measure, the end of day's statistics and tape."""
    g = scenario()
    g.at("2021-07-19T09:00+08:00")
    buyer = g.account(fen=10**8)
    seller = g.account(tonnes={CEA: 1_000})
    g.ok(
        AnnounceAuction(
            buyer, AuctionSide.BUY, CEA, 600, 6000, "2021-07-19T10:00+08:00", lot_size=100,
            pricing=PricingRule.PAY_AS_BID,
        ),
        "exchange",
    )  # fmt: skip
    g.at("2021-07-19T09:30+08:00")
    g.ok(PostListing(seller, CEA, Side.SELL, 4900, 30))
    g.ok(PostListing(seller, CEA, Side.SELL, 4800, 20))
    g.ok(PostListing(buyer, CEA, Side.BUY, 4700, 10))
    aid = next(iter(g.state.auction.auctions))
    g.ok(PlaceBid(aid, seller, 5000, 600), seller)
    return g


def test_snapshot_restores_the_exact_state() -> None:
    g = _rich_market()
    blob = snapshots.dump(g.state, new_state)
    restored = snapshots.load(blob, new_state)
    assert restored.state_hash() == g.state.state_hash()
    assert snapshots.dump(restored, new_state) == blob  # every field, not only the hashed ones
    book = restored.trading.books[CEA]
    assert book.entries() == g.state.trading.books[CEA].entries()


def test_snapshot_is_json_data_behind_its_digest() -> None:
    blob = snapshots.dump(_rich_market().state, new_state)
    assert blob.startswith(snapshots.MAGIC)
    digest, _, body = blob[len(snapshots.MAGIC) :].partition(b"\n")
    assert len(digest) == 64 and isinstance(orjson.loads(body), dict)


def test_snapshot_whose_data_was_altered_is_refused_before_the_state_is_built() -> None:
    g = Given.in_memory()
    a = g.account(tonnes={CEA: 100})
    blob = snapshots.dump(g.state, new_state)
    altered = blob.replace(b"[100,", b"[900,", 1)
    assert altered != blob
    with pytest.raises(snapshots.SnapshotError, match="digest"):
        snapshots.load(altered, new_state)
    assert g.holding(a)[0] == 100


def test_market_reopens_from_a_snapshot_on_disk(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    a = g.account(tonnes={"CEA21": 100})
    g.engine.snapshot()
    g.ok(rc.Freeze(a, "CEA21", 10, "x"))
    reopened = open_market(f"sqlite:///{tmp_path / 'm.db'}", g.clock)
    assert reopened.state.state_hash() == g.state.state_hash()


def test_snapshot_of_an_older_format_is_skipped_and_the_journal_replayed(tmp_path: Path) -> None:
    g = Given.on_sqlite(tmp_path / "m.db")
    g.account(tonnes={"CEA21": 100})
    st = g.state
    g.engine.journal.save_snapshot(Snapshot(st.last_seq, st.state_hash(), b"\x80\x05old"))
    g.engine.journal.commit()
    reopened = open_market(f"sqlite:///{tmp_path / 'm.db'}", g.clock)
    assert reopened.state.state_hash() == g.state.state_hash()


def test_the_product_has_no_pickle() -> None:
    pattern = re.compile(r"^\s*(import pickle|from pickle|import cPickle)|\bpickle\.loads?\(")
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
