"""Bodies of the registry: accounts, holdings, issuance, transfers, surrender, freezes,
corrections, the holdings report and account statements."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from openets.api.schemas.common import (
    AccountRef,
    Flag,
    InModel,
    Name,
    OutModel,
    ProductCode,
    Quantity,
    Reason,
    Year,
    text_schema,
    text_validator,
)

IdCode = Annotated[str, text_validator(18, 1), text_schema(18, 1)]
Province = Annotated[str, text_validator(8, 1), text_schema(8, 1)]


class AccountCreate(InModel):
    subject_type: Literal["entity", "institution", "individual"]
    name: Name
    id_code: IdCode
    """Unified social credit code (GB 32100), or resident ID number for individuals."""
    province: Province
    """Chinese short name: 北京, 山东, 广东 …"""
    activate: Flag = True


class HoldingOut(OutModel):
    product: str
    available: int
    locked: int
    pending: int
    pledged: int
    frozen: int
    total: int


class AccountPublic(OutModel):
    account_id: str
    subject_type: str
    name: str
    id_code: str
    province: str
    status: str
    system_role: str | None
    opened_at: str
    holdings: list[HoldingOut]


class AccountsPublic(OutModel):
    data: list[AccountPublic]
    count: int
    next_cursor: str | None = None
    """Pass as ``cursor`` for the next page; None on the last page."""


class QuantityIn(InModel):
    account_id: AccountRef
    product: ProductCode
    quantity: Quantity
    reason: Reason = ""


class IssuanceIn(QuantityIn):
    registered_on: date | None = None
    """CCER only: the date its project was filed; before 2017-03-14 the credits are issued as
    ``CCER-PRE17`` (usable for surrender until 2024-12-31)."""


class FreezeIn(QuantityIn):
    pass


class PostingOut(OutModel):
    account_id: str
    product: str
    bucket: str
    delta: int


class TxOut(OutModel):
    tx_id: str
    tx_type: str
    postings: list[PostingOut]
    ref: str
    memo: str


class TransferIn(InModel):
    from_account: AccountRef
    to_account: AccountRef
    product: ProductCode
    quantity: Quantity
    reason: Reason = ""


class CorrectionIn(InModel):
    tx_id: Annotated[str, text_validator(32, 1), text_schema(32, 1)]
    reason: Reason = ""


class DecisionIn(InModel):
    reason: Reason = ""


class RequestOut(OutModel):
    """A four-eyes request: pending until a different registry operator decides it."""

    request_id: str
    kind: str
    status: Literal["pending", "approved", "rejected"]
    initiator: str
    postings: list[PostingOut]
    ref: str
    memo: str
    approver: str | None = None
    tx_id: str | None = None
    account_id: str | None = None
    """Account status requests: the account, and the status it moves to."""
    new_status: str | None = None


class RequestsOut(OutModel):
    data: list[RequestOut]
    count: int


class SurrenderItem(InModel):
    product: ProductCode
    quantity: Quantity


class SurrenderIn(InModel):
    account_id: AccountRef
    compliance_year: Year
    items: Annotated[list[SurrenderItem], Field(min_length=1, max_length=50)]


class ReportRow(OutModel):
    account_id: str
    name: str
    province: str
    product: str
    available: int
    locked: int
    pending: int
    pledged: int
    frozen: int
    total: int


class ProductTotal(OutModel):
    product: str
    issued: int
    retired: int
    held: int


class ReportOut(OutModel):
    data: list[ReportRow]
    count: int
    totals: list[ProductTotal]


class StatementLine(OutModel):
    seq: int
    time: str
    tx_id: str
    tx_type: str
    asset: str
    """A product code for allowances, ``CNY`` for money."""
    bucket: str
    quantity: int | None
    """Tonnes, for allowances."""
    amount: str | None
    """Yuan as a decimal string, for money."""
    ref: str
    memo: str


class StatementOut(OutModel):
    account_id: str
    period_from: str | None
    period_to: str | None
    data: list[StatementLine]
    count: int
