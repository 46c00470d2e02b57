"""docs/design.md shows the composition table the market is really built from."""

from __future__ import annotations

from pathlib import Path

import pytest

from openets.composition import compose
from openets.composition_doc import BEGIN, END, markdown, rows

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


DESIGN = Path(__file__).resolve().parents[2] / "docs" / "design.md"


def test_composition_table_in_the_design_notes_is_the_generated_one() -> None:
    text = DESIGN.read_text(encoding="utf-8")
    shown = text[text.index(BEGIN) : text.index(END) + len(END)] + "\n"
    assert shown == markdown(), "regenerate it: python -m openets.composition_doc --write"


def test_composition_table_has_a_row_for_every_handler_and_applier() -> None:
    handlers, appliers = compose()
    commands, events = rows()
    assert sorted(c for c, *_ in commands) == sorted(t.__name__ for t in handlers)
    assert sorted(e for e, *_ in events) == sorted(t.__name__ for t in appliers)
