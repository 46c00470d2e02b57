"""Instrument codes are checked against their product over HTTP: plain ASCII codes only, and a
code that reads as a product code must be the instrument's own product."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from liveapi import LiveApi
from marketapi import at, error, market_server, ok


@pytest.fixture(scope="module")
def capi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with market_server(tmp_path_factory.mktemp("codes")) as live:
        at(live, "10:00")
        yield live


def _list(api: LiveApi, code: str, product: str) -> httpx.Response:
    body = {"code": code, "product": product, "reference_price": "48.00"}
    return api.client("exop").request("POST", "/instruments", json=body)


@pytest.mark.parametrize("code", ["CEA/../22", "T.01", "T 01", "T01/", "-T01", "Ｔ01", "T٠1"])
def test_instrument_code_of_other_than_ascii_letters_digits_and_dash_is_refused(
    capi: LiveApi, code: str
) -> None:
    with capi.unchanged():
        err = error(_list(capi, code, "CEA22"), 422, "INVALID_FIELD", "code")
    assert repr(code) in err["message"] and "ASCII letters, digits or '-'" in err["message"]


@pytest.mark.parametrize("code", ["CEA99", "CEA21", "cea22", "CEA22X", "CCER", "CEA"])
def test_instrument_code_naming_another_product_is_refused(capi: LiveApi, code: str) -> None:
    with capi.unchanged():
        err = error(_list(capi, code, "CEA22"), 422, "INVALID_FIELD", "code")
    assert code in err["message"] and "CEA22" in err["message"], err


def test_product_lists_under_its_own_code(capi: LiveApi) -> None:
    out = ok(_list(capi, "CEA23", "CEA23"), 201)
    assert (out["code"], out["product"]) == ("CEA23", "CEA23")


@pytest.mark.parametrize("product", ["CEA２２", "CEA٢٢"])
def test_product_code_with_other_than_ascii_digits_is_refused(capi: LiveApi, product: str) -> None:
    with capi.unchanged():
        error(_list(capi, product, product), 404, "UNKNOWN_PRODUCT", "product")
