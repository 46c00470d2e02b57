"""Seed a market for a compliance cycle: accounts, the CEA instrument, the cycle's compliance
steps up to the final allocation, and cash.

Everything goes through the engine as ordinary commands (the registry opens accounts, the
exchange lists the instrument, the entities report, the verifier and the regulator do their
part and the regulator's final allocation issues the allowances and records the obligations,
see :mod:`openets.sim.seed_cycle`; each entity deposits its cash), so the seeded market is an
ordinary journal that ``openets verify`` and ``openets compliance report`` read.

A cycle is named by its *trading year*: the year whose 31 December is the surrender deadline.
2021 is cycle 1 (the 2019-2020 obligations, CEA19-20, trading from the market's opening on
2021-07-16); 2024, 2025 and 2026 surrender the 2023, 2024 and 2025 vintages over a full trading
year; 2026 (the 2025 obligations of power, steel, cement and aluminium, due by 2026-12-31) is
the current cycle. The second cycle (2021-2022, deadline 2023) is not simulated.

Every vintage the market's schedule (:data:`openets.trading.vintages.CN_VINTAGES`) lists by the
first simulated day is listed at the seeding, each at the cycle's reference price; the cycle's
own vintage joins on its listing date (the simulator lists it then with ``ListDueVintages``):
CEA23 from November 2024, CEA24 from 2025-04-29, CEA25 from 2026-04-29. Until then the cycle
trades the older vintages its long entities hold from earlier cycles (:func:`seed_banks`).

Allocations are the plans' final benchmark allocations (:mod:`openets.compliance.allocation`) of
the population's units; obligations apply the plans' caps (:mod:`openets.compliance.obligations`).
The agents plan with :func:`cycle_positions`; the seeding checks that the engine's allocation
run recorded exactly those obligations and issued exactly those allocations.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from openets.clearing.funds import Deposit
from openets.compliance.allocation import UnitInput, allocate_unit, equal_allocation_t
from openets.compliance.obligations import UnitPosition, compute_obligation
from openets.compliance.plans import Category, Cooling, Plan, Sector, get_plan
from openets.domain.rejection import Rejection
from openets.engine.core import Engine
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.sim.population import Entity, Unit, generate_population
from openets.sim.population_geo import province_by_code
from openets.sim.population_names import draw_uscc
from openets.sim.seed_cycle import run_cycle_steps
from openets.trading.commands import ListInstrument
from openets.trading.rules import CN_TRADING_RULES
from openets.trading.vintages import VintageRules

REGISTRY_ACTOR = "registry-operator"
EXCHANGE_ACTOR = "exchange-operator"


@dataclass(frozen=True, slots=True)
class Cycle:
    """One simulated compliance cycle, named by the year its deadline falls in."""

    trading_year: int
    plans: tuple[tuple[int, str], ...]
    """(compliance year, plan preset name) of every year surrendered by the deadline."""
    product: str
    first_day: date
    deadline: date
    reference_fen: int
    """The previous close of the first simulated day (fen)."""

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(y for y, _ in self.plans)

    @property
    def include_industry(self) -> bool:
        return any(y >= 2024 for y in self.years)

    @property
    def carry_over_binds(self) -> bool:
        """The carry-over limit matters to this cycle's holders: old vintages (up to CEA24)
        serve the obligations of 2025 on only within each entity's quota, so from the 2025
        trading year the holders of a larger surplus sell (§13)."""
        return self.trading_year >= 2025


CYCLES: dict[int, Cycle] = {
    # Cycle 1: opened on the market's first day at its reference (§4), deadline 2021-12-31 (§8.2).
    2021: Cycle(2021, ((2019, "2019-2020"), (2020, "2019-2020")), "CEA19-20",
                CN_TRADING_RULES.first_day, date(2021, 12, 31),
                CN_TRADING_RULES.first_day_reference_fen),
    # 2023 vintage due by 2024-12-31; 2023 closed at 79.42 (§9.2).
    2024: Cycle(2024, ((2023, "2023"),), "CEA23", date(2024, 1, 2), date(2024, 12, 31), 7942),
    # 2024 vintage due by 2025-12-31; 2024 closed at 97.49 (§9.2).
    2025: Cycle(2025, ((2024, "2024"),), "CEA24", date(2025, 1, 2), date(2025, 12, 31), 9749),
    # The current cycle: 2025 vintage due by 2026-12-31 (§13); 2025 closed at 74.63 (§13).
    2026: Cycle(2026, ((2025, "2025"),), "CEA25", date(2026, 1, 5), date(2026, 12, 31), 7463),
}  # fmt: skip

POWER_ENTITIES = {2021: 2162, 2024: 2096, 2025: 2087, 2026: 2087}
"""Power entities of each cycle's roster (§8.4, §9.2, §7.5); steel, cement and aluminium are
added in the 2025 roster's proportions from the 2025 cycle on (3,378 entities in all)."""


