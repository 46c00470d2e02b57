"""A compliance world for tests: appointed people, one entity in Shandong, handle + apply."""

from __future__ import annotations

from datetime import datetime

from openets.compliance.mrv import (
    AppointRegulator,
    AppointVerifier,
    ApproveReport,
    RegisterEntity,
    RegisterInstallation,
    SubmitReport,
    VerifyReport,
    apply,
    handle,
)
from openets.compliance.plans import Category, Cooling, Sector
from openets.compliance.state import SYSTEM_ACTOR, ComplianceState, ReportLine
from openets.domain.clock import BEIJING
from openets.domain.ids import IdSource
from openets.domain.messages import Command, Ctx, Event
from openets.domain.rejection import Rejection

PROVINCE = "山东"
REGULATOR = "reg-sd"
NATIONAL_REGULATOR = "reg-cn"
OTHER_REGULATOR = "reg-gd"
VERIFIER = "ver-sd"
OTHER_VERIFIER = "ver-gd"
OPERATOR = "op-e1"
ENTITY = "E1"
ACCOUNT = "A000001"


def mwh(x: int) -> int:
    return x * 1000


def line(unit: str, emissions: int, supply_mwh: int = 0, load_ppm: int = 900_000) -> ReportLine:
    return ReportLine(unit, emissions, mwh(supply_mwh), 0, 0, load_ppm)


class World:
    """Runs commands through ``handle`` and applies the events, keeping the journal."""

    def __init__(self, now: datetime | None = None) -> None:
        self.state = ComplianceState()
        self.ids = IdSource()
        self.now = now or datetime(2023, 6, 1, 10, tzinfo=BEIJING)
        self.journal: list[Event] = []

    def do(self, actor: str, cmd: Command) -> tuple[Event, ...] | Rejection:
        result = handle(self.state, cmd, Ctx(self.now, actor, self.ids))
        if not isinstance(result, Rejection):
            for event in result:
                apply(self.state, event)
                self.journal.append(event)
        return result

    def ok(self, actor: str, cmd: Command) -> tuple[Event, ...]:
        result = self.do(actor, cmd)
        assert not isinstance(result, Rejection), result
        return result

    def refused(self, actor: str, cmd: Command) -> Rejection:
        before = len(self.journal)
        result = self.do(actor, cmd)
        assert isinstance(result, Rejection), result
        assert len(self.journal) == before
        return result

    def replayed(self) -> ComplianceState:
        fresh = ComplianceState()
        for event in self.journal:
            apply(fresh, event)
        return fresh

    # --- given ----------------------------------------------------------------------------

    def with_people(self) -> World:
        self.ok(SYSTEM_ACTOR, AppointRegulator(NATIONAL_REGULATOR, "CN"))
        self.ok(NATIONAL_REGULATOR, AppointRegulator(REGULATOR, PROVINCE))
        self.ok(NATIONAL_REGULATOR, AppointRegulator(OTHER_REGULATOR, "广东"))
        self.ok(NATIONAL_REGULATOR, AppointVerifier(VERIFIER, (PROVINCE,)))
        self.ok(NATIONAL_REGULATOR, AppointVerifier(OTHER_VERIFIER, ("广东",)))
        return self

    def with_power_entity(self) -> World:
        """E1 in Shandong: U1 coal ≥300 MW water-cooled, U2 gas."""
        self.with_people()
        self.ok(REGULATOR, RegisterEntity(ENTITY, "华能示例电厂", PROVINCE, ACCOUNT, (OPERATOR,)))
        self.ok(
            REGULATOR,
            RegisterInstallation(ENTITY, "U1", Sector.POWER, Category.COAL_300_PLUS, Cooling.WATER),
        )
        self.ok(REGULATOR, RegisterInstallation(ENTITY, "U2", Sector.POWER, Category.GAS))
        return self

    def with_report(self, year: int, *lines: ReportLine) -> World:
        self.ok(OPERATOR, SubmitReport(ENTITY, year, lines))
        self.ok(VERIFIER, VerifyReport(ENTITY, year, lines))
        self.ok(REGULATOR, ApproveReport(ENTITY, year))
        return self
