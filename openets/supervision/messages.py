"""Supervision commands and events: risk measures, related accounts, alerts, cases, reports.

Every measure names its ``authority`` (the exchange or the regulator, reference §6) and carries
its reason; the events add the actor and the time, so the journal answers who did what, why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from openets.domain.messages import Command, Event
from openets.supervision.model import Alert
from openets.supervision.risk import Limit, RiskRules


class Authority(StrEnum):
    EXCHANGE = "exchange"
    REGULATOR = "regulator"


class Finding(StrEnum):
    """How a regulator closes a case."""

    NO_VIOLATION = "no_violation"
    VIOLATION = "violation"
    REFERRED = "referred"
    """Handed to enforcement (penalties under Regs-2024 Art. 25)."""


class CaseStatus(StrEnum):
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"


# -- commands ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetRiskRules(Command):
    """Replace the position limits and reporting thresholds of the market's preset."""

    name: str
    position: tuple[Limit, ...]
    reporting: tuple[Limit, ...]
    source: str


@dataclass(frozen=True, slots=True)
class IssueRiskWarning(Command):
    """A written risk warning (风险警示) to an account, or a public notice when it is ''."""

    account_id: str
    instrument: str
    text: str
    authority: Authority


@dataclass(frozen=True, slots=True)
class RestrictAccount(Command):
    """Set an account's restrictions: no trading, no transfer out; both False lifts them."""

    account_id: str
    trading: bool
    transfer: bool
    reason: str
    authority: Authority


@dataclass(frozen=True, slots=True)
class SuspendInstrument(Command):
    instrument: str
    reason: str
    authority: Authority


@dataclass(frozen=True, slots=True)
class ResumeInstrument(Command):
    instrument: str
    reason: str
    authority: Authority


@dataclass(frozen=True, slots=True)
class LinkAccounts(Command):
    """Declare accounts related (one owner, one group of companies) under ``group_id``."""

    group_id: str
    account_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class UnlinkAccounts(Command):
    account_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class RecordAlerts(Command):
    """Journal one surveillance run over ``day`` and the alerts it found."""

    day: str
    detectors: tuple[str, ...]
    alerts: tuple[Alert, ...]


@dataclass(frozen=True, slots=True)
class OpenCase(Command):
    alert_ids: tuple[str, ...]
    title: str


@dataclass(frozen=True, slots=True)
class StartReview(Command):
    case_id: str
    note: str


@dataclass(frozen=True, slots=True)
class CloseCase(Command):
    case_id: str
    finding: Finding
    note: str


@dataclass(frozen=True, slots=True)
class ScanPositions(Command):
    """Compare every position with the reporting thresholds (run after settlement)."""


@dataclass(frozen=True, slots=True)
class FileLargeHolderReport(Command):
    obligation_id: str
    text: str


# -- events --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RiskRulesSet(Event):
    rules: RiskRules
    actor: str


@dataclass(frozen=True, slots=True)
class RiskWarningIssued(Event):
    warning_id: str
    account_id: str
    instrument: str
    text: str
    authority: Authority
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class AccountRestrictionSet(Event):
    account_id: str
    trading: bool
    transfer: bool
    reason: str
    authority: Authority
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class SuspensionOrdered(Event):
    instrument: str
    suspended: bool
    reason: str
    authority: Authority
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class AccountsLinked(Event):
    group_id: str
    account_ids: tuple[str, ...]
    reason: str
    actor: str


@dataclass(frozen=True, slots=True)
class AccountsUnlinked(Event):
    account_ids: tuple[str, ...]
    reason: str
    actor: str


@dataclass(frozen=True, slots=True)
class SurveillanceRan(Event):
    run_id: str
    day: str
    detectors: tuple[str, ...]
    found: int
    new: int
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class AlertRaised(Event):
    alert_id: str
    run_id: str
    alert: Alert


@dataclass(frozen=True, slots=True)
class CaseOpened(Event):
    case_id: str
    alert_ids: tuple[str, ...]
    title: str
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class CaseReviewStarted(Event):
    case_id: str
    note: str
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class CaseClosed(Event):
    case_id: str
    finding: Finding
    note: str
    actor: str
    time: str


@dataclass(frozen=True, slots=True)
class LargeHolderReportRequired(Event):
    """The account's position reached the reporting threshold: it must report (大户报告)."""

    obligation_id: str
    account_id: str
    product: str
    position: int
    threshold: int
    source: str
    time: str


@dataclass(frozen=True, slots=True)
class LargeHolderBelowThreshold(Event):
    account_id: str
    product: str
    position: int
    threshold: int
    time: str


@dataclass(frozen=True, slots=True)
class LargeHolderReportFiled(Event):
    obligation_id: str
    text: str
    actor: str
    time: str
