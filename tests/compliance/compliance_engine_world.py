"""A market with compliance, driven through the engine: people, entities, budgets, the cycle.

Numbers of the crafted entity (plan 2021, water-cooled units at 90% load, no heat):
U1 coal ≥300 MW (0.8218 t/MWh) and U2 gas (0.3920 t/MWh).

- Pre-allocation on the prior output (U1 1,000,000 MWh, U2 100,000 MWh), 70%:
  575,260 + 27,440 = 602,700 t.
- Final on ``REPORT`` (U1 1,100,000 MWh, U2 100,000 MWh): 903,980 + 39,200 = 943,180 t,
  true-up 340,480 t. Obligation: gas min(40,000, 39,200) + coal min(900,000, 903,980 +
  20% × 900,000) = 939,200 t; CCER at most 5%: 46,960 t.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dsl import Given

from openets.compliance.cycle_messages import (
    FinalizeAllocation,
    PreAllocate,
    RecordSurrender,
)
from openets.compliance.mrv import (
    AppointRegulator,
    AppointVerifier,
    ApproveReport,
    RegisterEntity,
    RegisterInstallation,
    SubmitReport,
    VerifyReport,
)
from openets.compliance.plans import Category, Cooling, Sector
from openets.compliance.rules import SurrenderItem
from openets.compliance.service import IssueAllocation, ProvinceBudget
from openets.compliance.state import SYSTEM_ACTOR, ReportLine
from openets.domain.money import parse_yuan
from openets.registry.handlers import PROVINCES
from openets.registry.model import SystemRole
from openets.sim.population import Population
from openets.sim.population_geo import province_by_code
from openets.trading.book import Side
from openets.trading.commands import PostListing, TakeListing

SD = "山东"
NATIONAL_REG = "reg-cn"
REG_SD = "reg-sd"
VERIFIER = "ver-1"
EXCHANGE = "exchange"
CEA21 = "CEA21"


def op(entity_id: str) -> str:
    return f"op-{entity_id}"


def line(unit: str, emissions: int, supply_mwh: int, load_ppm: int = 900_000) -> ReportLine:
    return ReportLine(unit, emissions, supply_mwh * 1000, 0, 0, load_ppm)


PRIOR = (line("U1", 0, 1_000_000), line("U2", 0, 100_000))
REPORT = (line("U1", 900_000, 1_100_000), line("U2", 40_000, 100_000))
PRE_T = 602_700
FINAL_T = 943_180
OBLIGATION_T = 939_200
CCER_LIMIT_T = 46_960
UNITS = (("U1", Category.COAL_300_PLUS), ("U2", Category.GAS))


def items(*pairs: tuple[str, int]) -> tuple[SurrenderItem, ...]:
    return tuple(SurrenderItem(p, q) for p, q in pairs)


class World:
    """A :class:`Given` market with the compliance people appointed."""

    def __init__(self, start: str = "2022-03-01T10:00+08:00", db: Any = None) -> None:
        self.g = Given.on_sqlite(db, start) if db is not None else Given.in_memory(start)
        self.accounts: dict[str, str] = {}
        self.g.ok(AppointRegulator(NATIONAL_REG, "CN"), SYSTEM_ACTOR)
        self.g.ok(AppointRegulator(REG_SD, SD), NATIONAL_REG)
        self.g.ok(AppointVerifier(VERIFIER, tuple(sorted(PROVINCES))), NATIONAL_REG)

    # --- reading --------------------------------------------------------------------------

    @property
    def state(self) -> Any:
        return self.g.state

    @property
    def comp(self) -> Any:
        return self.g.state.compliance

    def held(self, account: str, product: str = CEA21) -> int:
        return sum(self.g.state.registry.bucket(account, product))

    def system(self, role: SystemRole, province: str = "") -> str:
        acct: str = self.g.state.registry.system_account(role, province)
        return acct

    def province_holds(self, product: str = CEA21, province: str = SD) -> int:
        return self.held(self.system(SystemRole.PROVINCIAL_ALLOCATION, province), product)

    def at(self, when: str) -> World:
        self.g.at(when)
        return self

    # --- the cycle ------------------------------------------------------------------------

    def entity(
        self,
        entity_id: str = "E1",
        province: str = SD,
        units: Iterable[tuple[str, Category]] = (
            ("U1", Category.COAL_300_PLUS),
            ("U2", Category.GAS),
        ),
    ) -> str:
        acct = self.g.account(province=province, name=f"{entity_id} 电厂")
        self.g.ok(
            RegisterEntity(entity_id, f"{entity_id} 电厂", province, acct, (op(entity_id),)),
            NATIONAL_REG,
        )
        for unit_id, cat in units:
            self.g.ok(RegisterInstallation(entity_id, unit_id, Sector.POWER, cat), NATIONAL_REG)
        self.accounts[entity_id] = acct
        return acct  # fmt: skip

    def budget(self, year: int, quantity: int, province: str = SD) -> None:
        self.g.ok(IssueAllocation(year, (ProvinceBudget(province, quantity),)), NATIONAL_REG)

    def report(
        self,
        entity_id: str,
        year: int,
        lines: tuple[ReportLine, ...],
        verified: tuple[ReportLine, ...] | None = None,
        reason: str = "",
    ) -> None:
        self.g.ok(SubmitReport(entity_id, year, lines), op(entity_id))
        self.g.ok(VerifyReport(entity_id, year, verified or lines, reason), VERIFIER)
        self.g.ok(ApproveReport(entity_id, year), NATIONAL_REG)

    def pre(self, entity_id: str, year: int = 2021, prior: tuple[ReportLine, ...] = PRIOR) -> Any:
        return self.g.ok(PreAllocate(entity_id, year, str(year), prior), NATIONAL_REG)

    def final(self, entity_id: str, year: int = 2021) -> Any:
        return self.g.ok(FinalizeAllocation(entity_id, year, str(year)), NATIONAL_REG)

    def surrender(self, entity_id: str, year: int, *pairs: tuple[str, int]) -> Any:
        return self.g.ok(RecordSurrender(entity_id, year, items(*pairs)), op(entity_id))

    def finalised(self, entity_id: str = "E1", report: tuple[ReportLine, ...] = REPORT) -> str:
        """An entity with its 2021 pre-allocation, approved report and final allocation."""
        acct = self.entity(entity_id)
        self.pre(entity_id)
        self.report(entity_id, 2021, report)
        self.final(entity_id)
        return acct

    # --- the market -----------------------------------------------------------------------

    def trade(self, day: str, seller: str, buyer: str, price: str, qty: int, product: str) -> None:
        """One listing trade on ``day`` (09:45), then the end of day."""
        self.g.at(f"{day}T09:45+08:00")
        (*_, posted) = self.g.ok(PostListing(seller, product, Side.SELL, parse_yuan(price), qty))
        self.g.ok(TakeListing(posted.listing_id, buyer, qty))
        self.g.at(f"{day}T15:30+08:00")
        self.g.end_of_day()


def population_world(pop: Population, start: str = "2022-03-01T10:00+08:00") -> World:
    """Every entity of ``pop`` with its account (its own credit code and province) and units."""
    w = World(start)
    for e in pop.entities:
        short = province_by_code(e.province).short
        ev = w.g.ok(_open(e.name, e.uscc, short))
        acct = ev[0].account_id
        w.g.ok(RegisterEntity(e.entity_id, e.name, short, acct, (op(e.entity_id),)), NATIONAL_REG)
        for u in e.units:
            cmd = RegisterInstallation(
                e.entity_id,
                u.unit_id,
                Sector.POWER,
                Category(u.category.value),
                Cooling(u.cooling.value),
                u.capacity_mw * 1000,
            )
            w.g.ok(cmd, NATIONAL_REG)
        w.accounts[e.entity_id] = acct
    return w


def _open(name: str, uscc: str, province: str) -> Any:
    from openets.registry.commands import OpenAccount
    from openets.registry.model import SubjectType

    return OpenAccount(SubjectType.ENTITY, name, uscc, province)


def report_lines(pop: Population, entity_id: str) -> tuple[ReportLine, ...]:
    e = next(x for x in pop.entities if x.entity_id == entity_id)
    return tuple(
        ReportLine(
            u.unit_id,
            u.emissions_t,
            u.supply_mwh * 1000,
            u.heat_gj * 1000,
            u.heat_ratio_ppm,
            u.load_factor_ppm,
        )
        for u in e.units
    )


def prior_lines(pop: Population, entity_id: str) -> tuple[ReportLine, ...]:
    e = next(x for x in pop.entities if x.entity_id == entity_id)
    return tuple(
        ReportLine(
            u.unit_id,
            u.prior_emissions_t,
            u.prior_supply_mwh * 1000,
            u.prior_heat_gj * 1000,
            u.heat_ratio_ppm,
            u.load_factor_ppm,
        )
        for u in e.units
    )


def beijing(text: str) -> datetime:
    from openets.domain.clock import parse_iso

    return parse_iso(text)
