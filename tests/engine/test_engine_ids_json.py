"""A record's id counters are written as they always were: the journal's hash chain covers
their bytes, so the encoder on the order path (msgspec, keys sorted) must give exactly what
orjson's OPT_SORT_KEYS gave for every counter a command can move."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from openets.engine.core import _ids_json

pytestmark = pytest.mark.db_free

counters = st.dictionaries(
    st.text(min_size=1, max_size=12), st.integers(min_value=0, max_value=2**63 - 1), max_size=8
)


@given(counters)
def test_moved_id_counters_are_encoded_as_the_journal_always_kept_them(
    ids: dict[str, int],
) -> None:
    assert _ids_json(ids) == orjson.dumps(ids, option=orjson.OPT_SORT_KEYS)


def test_moved_id_counters_are_compact_with_their_keys_sorted() -> None:
    assert _ids_json({"TR": 12, "LS": 3, "ORD": 1}) == b'{"LS":3,"ORD":1,"TR":12}'
