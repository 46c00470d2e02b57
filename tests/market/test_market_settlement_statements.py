"""Settlement posts ordinary ledger entries: account statements show every delivery and fee."""

from __future__ import annotations

from dsl import Given

from openets.api.statements import statement_lines
from openets.domain.money import parse_yuan
from openets.registry.model import SystemRole
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing

CEA = "CEA19-20"


def _tonnes(g: Given, acct: str, product: str = CEA) -> int:
    lines = statement_lines(g.engine.journal, acct, None, None, g.state.last_seq)
    return sum(x.quantity or 0 for x in lines if x.asset == product)


def _fen(g: Given, acct: str) -> int:
    lines = statement_lines(g.engine.journal, acct, None, None, g.state.last_seq)
    return sum(parse_yuan(x.amount) for x in lines if x.asset == "CNY" and x.amount is not None)


def test_statement_after_trades_and_the_end_of_day_sums_to_the_holding() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn-demo")
    g.instrument(CEA, "48.00")
    seller = g.account(tonnes={CEA: 100})
    buyer = g.account(fen=10**7)
    g.at("2021-07-16T09:45+08:00")
    (*_, posted) = g.ok(PostListing(seller, CEA, Side.SELL, 4800, 30))
    g.ok(TakeListing(posted.listing_id, buyer, 25))
    (*_, posted) = g.ok(PostListing(buyer, CEA, Side.BUY, 4850, 15))
    g.ok(TakeListing(posted.listing_id, seller, 15))
    g.at("2021-07-16T15:30+08:00")
    g.end_of_day()
    assert sum(g.holding(buyer)) == 40
    assert _tonnes(g, buyer) == 40  # the buyer buys 40 t: its CEA statement sums to 40
    assert _tonnes(g, seller) == sum(g.holding(seller)) == 60
    fee_income = g.state.registry.system_account(SystemRole.FEE_INCOME)
    clearing = g.state.registry.system_account(SystemRole.EXCHANGE_CLEARING)
    assert sum(g.funds(fee_income)) > 0  # the preset charges fees
    for acct in (buyer, seller, fee_income, clearing):
        assert _fen(g, acct) == sum(g.funds(acct)), acct
