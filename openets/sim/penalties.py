"""The simulated cycle's penalties: the regulator's assessment runs and the quotes of the plan's
penalty regime for every entity-year short of its obligation (reference §8.5-6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from openets.compliance.calendar import StepKind
from openets.compliance.plans import PenaltyRegime, get_plan
from openets.compliance.run_messages import AssessPenalties, ComplianceRun
from openets.compliance.service_carry_over import ApplyCarryOver, CarryOverApplied
from openets.compliance.service_inputs import month_price
from openets.compliance.service_reads import penalty_quote
from openets.domain.clock import SimulatedClock
from openets.domain.rejection import Code, Rejection
from openets.engine.core import Engine
from openets.market import MarketState
from openets.sim.seed_cycle import REGULATOR
from openets.sim.seed_market import Cycle


@dataclass(frozen=True, slots=True)
class Penalties:
    regime: str
    non_compliant: int
    shortfall_t: int
    fine_min_fen: int
    fine_max_fen: int
    deduction_t: int
    month_average_fen: int | None
    assessed_fen: int | None = None
    """The fines the regulator's penalty runs assessed (the lowest of each range), once the
    simulated cycle reached its deadline; None when it stopped before."""


def assess_penalties(engine: Engine, clock: SimulatedClock, cycle: Cycle) -> int | None:
    """After the deadline (17:00 on its day), the regulator assesses the penalties of each
    year of the cycle through the engine (``AssessPenalties``); the fines assessed, in fen.
    None when the engine cannot assess (e.g. no trade in the month before the deadline: the
    average price the fines are based on is undefined)."""
    comp = engine.state.compliance
    for year in cycle.years:
        plan = comp.plan_for(year)
        if plan is not None and clock.now() <= plan.deadline_at:
            clock.advance(to=plan.deadline_at + timedelta(seconds=1))
    total = 0
    with engine.batch():
        for year in cycle.years:
            r = engine.submit(AssessPenalties(year), REGULATOR)
            if isinstance(r, Rejection):
                if r.code is Code.ALREADY_DONE:  # nobody of the nation owes anything
                    continue
                return None
            total += sum(e.fines_fen for e in r if isinstance(e, ComplianceRun))
    return total


def apply_carry_over(engine: Engine, cycle: Cycle) -> int | None:
    """After the deadline of a cycle whose plan decides the carry-over (2024): the regulator
    applies it through the engine (``ApplyCarryOver``); the tonnes of old vintages marked not
    carried over, None when no year of the cycle has a carry-over step."""
    comp = engine.state.compliance
    for year in cycle.years:
        plan = comp.plan_for(year)
        if plan is None or plan.step(StepKind.CARRY_OVER) is None:
            continue
        r = engine.submit(ApplyCarryOver(year), REGULATOR)
        if isinstance(r, Rejection):
            return None
        return sum(e.not_carried_t for e in r if isinstance(e, CarryOverApplied))
    return None


def penalties_of(st: MarketState, cycle: Cycle, assessed: int | None) -> Penalties:
    """Fines and deductions of the plan's penalty regime for every entity-year short of its
    obligation, quoted as the engine quotes them to the regulator (reference §8.5-6)."""
    plan = get_plan(cycle.plans[-1][1])
    regime = plan.penalty_regime if plan is not None else PenaltyRegime.MEASURES_2021
    comp = st.compliance
    short: set[str] = set()
    shortfall = fine_min = fine_max = deduction = 0
    average: int | None = None
    for (entity_id, year), ey in sorted(comp.years.items()):
        if year not in cycle.years or ey.obligation is None:
            continue
        pos = comp.position(entity_id, year)
        if pos is not None and pos.surrendered_t >= pos.obligation_t:
            continue  # nothing owed: no quote to ask for (each reads the month's trades)
        q = penalty_quote(st, entity_id, year)
        if isinstance(q, Rejection) or q.shortfall_t == 0:
            continue
        short.add(entity_id)
        shortfall += q.shortfall_t
        fine_min += q.fine_min_fen
        fine_max += q.fine_max_fen
        deduction += q.deduction_t
        average = q.average_price_fen
    if average is None:
        month = month_price(st, cycle.deadline)
        average = month.average_fen if month.quantity_t else None
    return Penalties(
        regime.value, len(short), shortfall, fine_min, fine_max, deduction, average, assessed
    )
