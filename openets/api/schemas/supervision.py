"""Bodies of supervision: alerts with their evidence, cases, measures, large-holder reports."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from openets.api.schemas.common import (
    AccountRef,
    Flag,
    InModel,
    IsoDay,
    OutModel,
    text_schema,
    text_validator,
)
from openets.api.schemas.trading import InstrumentCode, NonEmptyReason

Day = IsoDay
IdRef = Annotated[str, text_validator(32, 1), text_schema(32, 1)]
Title = Annotated[str, text_validator(200, 1), text_schema(200, 1)]
Note = Annotated[str, text_validator(2000), text_schema(2000)]
DetectorName = Literal[
    "wash_trade",
    "circular_trading",
    "marking_the_close",
    "layering",
    "pinned_at_band",
    "concentration",
]


class AlertOut(OutModel):
    alert_id: str
    run_id: str
    detector: str
    day: str
    instrument: str
    accounts: list[str]
    severity: str
    summary: str
    metrics: dict[str, int]
    orders: list[str]
    """The first orders involved (``evidence_count`` counts them all, with the trades)."""
    trades: list[str]
    evidence_count: int
    case_id: str | None
    subject: str = ""
    """What an alert on no instrument (``instrument`` empty) is about beside its accounts:
    for ``withdrawal_paid_while_barred`` the bank's reference of the withdrawal paid."""


class AlertsOut(OutModel):
    data: list[AlertOut]
    count: int


class SurveillanceIn(InModel):
    day: Day
    detectors: Annotated[list[DetectorName], Field(min_length=1, max_length=6)] | None = None
    """All of them when left out."""


class SurveillanceOut(OutModel):
    run_id: str
    day: str
    detectors: list[str]
    found: int
    new: int
    alerts: list[AlertOut]
    """The new alerts (a rerun does not repeat a finding)."""


class CaseIn(InModel):
    alert_ids: Annotated[list[IdRef], Field(min_length=1, max_length=100)]
    title: Title


class CaseReviewIn(InModel):
    note: Note = ""


class CaseCloseIn(InModel):
    finding: Literal["no_violation", "violation", "referred"]
    note: Annotated[str, text_validator(2000, 1), text_schema(2000, 1)]


class CaseStepOut(OutModel):
    status: str
    actor: str
    time: str
    note: str


class CaseOut(OutModel):
    case_id: str
    alert_ids: list[str]
    title: str
    status: Literal["open", "under_review", "closed"]
    opened_by: str
    opened_at: str
    finding: str | None
    note: str
    history: list[CaseStepOut]


class CasesOut(OutModel):
    data: list[CaseOut]
    count: int


class RestrictionIn(InModel):
    """Set an account's restrictions; both false lifts them."""

    account_id: AccountRef
    trading: Flag
    transfer: Flag
    reason: NonEmptyReason


class WarningIn(InModel):
    """A written risk warning to an account, or a public notice (no account)."""

    account_id: AccountRef | None = None
    instrument: InstrumentCode | None = None
    text: Annotated[str, text_validator(2000, 1), text_schema(2000, 1)]


class MeasureOut(OutModel):
    kind: Literal["warning", "restriction", "suspension"]
    id: str | None
    account_id: str | None
    instrument: str | None
    trading: bool | None
    transfer: bool | None
    suspended: bool | None
    text: str
    authority: str
    actor: str
    time: str


class MeasuresOut(OutModel):
    data: list[MeasureOut]
    count: int


class RestrictionOut(OutModel):
    account_id: str
    trading: bool
    transfer: bool
    reason: str
    authority: str
    actor: str
    time: str


class RestrictionsOut(OutModel):
    data: list[RestrictionOut]
    count: int


class LargeHolderOut(OutModel):
    obligation_id: str
    account_id: str
    product: str
    position: int
    threshold: int
    source: str
    time: str
    status: Literal["open", "filed"]
    filed_text: str | None
    filed_at: str | None


class LargeHoldersOut(OutModel):
    data: list[LargeHolderOut]
    count: int


class LargeHolderFileIn(InModel):
    text: Annotated[str, text_validator(5000, 1), text_schema(5000, 1)]


class LinkIn(InModel):
    group_id: IdRef
    account_ids: Annotated[list[AccountRef], Field(min_length=1, max_length=100)]
    reason: NonEmptyReason


class UnlinkIn(InModel):
    account_ids: Annotated[list[AccountRef], Field(min_length=1, max_length=100)]
    reason: NonEmptyReason


class LinksOut(OutModel):
    groups: dict[str, list[str]]
    """group id -> its accounts."""


class LimitOut(OutModel):
    subject_type: str
    base_t: int
    plus_allocation: bool


class RiskRulesOut(OutModel):
    name: str
    source: str
    position: list[LimitOut]
    reporting: list[LimitOut]