def default_entities(year: int) -> int:
    """The power entities of ``year``'s roster (the default of ``--entities``)."""
    return POWER_ENTITIES.get(year, 2162)


def cycle_for(year: int) -> Cycle:
    """The cycle whose deadline falls in ``year``; a clear error for the others."""
    try:
        return CYCLES[year]
    except KeyError:
        raise ValueError(
            f"year must be one of {sorted(CYCLES)} (a year with a surrender deadline and one "
            f"vintage to trade), was {year}"
        ) from None


@dataclass(frozen=True, slots=True)
class EntityPosition:
    """A covered entity's allocation and obligation for each year of the cycle."""

    entity: Entity
    allocations: tuple[tuple[int, int], ...]
    obligations: tuple[tuple[int, int], ...]
    emissions_t: int
    by_year: tuple[tuple[int, Entity], ...] = ()
    """The entity as it reported each year of the cycle."""

    @property
    def allocation_t(self) -> int:
        return sum(q for _, q in self.allocations)

    @property
    def obligation_t(self) -> int:
        return sum(q for _, q in self.obligations)

    @property
    def gap_t(self) -> int:
        """Positive: allowances to buy; negative: surplus that may be sold or banked."""
        return self.obligation_t - self.allocation_t


def _unit_input(entity: Entity, u: Unit) -> UnitInput:
    """A population unit (MWh, GJ, ppm) scaled exactly as the units CSV is parsed."""
    return UnitInput(
        entity_id=entity.entity_id,
        unit_id=u.unit_id,
        category=Category(u.category.value),
        cooling=Cooling(u.cooling.value),
        capacity_kw=u.capacity_mw * 1000,
        supply_kwh=u.supply_mwh * 1000,
        heat_mj=u.heat_gj * 1000,
        heat_ratio_ppm=u.heat_ratio_ppm,
        load_factor_ppm=u.load_factor_ppm,
        prior_supply_kwh=u.prior_supply_mwh * 1000,
        prior_heat_mj=u.prior_heat_gj * 1000,
    )


def _year_position(plan: Plan, entity: Entity) -> tuple[int, int]:
    """(final allocation, obligation) of one entity in one year under ``plan``."""
    positions = []
    allocation = 0
    for unit in entity.units:
        a = allocate_unit(plan, _unit_input(entity, unit)).final_allocation_t
        allocation += a
        positions.append(
            UnitPosition(unit.unit_id, unit.category.value == "gas", unit.emissions_t, a)
        )
    for inst in entity.installations:
        equal = equal_allocation_t(plan, Sector(entity.sector.value), inst.emissions_t)
        a = inst.emissions_t if equal is None else equal
        allocation += a
        positions.append(UnitPosition(inst.installation_id, False, inst.emissions_t, a))
    return allocation, compute_obligation(plan, positions).obligation_t


