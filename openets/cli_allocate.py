"""``openets allocate``: allocation of one sector's file under a plan preset.

``--sector power`` (the default) reads the units file (benchmarks × output); ``--sector steel``,
``cement`` or ``aluminium`` reads that sector's installations file (verified emissions and
output; see docs/compliance-cycle.md)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from openets.compliance.allocation import UnitInput, allocate
from openets.compliance.industry import allocate_installations
from openets.compliance.industry_csv import read_installations, write_installation_allocations
from openets.compliance.plans import PRESETS, Plan, Sector
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


def _industry(preset: Plan, sector: Sector, text: str, units: Path) -> str | None:
    """One industrial sector's file allocated, or None after printing its errors."""
    parsed, errors = read_installations(text, sector)
    if parsed is None:
        for e in errors:
            print(f"{units}: {e}", file=sys.stderr)
        print(f"error: {len(errors)} problem(s) in {units}; nothing allocated", file=sys.stderr)
        return None
    result = write_installation_allocations(
        parsed, allocate_installations(preset, parsed.installations)
    )
    if "industry_final_method" in preset.unconfirmed:
        print(
            f"note: plan {preset.name} uses an unconfirmed [U] value for industry_final_method "
            f"(the final {sector} allocation is set equal to verified emissions)",
            file=sys.stderr,
        )
    return result


def allocate_command(plan: str, units: Path, out: Path | None, sector: str = "power") -> int:
    """Allocate every unit (power) or installation (steel, cement, aluminium) of ``units``
    under ``plan``; 0 on success, 1 on any error.

    Errors go to stderr, one line each (row, field, value, rule), and nothing is written.
    """
    preset = PRESETS.get(plan)
    if preset is None:
        print(f"error: unknown plan {plan!r}; use one of {', '.join(PRESETS)}", file=sys.stderr)
        return 1
    try:
        chosen = Sector(sector)
    except ValueError:
        names = ", ".join(s.value for s in Sector)
        print(f"error: unknown sector {sector!r}; use one of {names}", file=sys.stderr)
        return 1
    if chosen not in preset.covered_sectors:
        print(
            f"error: plan {plan} does not allocate the {chosen} sector (it covers "
            f"{', '.join(sorted(preset.covered_sectors))}); steel, cement and aluminium "
            "start with plan 2024",
            file=sys.stderr,
        )
        return 1
    try:
        text = units.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {units}: {exc}", file=sys.stderr)
        return 1
    if chosen is not Sector.POWER:
        industry = _industry(preset, chosen, text, units)
        if industry is None:
            return 1
        return _emit(industry, out)
    parsed, errors = read_units(text)
    if parsed is None:
        for e in errors:
            print(f"{units}: {e}", file=sys.stderr)
        print(f"error: {len(errors)} problem(s) in {units}; nothing allocated", file=sys.stderr)
        return 1
    result = write_allocations(parsed, allocate(preset, parsed.units))
    for name in _unconfirmed_used(preset, parsed.units):
        print(f"note: plan {plan} uses an unconfirmed [U] value for {name}", file=sys.stderr)
    return _emit(result, out)


def _emit(result: str, out: Path | None) -> int:
    if out is None:
        sys.stdout.write(result)
        return 0
    try:
        _write_atomically(out, result)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc}", file=sys.stderr)
        return 1
    return 0
