"""The mapping from rejection codes to HTTP statuses (the table in openets.api.errors)."""

from __future__ import annotations

import pytest

from openets.api.errors import ApiCode, status_of, validation_error
from openets.domain.rejection import Code


@pytest.mark.parametrize("code", list(Code))
def test_every_rejection_code_is_a_client_error(code: Code) -> None:
    assert 400 <= status_of(code) < 500


def test_unknown_things_are_404_and_missing_rights_403() -> None:
    assert status_of(Code.UNKNOWN_ACCOUNT) == status_of(Code.UNKNOWN_TRANSACTION) == 404
    assert status_of(Code.NOT_PERMITTED) == status_of(ApiCode.CSRF_FAILED) == 403


def test_shortfalls_conflict_and_malformed_values_are_unprocessable() -> None:
    assert status_of(Code.INSUFFICIENT_FUNDS) == status_of(Code.INSUFFICIENT_HOLDINGS) == 409
    assert status_of(Code.INVALID_AMOUNT) == status_of(Code.PRICE_OUT_OF_BAND) == 422


def test_codes_added_later_fall_back_by_prefix() -> None:
    assert status_of("UNKNOWN_VINTAGE") == 404
    assert status_of("INVALID_VINTAGE") == 422
    assert status_of("SOMETHING_ELSE") == 409


def test_validation_error_names_the_nested_field() -> None:
    code, message, field = validation_error(
        [{"type": "int_type", "loc": ("body", "items", 2, "quantity"), "msg": "bad", "input": 1.5}]
    )
    assert (code, field) == (Code.INVALID_QUANTITY, "items[2].quantity")
    assert "1.5" in message
