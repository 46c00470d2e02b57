"""Disclosure: the daily report matches a recomputation from the raw trades; weekly, annual,
registry reports; CSV and Parquet exports; the ``openets report`` command line."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from dsl import Given, fresh_resident_id
from typer.testing import CliRunner

from openets import composition
from openets.cli import app
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.supervision.finance import AcceptRepo, ProposeRepo, RepurchaseRepo
from openets.supervision.reports import registry as reg_mod
from openets.supervision.reports.daily import daily_report, render_daily
from openets.supervision.reports.history import history
from openets.supervision.reports.periodic import annual_report, render_period, weekly_report
from openets.supervision.reports.registry import ComplianceLine, registry_report, render_registry
from openets.trading.book import Side
from openets.trading.commands import ListInstrument, PostListing, TakeListing
from openets.trading.events import TradeExecuted

V1, V2 = "CEA19-20", "CEA21"
D1, D2, D3 = "2021-07-16", "2021-07-19", "2021-07-20"


def _take(g: Given, maker: str, taker: str, inst: str, side: Side, price: int, qty: int) -> None:
    lid = g.ok(PostListing(maker, inst, side, price, qty * 2))[-1].listing_id
    g.ok(TakeListing(lid, taker, qty))


def _close(g: Given, day: str) -> None:
    g.at(f"{day}T15:05+08:00")
    g.end_of_day()


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three days on SQLite: listing trades in two vintages, a repo (block), a quiet day."""
    db = tmp_path_factory.mktemp("reports") / "market.db"
    g = Given.on_sqlite(db)
    trades: list[TradeExecuted] = []
    g.engine.subscribers.append(
        lambda recs, evs: trades.extend(e for e in evs if isinstance(e, TradeExecuted))
    )
    g.instrument(V1, "48.00")
    g.ok(ListInstrument(V2, V2, 5000), "exchange")
    s = g.account(tonnes={V1: 50_000, V2: 10_000}, fen=10**8)
    b = g.account(fen=10**9)
    ev = g.ok(rc.OpenAccount(SubjectType.INDIVIDUAL, "张三丰", fresh_resident_id(), "北京"))
    g.ok(rc.Issue(ev[0].account_id, V2, 10, "test"))
    rid = g.ok(ProposeRepo(s, b, V1, 2_000, 5000, 5010, D3))[0].repo_id
    g.at(f"{D1}T09:31+08:00")
    _take(g, s, b, V1, Side.SELL, 5278, 1_000)  # the day's first trade: 52.78
    g.at(f"{D1}T09:40+08:00")
    _take(g, s, b, V1, Side.SELL, 5000, 1_260)
    _take(g, s, b, V2, Side.SELL, 5100, 500)
    g.at(f"{D1}T13:30+08:00")
    g.ok(AcceptRepo(rid, b))
    _close(g, D1)
    g.at(f"{D2}T09:35+08:00")
    _take(g, b, s, V2, Side.BUY, 5200, 300)
    _take(g, s, b, V1, Side.SELL, 5150, 400)
    _close(g, D2)
    g.at(f"{D3}T13:30+08:00")
    g.ok(RepurchaseRepo(rid))
    _close(g, D3)
    rows = [(r.ts, r.type, r.payload) for r in g.engine.journal.read()]
    return {"g": g, "db": f"sqlite:///{db}", "trades": trades, "rows": rows, "s": s, "b": b}


# --- recomputation from the raw trades -------------------------------------------------------


def vwap(trades: list[TradeExecuted]) -> int:
    turnover = sum(t.price * t.quantity for t in trades)
    volume = sum(t.quantity for t in trades)
    return int((Decimal(turnover) / Decimal(volume)).quantize(Decimal(1), ROUND_HALF_UP))