def cycle_positions(cycle: Cycle, n_entities: int, seed: int) -> tuple[EntityPosition, ...]:
    """Every entity's allocation and obligation, from the seeded population of each year."""
    by_year = []
    for year, plan_name in cycle.plans:
        plan = get_plan(plan_name)
        if plan is None:  # a broken preset table, not the caller's input
            raise RuntimeError(f"no plan preset {plan_name!r}")
        pop = generate_population(n_entities, year, seed, include_industry=cycle.include_industry)
        by_year.append((year, plan, pop))
    out = []
    last = by_year[-1][2].entities
    for i, entity in enumerate(last):
        allocs, obls, years = [], [], []
        emissions = 0
        for year, plan, pop in by_year:
            e = pop.entities[i]
            a, o = _year_position(plan, e)
            allocs.append((year, a))
            obls.append((year, o))
            years.append((year, e))
            emissions += e.emissions_t
        out.append(EntityPosition(entity, tuple(allocs), tuple(obls), emissions, tuple(years)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class SeededMarket:
    instrument: str
    accounts: dict[str, str]
    """entity id (or institution id) -> registry account id."""
    listed: tuple[str, ...] = ()
    """The vintages listed at the seeding, in listing order (the cycle's own may come later)."""


def opening_vintages(rules: VintageRules, cycle: Cycle) -> tuple[str, ...]:
    """The vintages the market lists by the cycle's first day: every one of its schedule
    listed by then, and the cycle's own vintage if the schedule does not name it (a market
    without that vintage on its schedule lists it at once)."""
    schedule = rules.vintages
    out = [v.code for v in schedule if v.listed_on <= cycle.first_day]
    if cycle.product not in {v.code for v in schedule} and cycle.product not in out:
        out.append(cycle.product)
    return tuple(out)


class SeedError(RuntimeError):
    """A seeding command was refused: the seed data or the engine is broken."""


def _ok(engine: Engine, cmd: object, actor: str) -> tuple[object, ...]:
    r = engine.submit(cmd, actor)  # type: ignore[arg-type]
    if isinstance(r, Rejection):
        raise SeedError(f"{type(cmd).__name__} refused: {r.code.value}: {r.message}")
    return r


def seed_market(
    engine: Engine,
    cycle: Cycle,
    positions: Sequence[EntityPosition],
    cash_fen: Mapping[str, int],
    hold_back: Collection[str] = (),
    banks: Mapping[str, Sequence[tuple[str, int]]] | None = None,
) -> SeededMarket:
    """List the vintages of the cycle's first day (:func:`opening_vintages`, each at the
    cycle's reference price), open an account per entity, run the cycle's compliance steps up
    to the final allocation of each year (except for the entities in ``hold_back``), deposit
    each entity's cash (``cash_fen`` by entity id; missing means none) and issue what it
    carried from earlier cycles (``banks``: entity id -> (vintage, tonnes) pairs)."""
    accounts: dict[str, str] = {}
    code = cycle.product
    listed = opening_vintages(engine.state.rules.vintages, cycle)
    with engine.batch():
        for vintage in listed:
            if vintage not in engine.state.trading.instruments:
                _ok(engine, ListInstrument(vintage, vintage, cycle.reference_fen), EXCHANGE_ACTOR)
        for pos in positions:
            e = pos.entity
            province = province_by_code(e.province).short
            ev = _ok(
                engine, rc.OpenAccount(SubjectType.ENTITY, e.name, e.uscc, province), REGISTRY_ACTOR
            )
            acct: str = ev[0].account_id  # type: ignore[attr-defined]
            accounts[e.entity_id] = acct
            cash = cash_fen.get(e.entity_id, 0)
            if cash > 0:
                _ok(engine, Deposit(acct, cash, f"SIM-{e.entity_id}-0"), e.entity_id)
        by_year = {year: [dict(p.by_year)[year] for p in positions] for year in cycle.years}
        run_cycle_steps(engine, cycle.plans, by_year, accounts, hold_back)
    _check_positions(engine, cycle, positions, accounts, hold_back)
    if banks:
        with engine.batch():
            for eid, holding in sorted(banks.items()):
                for vintage, qty in holding:
                    why = "carried from earlier cycles"
                    _ok(engine, rc.Issue(accounts[eid], vintage, qty, why), REGISTRY_ACTOR)
    return SeededMarket(code, accounts, listed)


def _check_positions(
    engine: Engine,
    cycle: Cycle,
    positions: Sequence[EntityPosition],
    accounts: Mapping[str, str],
    hold_back: Collection[str],
) -> None:
    """The engine's allocation run must have recorded the obligations and issued the
    allocations the agents plan with; anything else is a broken seed or engine."""
    comp = engine.state.compliance
    registry = engine.state.registry
    for pos in positions:
        eid = pos.entity.entity_id
        if eid in hold_back:
            continue
        for year, want in pos.obligations:
            ey = comp.years.get((eid, year))
            got = None if ey is None or ey.obligation is None else ey.obligation.obligation_t
            if got != want:
                raise SeedError(f"{eid} {year}: the engine recorded obligation {got}, not {want}")
        held = registry.available(accounts[eid], cycle.product)
        if held != pos.allocation_t:
            raise SeedError(f"{eid}: the engine issued {held} t, not {pos.allocation_t}")


def open_institutions(engine: Engine, count: int, cash_fen: int, seed: int) -> dict[str, str]:
    """Open ``count`` institution accounts (market makers) with ``cash_fen`` each."""
    rng = random.Random(f"openets-sim-institutions/{seed}")
    out: dict[str, str] = {}
    seen = set(engine.state.registry.by_id_code)
    with engine.batch():
        for i in range(1, count + 1):
            inst_id = f"I{i:03d}"
            code = draw_uscc(rng, "310115")
            while code in seen:
                code = draw_uscc(rng, "310115")
            seen.add(code)
            name = f"上海浦东碳资产管理{i:03d}有限公司"
            ev = _ok(
                engine, rc.OpenAccount(SubjectType.INSTITUTION, name, code, "上海"), REGISTRY_ACTOR
            )
            acct: str = ev[0].account_id  # type: ignore[attr-defined]
            out[inst_id] = acct
            if cash_fen > 0:
                _ok(engine, Deposit(acct, cash_fen, f"SIM-{inst_id}-0"), inst_id)
    return out
