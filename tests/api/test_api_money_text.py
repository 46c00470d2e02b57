"""Money text over HTTP is taken exactly as sent: ASCII digits only, no padding."""

from __future__ import annotations

import pytest
from liveapi import LiveApi


@pytest.mark.parametrize("amount", ["１２.５０", "١٢.٥٠", "۱۲.۵۰", "1２.50"])
def test_money_with_fullwidth_or_arabic_indic_digits_is_refused(
    api: LiveApi, amount: str
) -> None:
    p = api.participant()
    with api.unchanged():
        r = p.client.request(
            "POST", "/funds/deposits", json={"account_id": p.account_id, "amount": amount}
        )
    body = r.json()
    assert r.status_code == 422
    assert (body["error"]["code"], body["error"]["field"]) == ("INVALID_AMOUNT", "amount")
    assert amount in body["error"]["message"] and "ASCII digits" in body["error"]["message"]


@pytest.mark.parametrize("amount", [" 12.50 ", "12.50\n", "\t12.50", "12.50 "])
def test_padded_money_amount_is_refused(api: LiveApi, amount: str) -> None:
    p = api.participant()
    with api.unchanged():
        r = p.client.request(
            "POST", "/funds/deposits", json={"account_id": p.account_id, "amount": amount}
        )
    body = r.json()
    assert r.status_code == 422
    assert (body["error"]["code"], body["error"]["field"]) == ("INVALID_AMOUNT", "amount")
    assert repr(amount) in body["error"]["message"] and "no spaces" in body["error"]["message"]
