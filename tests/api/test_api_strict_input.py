"""Request bodies take exactly what the contract says: booleans are JSON true/false only."""

from __future__ import annotations

import pytest
from liveapi import LiveApi

from openets.api.schemas.common import InModel
from openets.client import ApiError


@pytest.mark.parametrize("value", ["on", "yes", "true", 1, 0, "1", None])
def test_string_for_force_on_eod_is_refused(api: LiveApi, value: object) -> None:
    with api.unchanged(), pytest.raises(ApiError) as e:
        api.client("exop").post("/ops/eod", {"force": value})
    assert (e.value.status, e.value.field) == (422, "force")
    assert "true or false" in e.value.message


def test_string_for_activate_on_account_opening_is_refused(api: LiveApi) -> None:
    body = {
        "subject_type": "entity",
        "name": "测试",
        "id_code": "91110000100000000A",
        "province": "山东",
        "activate": "no",
    }
    with api.unchanged(), pytest.raises(ApiError) as e:
        api.client("regop").post("/registry/accounts", body)
    assert (e.value.status, e.value.field) == (422, "activate")


def test_string_for_trading_on_restriction_is_refused(api: LiveApi) -> None:
    p = api.participant()
    body = {"account_id": p.account_id, "trading": "yes", "transfer": False, "reason": "x"}
    with api.unchanged(), pytest.raises(ApiError) as e:
        api.client("regulator").post("/supervision/restrictions", body)
    assert (e.value.status, e.value.field) == (422, "trading")


def test_query_flag_takes_only_true_or_false(api: LiveApi) -> None:
    regop = api.client("regop")
    assert regop.get("/registry/accounts", include_system="true") is not None
    with pytest.raises(ApiError) as e:
        regop.get("/registry/accounts", include_system="on")
    assert (e.value.status, e.value.field) == (422, "include_system")


def test_every_request_body_declares_its_booleans_strict() -> None:
    with pytest.raises(TypeError, match="Flag"):

        class Bad(InModel):
            flag: bool

    with pytest.raises(TypeError, match="Flag"):

        class AlsoBad(InModel):
            flag: bool | None = None
