"""Names in the engine's commands (not only at the API): no bidirectional controls, no
zero-width characters, no line break hidden at the end of a username."""

from __future__ import annotations

import pytest
from dsl import Given, fresh_uscc

from openets.domain.rejection import Code
from openets.identity.handlers import check_username
from openets.registry import commands as rc
from openets.registry.model import SubjectType


@pytest.mark.parametrize("ch", ["\u202e", "\u2067", "\u200b", "\u200c", "\u2060", "\ufeff"])
def test_account_name_with_a_bidi_control_or_zero_width_character_is_rejected(
    given: Given, ch: str
) -> None:
    r = given.rejects(rc.OpenAccount(SubjectType.ENTITY, f"某某{ch}电厂", fresh_uscc(), "山东"))
    assert r.code is Code.INVALID_FIELD and r.field == "name"
    assert f"U+{ord(ch):04X}" in r.message


def test_username_with_a_trailing_line_break_is_rejected() -> None:
    assert check_username("alice") is None
    r = check_username("alice\n")
    assert r is not None and r.code is Code.INVALID_FIELD and r.field == "username"
