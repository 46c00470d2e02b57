"""Bodies of compliance: obligations with their status, and the compliance report."""

from __future__ import annotations

from openets.api.schemas.common import OutModel


class ObligationOut(OutModel):
    """One covered entity's compliance year (tonnes; the fine in yuan)."""

    entity_id: str
    name: str
    account_id: str
    province: str
    year: int
    plan: str
    deadline: str | None
    report_status: str
    """``none``, ``submitted``, ``verified`` or ``approved``."""
    verified_t: int | None
    preallocation_t: int
    final_allocation_t: int | None
    obligation_t: int | None
    surrendered_t: int
    on_time_t: int
    late_t: int
    ccer_t: int
    ccer_limit_t: int | None
    borrowed_t: int
    shortfall_t: int | None
    status: str
    """``pending``, ``compliant``, ``late`` or ``shortfall``."""
    surrendered_by_product: dict[str, int]
    penalty_fine: str | None
    deduction_scheduled_t: int | None


class ObligationsOut(OutModel):
    year: int
    data: list[ObligationOut]
    count: int


class ComplianceSummaryOut(OutModel):
    scope: str
    """``national`` or a province."""
    year: int
    entities: int
    obligation_t: int
    surrendered_t: int
    shortfall_t: int
    rate: str
    """Compliance rate by quantity, e.g. ``"99.50%"``."""
    compliant: int
    late: int
    shortfall: int


class ComplianceReportOut(OutModel):
    year: int
    national: ComplianceSummaryOut
    provinces: list[ComplianceSummaryOut]
