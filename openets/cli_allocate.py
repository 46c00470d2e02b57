"""``openets allocate``: benchmark allocation of a units file under a plan preset."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from openets.compliance.allocation import UnitInput, allocate
from openets.compliance.plans import PRESETS, Plan
from openets.compliance.units_csv import read_units, write_allocations


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename it: no half-written output."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _unconfirmed_used(plan: Plan, units: tuple[UnitInput, ...]) -> list[str]:
    """The plan's [U] placeholders that these units' allocations depend on."""
    used: set[str] = set()
    for u in units:
        used.add(f"benchmark.{u.category}.electricity")
        if u.heat_mj or u.prior_heat_mj:
            used.add(f"benchmark.{u.category}.heat")
        if u.category in plan.load_factor_categories:
            used.add("load_factor_scope")
    return [name for name in plan.unconfirmed if name in used]


def allocate_command(plan: str, units: Path, out: Path | None) -> int:
    """Allocate every unit of ``units`` under ``plan``; 0 on success, 1 on any error.

    Errors go to stderr, one line each (row, field, value, rule), and nothing is written.
    """
    preset = PRESETS.get(plan)
    if preset is None:
        print(f"error: unknown plan {plan!r}; use one of {', '.join(PRESETS)}", file=sys.stderr)
        return 1
    try:
        text = units.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {units}: {exc}", file=sys.stderr)
        return 1
    parsed, errors = read_units(text)
    if parsed is None:
        for e in errors:
            print(f"{units}: {e}", file=sys.stderr)
        print(f"error: {len(errors)} problem(s) in {units}; nothing allocated", file=sys.stderr)
        return 1
    result = write_allocations(parsed, allocate(preset, parsed.units))
    for name in _unconfirmed_used(preset, parsed.units):
        print(f"note: plan {plan} uses an unconfirmed [U] value for {name}", file=sys.stderr)
    if out is None:
        sys.stdout.write(result)
        return 0
    try:
        _write_atomically(out, result)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc}", file=sys.stderr)
        return 1
    return 0
