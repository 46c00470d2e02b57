"""The yearly compliance calendar of a plan: dated steps with their clock time (Beijing).

Each :class:`Step` says what is due, by when, for whom (the roles and sectors it concerns) and
what the registry does with an action out of its time (:class:`Enforcement`), following the
reference (cn-ets-rules.md §13, §7.3, §8.1-§8.2):

- ``report`` (年度排放报告, 31 March of the next year): **marked late**. A late report is still
  taken: the entity is fined for not reporting (Regs-2024 Art. 21, Measures-2021 Art. 39) and
  the province may estimate its emissions; refusing the report would lose the data.
- ``preallocation.<sector>`` and ``final_issuance``: **marked late**. These are the authorities'
  steps; the entities still receive their allowances after the date.
- ``entity_list`` (next year's covered-entity lists): **notice** only; no command is checked.
- ``interim`` (95% of the entities, cycles 2019-2022): **notice**; the milestone is counted
  (``met_by_interim``).
- ``surrender`` (清缴): **marked late** (Regs-2024 Art. 24 and Measures-2021 Art. 40 order the
  entity to correct, so a late surrender still counts); **refused** where the plan says
  ``accept_late_surrender=False``. Borrowing closes with it (refused after it).
- ``carry_over`` (2024 plan): **refused before**: the carry-over is applied once the surrender
  deadline has passed (``ApplyCarryOver``), and shown to the entity until then.

The clock times and dates tagged ``[U]`` are placeholders listed in the plan's ``unconfirmed``
(``calendar.<step>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from openets.domain.clock import BEIJING


class Enforcement(StrEnum):
    LATE = "late"
    """Accepted after the time, marked late."""
    REFUSE_AFTER = "refuse_after"
    """Refused after the time."""
    REFUSE_BEFORE = "refuse_before"
    """Refused before the time (the step can only happen once it has come)."""
    NOTICE = "notice"
    """Shown and notified; no command is checked against it."""


class StepKind(StrEnum):
    REPORT = "report"
    VERIFICATION = "verification"
    PREALLOCATION = "preallocation"
    FINAL_QUANTITIES = "final_quantities"
    FINAL_ISSUANCE = "final_issuance"
    ENTITY_LIST = "entity_list"
    INTERIM = "interim"
    SURRENDER = "surrender"
    CARRY_OVER = "carry_over"


ENTITY = "participant"
REGULATOR = "regulator"
REGISTRY = "registry_operator"


@dataclass(frozen=True, slots=True)
class Step:
    """One dated step of a plan's year."""

    key: str
    """Stable name, e.g. ``report``, ``preallocation.steel``, ``surrender``."""
    kind: StepKind
    due: date
    at: time | None
    """Clock time (Beijing) the step is due at; None: the end of the day."""
    enforcement: Enforcement
    roles: tuple[str, ...]
    """The roles it concerns (``participant`` for the covered entities)."""
    sectors: tuple[str, ...] = ()
    """The sectors it concerns; empty: every sector."""
    tag: str = "V"
    """The reference's confidence tag of the date (V, M, U)."""
    year: int | None = None
    """The compliance year it concerns, where a plan covers several; None: the plan's."""

    @property
    def due_at(self) -> datetime:
        """The last moment (Beijing) the step is on time."""
        return moment(self.due, self.at)

    @property
    def due_text(self) -> str:
        """``2026-12-31 17:00``, or the date alone when the whole day counts."""
        if self.at is None:
            return self.due.isoformat()
        return f"{self.due.isoformat()} {self.at.strftime('%H:%M')}"

    def concerns_sector(self, sector: str | None) -> bool:
        return not self.sectors or sector is None or sector in self.sectors

    def is_late(self, now: datetime) -> bool:
        return now > self.due_at


def moment(day: date, at: time | None) -> datetime:
    """The moment (Beijing) a day ends at: ``at``, or the last microsecond of the day."""
    if at is None:
        return datetime.combine(day + timedelta(days=1), time(0), BEIJING) - timedelta(
            microseconds=1
        )
    return datetime.combine(day, at, BEIJING)


def report_step(year: int, due: date, tag: str = "M") -> Step:
    """The year's emission report: by 31 March of the next year (Measures-2021 [M])."""
    return Step(f"report.{year}", StepKind.REPORT, due, None, Enforcement.LATE,
                (ENTITY, REGULATOR), tag=tag, year=year)  # fmt: skip


def preallocation_step(due: date, sectors: tuple[str, ...], tag: str = "V") -> Step:
    key = "preallocation" if not sectors else "preallocation." + "+".join(sectors)
    return Step(key, StepKind.PREALLOCATION, due, None, Enforcement.LATE,
                (REGULATOR, REGISTRY, ENTITY), sectors, tag)  # fmt: skip


def final_step(due: date, tag: str = "V") -> Step:
    return Step("final_issuance", StepKind.FINAL_ISSUANCE, due, None, Enforcement.LATE,
                (REGULATOR, REGISTRY, ENTITY), tag=tag)  # fmt: skip


def notice_step(key: str, kind: StepKind, due: date, roles: tuple[str, ...], tag: str = "V"
                ) -> Step:  # fmt: skip
    return Step(key, kind, due, None, Enforcement.NOTICE, roles, tag=tag)


def steps_due(
    steps: tuple[Step, ...], now: datetime, within: timedelta, role: str, sector: str | None = None
) -> list[Step]:
    """The steps concerning ``role`` (and ``sector``) due from ``now`` to ``now + within``."""
    return [
        s
        for s in steps
        if role in s.roles and s.concerns_sector(sector) and now <= s.due_at <= now + within
    ]


def remaining(step: Step, now: datetime) -> tuple[int, int]:
    """(whole days, hours beyond them) until the step; (0, 0) once it has passed."""
    left = step.due_at - now
    if left <= timedelta(0):
        return 0, 0
    return left.days, left.seconds // 3600