def pct(close: int, prev: int) -> str:
    return str(
        (Decimal(close - prev) * 100 / Decimal(prev)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    )


def yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def on(trades: list[TradeExecuted], day: str, **kw: str) -> list[TradeExecuted]:
    return [
        t
        for t in trades
        if t.time.startswith(day) and all(getattr(t, k) == v for k, v in kw.items())
    ]


def test_daily_report_matches_a_recomputation_from_the_raw_trades(market: dict[str, Any]) -> None:
    trades = market["trades"]
    h = history(market["rows"])
    prev_comp, prev = 4800, {V1: 4800, V2: 5000}
    for day in (D1, D2):
        doc = json.loads(render_daily(daily_report(h, day), "json", "en"))
        listing = on(trades, day, method="listing")
        comp = doc["composite"]
        close = vwap(listing)
        assert comp["prices"]["open"] == yuan(listing[0].price)
        assert comp["prices"]["high"] == yuan(max(t.price for t in listing))
        assert comp["prices"]["low"] == yuan(min(t.price for t in listing))
        assert comp["prices"]["close"] == yuan(close)
        assert comp["prices"]["change_pct"] == pct(close, prev_comp)
        for method in ("listing", "block", "auction"):
            mine = on(trades, day, method=method)
            assert comp["day"][method]["volume_t"] == sum(t.quantity for t in mine)
            assert comp["day"][method]["value"] == yuan(sum(t.price * t.quantity for t in mine))
        so_far = [t for t in trades if t.time[:10] <= day]
        assert comp["cum"]["total"]["volume_t"] == sum(t.quantity for t in so_far)
        assert comp["ytd"]["total"]["value"] == yuan(sum(t.price * t.quantity for t in so_far))
        for v in doc["vintages"]:
            mine = on(trades, day, method="listing", instrument=v["instrument"])
            assert v["prices"]["close"] == yuan(vwap(mine))
            assert v["prices"]["prev_close"] == yuan(prev[v["instrument"]])
            assert v["prices"]["open"] == yuan(mine[0].price)
            prev[v["instrument"]] = vwap(mine)
        prev_comp = close


def test_first_day_close_and_change_are_those_the_exchange_published(
    market: dict[str, Any],
) -> None:
    r = daily_report(history(market["rows"]), D1)
    (v1,) = [x for x in r.vintages if x.bar.instrument == V1]
    assert (v1.bar.prices.close, v1.bar.prices.change_bps) == (5123, 673)  # 51.23, +6.73%
    assert (v1.bar.prices.open, v1.bar.prices.high) == (5278, 5278)


def test_daily_report_in_chinese_follows_the_exchange_format(market: dict[str, Any]) -> None:
    text = render_daily(daily_report(history(market["rows"]), D1), "md", "zh")
    assert text.startswith("# 【CEA】全国碳市场每日综合价格行情及成交信息20210716")
    assert "2021年7月16日，全国碳排放权交易市场综合价格行情：开盘价52.78元/吨" in text
    assert "大宗协议交易成交量2,000吨，成交额100,000.00元；今日无单向竞价。" in text
    assert "| CEA19-20 | 52.78 | 52.78 | 50.00 | 51.23 | +6.73% |" in text


def test_daily_report_in_english(market: dict[str, Any]) -> None:
    text = render_daily(daily_report(history(market["rows"]), D1), "md", "en")
    assert "close 51.19 CNY/t, up 6.65% on the previous close" in text
    assert "no one-way bidding today" in text


def test_daily_csv_has_a_row_per_instrument_and_method(market: dict[str, Any]) -> None:
    text = render_daily(daily_report(history(market["rows"]), D1), "csv", "en")
    lines = text.splitlines()
    assert lines[0].startswith("date,instrument,method,open,high,low,close,pct_change")
    assert len(lines) == 1 + 3 * 4  # COMCEA and two vintages: all, 10, 20, 21
    assert "2021-07-16,CEA19-20,20,,,,,,2000,100000.00" in text


def test_a_day_without_listing_trades_carries_the_previous_close(market: dict[str, Any]) -> None:
    r = daily_report(history(market["rows"]), D3)
    d2 = daily_report(history(market["rows"]), D2)
    p = r.composite.bar.prices
    assert not p.traded and p.open == p.close == d2.composite.bar.prices.close
    assert r.composite.bar.volumes.block_t == 2_000  # the repurchase leg


def test_report_of_a_day_that_was_not_closed_is_refused(market: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="2021-07-17"):
        daily_report(history(market["rows"]), "2021-07-17")


# --- weekly and annual -----------------------------------------------------------------------


def test_weekly_report_spans_the_weeks_trading_days(market: dict[str, Any]) -> None:
    h = history(market["rows"])
    r = weekly_report(h, "2021-07-21")
    assert r.days == (D2, D3) and r.label == "2021-W29"
    d1, d2 = daily_report(h, D1), daily_report(h, D2)
    assert r.composite.prices.prev_close == d1.composite.bar.prices.close
    assert r.composite.prices.open == d2.composite.bar.prices.open
    assert r.composite.volumes.total_t == 300 + 400 + 2_000
    text = render_period(r, "md", "zh")
    assert "本周共2个交易日" in text and "本周无单向竞价" in text


def test_annual_report_has_the_years_totals_and_average_price(market: dict[str, Any]) -> None:
    trades = market["trades"]
    r = annual_report(history(market["rows"]), 2021)
    vol = sum(t.quantity for t in trades)
    turn = sum(t.price * t.quantity for t in trades)
    assert (r.composite.volumes.total_t, r.composite.volumes.total_fen) == (vol, turn)
    expected = int((Decimal(turn) / vol).quantize(Decimal(1), ROUND_HALF_UP))
    assert r.composite.average == expected
    doc = json.loads(render_period(r, "json", "en"))
    assert doc["trading_days"] == 3 and doc["composite"]["average_price"] == yuan(expected)


def test_a_period_without_trading_days_is_refused(market: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="no closed trading day"):
        annual_report(history(market["rows"]), 2020)


# --- registry --------------------------------------------------------------------------------


def _registry(market: dict[str, Any], compliance: Any = None) -> Any:
    st = market["g"].state
    return registry_report(
        D3,
        st.registry.accounts.values(),
        st.registry.holdings,
        st.registry.transactions.values(),
        st.supervision.allocations,
        compliance,
    )


def test_registry_report_lists_holdings_and_allocation_by_holder(market: dict[str, Any]) -> None:
    r = _registry(market)
    (s,) = [h for h in r.holders if h.account_id == market["s"]]
    assert dict(s.allocated) == {V1: 50_000, V2: 10_000}
    assert dict(s.holdings)[V1] == 50_000 - 1_000 - 1_260 - 400  # the repo came back
    assert all(h.subject_type != "system" for h in r.holders)


def test_registry_report_masks_individuals_names(market: dict[str, Any]) -> None:
    text = render_registry(_registry(market), "md", "zh")
    assert "张**" in text and "张三丰" not in text


def test_registry_report_says_when_no_compliance_source_is_registered(
    market: dict[str, Any],
) -> None:
    assert "尚无履约数据来源" in render_registry(_registry(market), "md", "zh")


def test_a_registered_compliance_source_fills_the_compliance_section(
    market: dict[str, Any],
) -> None:
    s = market["s"]
    source = lambda st: [ComplianceLine(s, 2021, 100, 100, "compliant")]  # noqa: E731
    lines = reg_mod.compliance_lines(market["g"].state, [source])
    doc = json.loads(render_registry(_registry(market, lines), "json", "en"))
    assert doc["compliance"] == [
        {
            "account_id": s,
            "year": "2021",
            "obligation_t": "100",
            "surrendered_t": "100",
            "status": "compliant",
        }
    ]


def test_registry_report_compliance_section_shows_only_the_sources_it_is_given(
    market: dict[str, Any],
) -> None:
    st, s = market["g"].state, market["s"]
    one = reg_mod.compliance_lines(st, [lambda m: [ComplianceLine(s, 2021, 5, 5, "compliant")]])
    assert one is not None and [c.account_id for c in one] == [s]
    assert reg_mod.compliance_lines(st, []) is None  # nothing kept from the call before


def test_registry_report_compliance_sources_are_the_compositions(
    market: dict[str, Any],
) -> None:
    assert (composition.compliance_by_holder,) == composition.COMPLIANCE_SOURCES
    lines = reg_mod.compliance_lines(market["g"].state, composition.COMPLIANCE_SOURCES)
    assert lines == tuple(composition.compliance_by_holder(market["g"].state))


# --- command line and exports ----------------------------------------------------------------

runner = CliRunner()


def report(*args: str) -> Any:
    return runner.invoke(app, ["report", *args])


def test_cli_daily_report_as_json(market: dict[str, Any]) -> None:
    res = runner.invoke(
        app, ["report", "daily", "--db", market["db"], "--date", D1, "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["composite"]["prices"]["close"] == "51.19"


def test_cli_report_of_a_missing_database_fails_cleanly(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["report", "daily", "--db", f"sqlite:///{tmp_path}/no.db", "--date", D1]
    )
    assert res.exit_code == 1 and "no market database" in res.stderr


def test_cli_report_with_a_bad_format_fails_cleanly(market: dict[str, Any]) -> None:
    res = runner.invoke(
        app, ["report", "weekly", "--db", market["db"], "--date", D1, "--format", "pdf"]
    )
    assert res.exit_code == 1 and "format must be one of" in res.stderr


def test_cli_exports_trades_as_parquet_with_exact_money(
    market: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "trades.parquet"
    res = runner.invoke(
        app,
        [
            "report",
            "export",
            "trades",
            "--db",
            market["db"],
            "--format",
            "parquet",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    table = pq.read_table(out)
    assert table.num_rows == len(market["trades"])
    assert str(table.column("price")[0].as_py()) == "52.78"
    assert table.column("day").to_pylist()[0] == D1


@pytest.mark.parametrize("what", ["bars", "holdings", "trades"])
def test_cli_exports_as_csv(market: dict[str, Any], tmp_path: Path, what: str) -> None:
    out = tmp_path / f"{what}.csv"
    res = report("export", what, "--db", market["db"], "--out", str(out))
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 1
    if what == "bars":
        assert lines[0].startswith("day,instrument,open,high,low,close,prev_close,change_bps")
        assert len(lines) == 1 + 3 * 3  # three days of two vintages and the composite


def test_cli_registry_report(market: dict[str, Any]) -> None:
    res = runner.invoke(
        app, ["report", "registry", "--db", market["db"], "--format", "csv", "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("account_id,holder,type,province")
