"""Bodies of the compliance cycle: entities, installations, emission reports, allocation runs,
penalties. MWh, GJ and tonnes are integers; ratios are decimal strings (``"0.85"``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from openets.api.schemas.common import (
    AccountRef,
    InModel,
    OutModel,
    Year,
    text_schema,
    text_validator,
)
from openets.domain.rejection import Code

MAX_OUTPUT = 10**12
"""MWh, GJ and tonnes of one unit in one year: far above any plant."""

EntityId = Annotated[str, text_validator(32, 1, r"[A-Za-z0-9_.-]+"), text_schema(32, 1)]
UnitId = Annotated[str, text_validator(32, 1, r"[A-Za-z0-9_.-]+"), text_schema(32, 1)]
Name = Annotated[str, text_validator(100, 1, name=True), text_schema(100, 1)]
Province = Annotated[str, text_validator(8, 1), text_schema(8, 1)]
Reason = Annotated[str, text_validator(500), text_schema(500)]
SectorName = Literal["power", "steel", "cement", "aluminium"]
CategoryName = Literal["coal_300_plus", "coal_300_below", "coal_unconventional", "gas"]
CoolingName = Literal["water", "air"]
PlanName = Annotated[str, text_validator(16, 1), text_schema(16, 1)]


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_OUTPUT:
        raise PydanticCustomError(
            str(Code.INVALID_FIELD),
            "must be a whole number from 0 to {max} (a JSON integer), was {value}",
            {"value": repr(value)[:40], "max": MAX_OUTPUT},
        )
    return value


Whole = Annotated[
    int,
    PlainValidator(_whole),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_OUTPUT}, mode="validation"),
]


def _ratio_ppm(value: object) -> int:
    """A ratio from ``"0"`` to ``"1"`` with at most six decimals, as parts per million."""
    ok = isinstance(value, str) and 1 <= len(value) <= 8 and value.isascii()
    try:
        d = Decimal(value) if ok and isinstance(value, str) else None
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite() or not 0 <= d <= 1 or (d * 1_000_000) % 1:
        raise PydanticCustomError(
            str(Code.INVALID_FIELD),
            'must be a decimal string from "0" to "1" with at most six decimals, was {value}',
            {"value": repr(value)[:40]},
        )
    return int(d * 1_000_000)


Ratio = Annotated[
    int,
    PlainValidator(_ratio_ppm),
    WithJsonSchema(
        {"type": "string", "pattern": r"^(0(\.\d{1,6})?|1(\.0{1,6})?)$", "examples": ["0.85"]},
        mode="validation",
    ),
]


def _capacity_kw(value: object) -> int:
    """Capacity in MW (an integer or a decimal string with up to three decimals) as kW."""
    try:
        d = (
            Decimal(value)
            if isinstance(value, str) and value.isascii() and len(value) <= 12
            else Decimal(value)
            if isinstance(value, int) and not isinstance(value, bool)
            else None
        )
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite() or not 0 <= d <= 100_000 or (d * 1000) % 1:
        raise PydanticCustomError(
            str(Code.INVALID_FIELD),
            "must be MW from 0 to 100000 (an integer or a decimal string with at most three "
            "decimals), was {value}",
            {"value": repr(value)[:40]},
        )
    return int(d * 1000)


CapacityKw = Annotated[
    int,
    PlainValidator(_capacity_kw),
    WithJsonSchema(
        {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 100000}, {"type": "string"}]},
        mode="validation",
    ),
]


class EntityIn(InModel):
    entity_id: EntityId
    name: Name
    province: Province
    account_id: AccountRef
    sector: SectorName


class InstallationIn(InModel):
    unit_id: UnitId
    sector: SectorName
    category: CategoryName | None = None
    """Power units: the ``allocate`` CSV's category; other sectors: none."""
    cooling: CoolingName = "water"
    capacity_mw: CapacityKw = 0


