"""The compliance read side over the whole market: the fine range a regulator may decide
within, the provinces' allocation budgets, and compliance reconciled with the registry."""

from __future__ import annotations

from openets.compliance.penalties import PenaltyAssessment, assess
from openets.compliance.service import part, system_account
from openets.compliance.service_inputs import month_price
from openets.domain.products import cea_for_year, is_ccer
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState
from openets.registry import port as reg
from openets.registry.port import SystemRole


def penalty_quote(m: MarketState, entity_id: str, year: int) -> PenaltyAssessment | Rejection:
    """The fine range a regulator may decide within, as ``AssessPenalty`` would check it."""
    comp = part(m)
    ey = comp.years.get((entity_id, year))
    if ey is None or ey.obligation is None:
        return Rejection(Code.INVALID_STATE, f"the {year} obligation of {entity_id} is not known")
    plan = comp.plans[ey.plan]
    shortfall = max(0, ey.obligation.obligation_t - ey.on_time_t - ey.late_t)
    return assess(plan.penalty_regime, shortfall, month_price(m, plan.deadline))


def province_budgets(m: MarketState, year: int) -> dict[str, tuple[int, int]]:
    """Province → (tonnes passed to it for ``year``, tonnes its allocation account still holds)."""
    product = cea_for_year(year)
    out = {}
    for (y, province), passed in sorted(part(m).budgets.items()):
        if y == year:
            acct = system_account(m, SystemRole.PROVINCIAL_ALLOCATION, province)
            out[province] = (passed, reg.available(m, acct, product))
    return out


def reconcile(m: MarketState) -> list[str]:
    """Compliance against the registry: every entity's account exists, and what compliance
    counts as surrendered is in the surrender (CEA) and cancellation (CCER) accounts."""
    comp = part(m)
    out = [
        f"entity {e.entity_id}: account {e.account_id} is not in the registry"
        for e in comp.entities.values()
        if reg.account(m, e.account_id) is None
    ]
    counted: dict[str, int] = {}
    for y in comp.years.values():
        for prod, q in y.by_product.items():
            counted[prod] = counted.get(prod, 0) + q
    for prod, q in sorted(counted.items()):
        role = SystemRole.CANCELLATION if is_ccer(prod) else SystemRole.SURRENDER
        held = reg.held(m, system_account(m, role), prod)
        if held < q:
            out.append(
                f"{prod}: compliance counts {q} t surrendered, "
                f"the {role.value} account has {held} t"
            )
    return out
