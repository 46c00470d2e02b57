"""``openets rules``: a preset's whole rule set printed, its unconfirmed values marked."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from openets.cli import app
from openets.presets import PRESETS, rule_fields

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


def _rows(out: str) -> dict[str, str]:
    """field -> the rest of its line (the first line is the heading)."""
    rows = {}
    for line in out.splitlines()[1:]:
        field, rest = line.split(None, 1)
        rows[field] = rest
    return rows


@pytest.mark.parametrize("name", list(PRESETS))
def test_rules_command_prints_every_field_of_every_preset(name: str) -> None:
    r = CliRunner().invoke(app, ["rules", "--preset", name])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"preset {name}:")
    assert list(_rows(r.stdout)) == [f for f, _ in rule_fields(PRESETS[name])]


def test_rules_command_marks_unconfirmed_values() -> None:
    r = CliRunner().invoke(app, ["rules", "--preset", "cn"])
    rows = _rows(r.stdout)
    marked = {f for f, rest in rows.items() if rest.endswith("[U]")}
    assert marked == set(PRESETS["cn"].unconfirmed)
    assert {"risk.position", "fees.rates"} <= marked
    assert rows["block.min_qty"] == "100000" and rows["risk.position"] == "none  [U]"
    assert rows["trading.listing_sessions"] == "09:30-11:30, 13:00-15:00"


def test_rules_command_shows_the_pilot_limits_only_in_their_preset() -> None:
    pilot = _rows(CliRunner().invoke(app, ["rules", "--preset", "cn-pilot-limits"]).stdout)
    assert pilot["risk.position"].startswith("entity allocation + 1000000 t; institution 1000000 t")
    cn = _rows(CliRunner().invoke(app, ["rules", "--preset", "cn"]).stdout)
    assert cn["risk.position"] == "none  [U]"


def test_rules_command_json_gives_every_value_and_the_unconfirmed_names() -> None:
    r = CliRunner().invoke(app, ["rules", "--preset", "cn", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["preset"] == "cn" and doc["unconfirmed"] == list(PRESETS["cn"].unconfirmed)
    assert list(doc["rules"]) == [f for f, _ in rule_fields(PRESETS["cn"])]
    assert doc["rules"]["block.sessions"] == [["13:00", "15:00"]]
    assert doc["rules"]["block.max_qty"] is None and doc["rules"]["risk.position"] == []


def test_rules_command_with_an_unknown_preset_names_the_known_ones() -> None:
    r = CliRunner().invoke(app, ["rules", "--preset", "nz"])
    assert r.exit_code == 2 and r.stdout == ""
    assert "unknown preset 'nz'" in r.stderr and "cn, cn-pilot-limits" in r.stderr


def test_rules_command_with_an_unknown_format_is_refused() -> None:
    r = CliRunner().invoke(app, ["rules", "--preset", "cn", "--format", "yaml"])
    assert r.exit_code == 2 and "--format must be text or json, was 'yaml'" in r.stderr