class LineIn(InModel):
    unit_id: UnitId
    supply_mwh: Whole = 0
    heat_gj: Whole = 0
    heat_ratio: Ratio = 0
    load_factor: Ratio = 0
    emissions_t: Whole
    output_t: Whole = 0
    """Steel, cement and aluminium: the year's product output in tonnes; power: 0."""


Lines = Annotated[list[LineIn], Field(min_length=1, max_length=200)]


class ReportIn(InModel):
    entity_id: EntityId
    year: Year
    lines: Lines


class VerifyIn(InModel):
    lines: Lines
    reason: Reason = ""
    """Required when any line differs from the submitted one."""


class PriorIn(InModel):
    entity_id: EntityId
    lines: Lines


def _csv_text(value: object) -> str:
    if not isinstance(value, str) or len(value) > 500_000:
        raise PydanticCustomError(
            str(Code.INVALID_FIELD),
            "must be CSV text of at most 500000 characters, was {value}",
            {"value": repr(value)[:40]},
        )
    if any((ord(ch) < 32 and ch not in "\r\n") or ord(ch) == 127 for ch in value):
        raise PydanticCustomError(
            str(Code.INVALID_FIELD), "must not contain control characters other than newlines", {}
        )
    return value


CsvText = Annotated[
    str,
    PlainValidator(_csv_text),
    WithJsonSchema({"type": "string", "maxLength": 500_000}, mode="validation"),
]

PRIOR_CSV_COLUMNS = ("entity_id", "unit_id", "supply_mwh", "heat_gj", "heat_ratio", "load_factor")


class AllocationRunIn(InModel):
    plan: PlanName
    year: Year
    prior: Annotated[list[PriorIn], Field(default_factory=list, max_length=10_000)]
    """Pre-allocation only: prior-year output of entities without an approved prior report."""
    prior_csv: CsvText = ""
    """The same as CSV with the header ``entity_id,unit_id,supply_mwh,heat_gj,heat_ratio,
    load_factor`` (one row per unit), e.g. pasted into the regulator's page."""


class PenaltiesIn(InModel):
    year: Year
    fine_share_pct: Annotated[int, Field(ge=0, le=100, strict=True)] = 0
    """Where in the regime's fine range: 0 the lowest, 100 the highest."""


class InstallationOut(OutModel):
    unit_id: str
    sector: str
    category: str | None
    cooling: str
    capacity_mw: str


class EntityOut(OutModel):
    entity_id: str
    name: str
    province: str
    account_id: str
    sector: str | None
    installations: list[InstallationOut]


class EntitiesOut(OutModel):
    data: list[EntityOut]
    count: int


class LineOut(OutModel):
    unit_id: str
    supply_mwh: str
    heat_gj: str
    heat_ratio: str
    load_factor: str
    emissions_t: int
    output_t: int


class ReportOut(OutModel):
    entity_id: str
    name: str
    province: str
    year: int
    status: str
    """``submitted``, ``verified`` or ``approved``."""
    submitted: list[LineOut]
    submitted_by: str
    submitted_t: int
    verified: list[LineOut]
    verified_t: int | None
    verifier: str | None
    adjusted: bool
    reason: str
    approver: str | None
    late: bool = False
    """Submitted after the plan's report step (``GET /compliance/calendar``)."""


class ReportsOut(OutModel):
    data: list[ReportOut]
    count: int


class AllocationOut(OutModel):
    entity_id: str
    name: str
    province: str
    year: int
    plan: str
    preallocation_t: int
    final_allocation_t: int | None
    true_up_t: int | None
    obligation_t: int | None
    preallocation_late: bool = False
    final_late: bool = False
    """Pre-allocated / finalised after the plan's calendar step for it."""


class AllocationsOut(OutModel):
    data: list[AllocationOut]
    count: int


class SkippedOut(OutModel):
    entity_id: str
    reason: str


class RunOut(OutModel):
    run_id: str
    kind: str
    plan: str
    year: int
    scope: str
    regulator: str
    entities: int
    issued_t: int
    clawed_back_t: int
    fines: str
    skipped: list[SkippedOut]


class RunsOut(OutModel):
    data: list[RunOut]
    count: int
