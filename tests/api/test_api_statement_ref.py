"""A trade's statement lines: ``GET /registry/accounts/{id}/statement?ref=<trade id>`` gives
only the lines that paid for and settled that trade (the money at the trade, the delivery at
the end of day), for the account asked about."""

from __future__ import annotations

from pathlib import Path

from marketapi import at, instrument, listed, market_server, ok, take


def test_a_trades_statement_lines_are_found_by_its_id(tmp_path: Path) -> None:
    with market_server(tmp_path) as api:
        at(api, "10:00")
        code = instrument(api)
        s = api.participant(tonnes={"CEA21": 1_000})
        b = api.participant(fen=10_000_000)
        other = listed(s, code, "sell", "49.00", 10)
        lid = listed(s, code, "sell", "50.00", 100)
        trade = ok(take(b, lid, 40), 201)["trade_id"]
        ok(take(b, other, 10), 201)
        at(api, "15:30")
        api.client("exop").end_of_day()
        path = f"/registry/accounts/{b.account_id}/statement"
        lines = b.client.get(path, ref=trade)["data"]
    assert {x["ref"] for x in lines} == {trade}
    kinds = {(x["tx_type"], x["asset"], x["bucket"]) for x in lines}
    assert ("delivery", "CEA21", "pending") in kinds  # the settlement's delivery to the buyer
    assert any(x["asset"] == "CNY" and x["tx_type"] == "trade" for x in lines)
    delivered = [x["quantity"] for x in lines if x["tx_type"] == "delivery"]
    assert delivered == [40]
