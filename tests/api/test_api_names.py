"""Names refuse characters that make one name look like another: bidirectional controls
(U+202A-U+202E, U+2066-U+2069) and zero-width characters (U+200B-U+200D, U+2060, U+FEFF)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from dsl import fresh_uscc
from liveapi import PASSWORD, LiveApi

INVISIBLE = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200d", "\u2060", "\ufeff"]


def _refused(
    api: LiveApi, client: Any, path: str, body: dict[str, Any], field: str, ch: str
) -> str:
    with api.unchanged():
        r = client.request("POST", path, json=body)
    err = r.json()["error"]
    assert (r.status_code, err["code"], err["field"]) == (422, "INVALID_FIELD", field), err
    assert f"U+{ord(ch):04X}" in err["message"], err
    assert "bidirectional controls or zero-width characters" in err["message"], err
    return str(err["message"])


@pytest.mark.parametrize("ch", INVISIBLE)
def test_account_name_with_a_bidi_control_or_zero_width_character_is_refused(
    api: LiveApi, ch: str
) -> None:
    body = {
        "subject_type": "entity",
        "name": f"某某{ch}电厂",
        "id_code": fresh_uscc(),
        "province": "湖北",
    }
    message = _refused(api, api.client("regop"), "/registry/accounts", body, "name", ch)
    assert ascii(body["name"]) in message


@pytest.mark.parametrize("ch", INVISIBLE)
def test_entity_name_with_a_bidi_control_or_zero_width_character_is_refused(
    api: LiveApi, ch: str
) -> None:
    p = api.participant(province="湖北")
    body = {
        "entity_id": f"E{secrets.token_hex(3).upper()}",
        "name": f"华能{ch}电厂",
        "province": "湖北",
        "account_id": p.account_id,
        "sector": "power",
    }
    _refused(api, api.client("regop"), "/compliance/entities", body, "name", ch)


@pytest.mark.parametrize("ch", INVISIBLE)
def test_person_name_with_a_bidi_control_or_zero_width_character_is_refused(
    api: LiveApi, ch: str
) -> None:
    body = {
        "username": f"staff{secrets.token_hex(4)}",
        "password": PASSWORD,
        "role": "regulator",
        "provinces": ["湖北"],
        "person": {"name": f"王{ch}五", "id_number": secrets.token_hex(8).upper()},
    }
    _refused(api, api.client("regop"), "/users", body, "person.name", ch)
