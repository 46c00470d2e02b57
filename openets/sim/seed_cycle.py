"""The simulated cycle's compliance steps, through the engine's own commands.

The simulator runs the cycle as its roles would over the API: a regulator (national) and a
verifier (every province) are appointed; the registry registers each covered entity and its
units or production lines; each entity submits its emission report of every year of the cycle,
the verifier verifies it unchanged and the regulator approves it; then the regulator runs the
final allocation of each year, which issues the allowances national → provincial → entity and
records each entity's obligation under the plan's caps. So ``openets compliance report`` on the
simulator's database reads the very obligations and surrenders its agents worked with.

There is no pre-allocation: the simulated cycle starts when the final allocation is known
(cycle 1 opened trading in July 2021, after both years were allocated).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from openets.compliance import mrv
from openets.compliance import run_messages as runs
from openets.compliance.plans import Category, Cooling, Sector
from openets.compliance.state import NATIONAL, ReportLine
from openets.domain.messages import Command
from openets.domain.rejection import Rejection
from openets.engine.core import Engine
from openets.sim.population import Entity
from openets.sim.population_geo import province_by_code

REGULATOR = "sim-regulator"
VERIFIER = "sim-verifier"
REGISTRY = "registry-operator"
BOOTSTRAP = "system"  # who appoints, as ``openets users add`` does


class CycleStepError(RuntimeError):
    """A compliance step of the simulated cycle was refused: the seed data or the engine is
    broken (the simulator feeds only valid figures)."""


def _ok(engine: Engine, cmd: Command, actor: str) -> object:
    r = engine.submit(cmd, actor)
    if isinstance(r, Rejection):
        raise CycleStepError(f"{type(cmd).__name__} refused: {r.code.value}: {r.message}")
    return r


def report_lines(entity: Entity) -> tuple[ReportLine, ...]:
    """The entity's year as report lines: power units with their output (kWh, MJ, ratios in
    ppm, as the units CSV is parsed), industrial lines with their direct emissions."""
    lines = [
        ReportLine(
            u.unit_id,
            u.emissions_t,
            u.supply_mwh * 1000,
            u.heat_gj * 1000,
            u.heat_ratio_ppm,
            u.load_factor_ppm,
        )
        for u in entity.units
    ]
    lines += [
        ReportLine(i.installation_id, i.emissions_t, output_t=i.output_t)
        for i in entity.installations
    ]
    return tuple(lines)


def province_of(entity: Entity) -> str:
    return province_by_code(entity.province).short


def register(engine: Engine, entity: Entity, account_id: str) -> None:
    """The registry registers ``entity`` (on its account) with its units and lines."""
    sector = Sector(entity.sector.value)
    eid = entity.entity_id
    _ok(
        engine,
        runs.RegisterCoveredEntity(eid, entity.name, province_of(entity), account_id, sector),
        REGISTRY,
    )
    for u in entity.units:
        cmd = runs.RegisterCoveredInstallation(
            eid,
            u.unit_id,
            sector,
            Category(u.category.value),
            Cooling(u.cooling.value),
            u.capacity_mw * 1000,
        )
        _ok(engine, cmd, REGISTRY)
    for inst in entity.installations:
        _ok(
            engine,
            runs.RegisterCoveredInstallation(eid, inst.installation_id, sector, None),
            REGISTRY,
        )


def run_cycle_steps(
    engine: Engine,
    plans: Sequence[tuple[int, str]],
    by_year: Mapping[int, Sequence[Entity]],
    accounts: Mapping[str, str],
    hold_back: Collection[str] = (),
) -> None:
    """Appoint, register, report, verify, approve and run the final allocation of every year
    in ``plans`` (``(year, plan name)``) for the entities of ``by_year`` (the same entities,
    in the same order, each year). Entities in ``hold_back`` are left out entirely (the demo
    puts their cycle on its roles' desks)."""
    last = by_year[plans[-1][0]]
    provinces = tuple(sorted({province_of(e) for e in last}))
    _ok(engine, mrv.AppointRegulator(REGULATOR, NATIONAL), BOOTSTRAP)
    _ok(engine, mrv.AppointVerifier(VERIFIER, provinces), BOOTSTRAP)
    for entity in last:
        if entity.entity_id not in hold_back:
            register(engine, entity, accounts[entity.entity_id])
    for year, plan in plans:
        for entity in by_year[year]:
            eid = entity.entity_id
            if eid in hold_back:
                continue
            lines = report_lines(entity)
            _ok(engine, runs.SubmitEmissionReport(eid, year, lines), f"owner-{eid}")
            _ok(engine, mrv.VerifyReport(eid, year, lines), VERIFIER)
            _ok(engine, mrv.ApproveReport(eid, year), REGULATOR)
        _ok(engine, runs.RunFinalAllocation(plan, year), REGULATOR)
