"""The supervision context's state: rules, measures, related accounts, alerts, cases, reports.

Changed only by applying its events, like every other part of the market state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openets.supervision import messages as sm
from openets.supervision.messages import CaseStatus, Finding
from openets.supervision.reserve_messages import ReserveRuleApplied
from openets.supervision.risk import RiskRules

Measure = sm.RiskWarningIssued | sm.AccountRestrictionSet | sm.SuspensionOrdered


@dataclass(slots=True)
class Case:
    case_id: str
    alert_ids: tuple[str, ...]
    title: str
    status: CaseStatus
    opened_by: str
    opened_at: str
    finding: Finding | None = None
    note: str = ""
    history: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(status, actor, time, note) of every step."""


@dataclass(slots=True)
class Obligation:
    """A large-holder report the account owes (open) or has filed."""

    raised: sm.LargeHolderReportRequired
    filed: sm.LargeHolderReportFiled | None = None

    @property
    def status(self) -> str:
        return "filed" if self.filed else "open"


@dataclass(slots=True)
class SupervisionState:
    rules: RiskRules | None = None
    """Set by :class:`~openets.supervision.messages.SetRiskRules`; None: the preset's."""
    allocations: dict[tuple[str, str], int] = field(default_factory=dict)
    """(account, product) -> allocation received (issued or allocated, less claw-backs)."""
    restrictions: dict[str, sm.AccountRestrictionSet] = field(default_factory=dict)
    suspensions: dict[str, sm.SuspensionOrdered] = field(default_factory=dict)
    measures: list[Measure] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    runs: dict[str, sm.SurveillanceRan] = field(default_factory=dict)
    alerts: dict[str, sm.AlertRaised] = field(default_factory=dict)
    alert_keys: dict[tuple[str, str, str, tuple[str, ...]], str] = field(default_factory=dict)
    alert_case: dict[str, str] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    obligations: dict[str, Obligation] = field(default_factory=dict)
    above: dict[tuple[str, str], str] = field(default_factory=dict)
    """(account, product) at or over the reporting threshold -> its obligation."""
    reserve_actions: list[ReserveRuleApplied] = field(default_factory=list)
    """Every stability mechanism applied, in order (the reserve's sales are their auctions)."""

    def allocation(self, account_id: str, product: str) -> int:
        return self.allocations.get((account_id, product), 0)

    def restricted(self, account_id: str, what: str) -> sm.AccountRestrictionSet | None:
        r = self.restrictions.get(account_id)
        if r is None or not getattr(r, what):
            return None
        return r

    # --- apply ---------------------------------------------------------------------------
    def add_allocation(self, account_id: str, product: str, delta: int) -> None:
        key = (account_id, product)
        self.allocations[key] = self.allocations.get(key, 0) + delta

    def apply_rules(self, ev: sm.RiskRulesSet) -> None:
        self.rules = ev.rules

    def apply_warning(self, ev: sm.RiskWarningIssued) -> None:
        self.measures.append(ev)

    def apply_restriction(self, ev: sm.AccountRestrictionSet) -> None:
        self.measures.append(ev)
        if ev.trading or ev.transfer:
            self.restrictions[ev.account_id] = ev
        else:
            self.restrictions.pop(ev.account_id, None)

    def apply_suspension(self, ev: sm.SuspensionOrdered) -> None:
        self.measures.append(ev)
        if ev.suspended:
            self.suspensions[ev.instrument] = ev
        else:
            self.suspensions.pop(ev.instrument, None)

    def apply_linked(self, ev: sm.AccountsLinked) -> None:
        for a in ev.account_ids:
            self.groups[a] = ev.group_id

    def apply_unlinked(self, ev: sm.AccountsUnlinked) -> None:
        for a in ev.account_ids:
            self.groups.pop(a, None)

    def apply_run(self, ev: sm.SurveillanceRan) -> None:
        self.runs[ev.run_id] = ev

    def apply_alert(self, ev: sm.AlertRaised) -> None:
        self.alerts[ev.alert_id] = ev
        self.alert_keys[ev.alert.key] = ev.alert_id

    def apply_case_opened(self, ev: sm.CaseOpened) -> None:
        case = Case(ev.case_id, ev.alert_ids, ev.title, CaseStatus.OPEN, ev.actor, ev.time)
        case.history.append((CaseStatus.OPEN.value, ev.actor, ev.time, ev.title))
        self.cases[ev.case_id] = case
        for a in ev.alert_ids:
            self.alert_case[a] = ev.case_id

    def apply_review(self, ev: sm.CaseReviewStarted) -> None:
        case = self.cases[ev.case_id]
        case.status = CaseStatus.UNDER_REVIEW
        case.history.append((case.status.value, ev.actor, ev.time, ev.note))

    def apply_case_closed(self, ev: sm.CaseClosed) -> None:
        case = self.cases[ev.case_id]
        case.status = CaseStatus.CLOSED
        case.finding = ev.finding
        case.note = ev.note
        case.history.append((case.status.value, ev.actor, ev.time, ev.note))

    def apply_required(self, ev: sm.LargeHolderReportRequired) -> None:
        self.obligations[ev.obligation_id] = Obligation(ev)
        self.above[(ev.account_id, ev.product)] = ev.obligation_id

    def apply_below(self, ev: sm.LargeHolderBelowThreshold) -> None:
        self.above.pop((ev.account_id, ev.product), None)

    def apply_filed(self, ev: sm.LargeHolderReportFiled) -> None:
        self.obligations[ev.obligation_id].filed = ev

    # --- invariants ----------------------------------------------------------------------
    def violations(self) -> list[str]:
        out = []
        for cid, case in self.cases.items():
            for a in case.alert_ids:
                if a not in self.alerts:
                    out.append(f"case {cid} refers to no alert {a}")
            if (case.status is CaseStatus.CLOSED) != (case.finding is not None):
                out.append(f"case {cid} is {case.status.value} with finding {case.finding}")
        for key, oid in self.above.items():
            if oid not in self.obligations:
                out.append(f"position {key} refers to no obligation {oid}")
        return out

    def canonical(self) -> dict[str, Any]:
        return {
            "rules": _rules_view(self.rules),
            "allocations": sorted((k[0], k[1], v) for k, v in self.allocations.items() if v),
            "restrictions": sorted(
                (a, r.trading, r.transfer) for a, r in self.restrictions.items()
            ),
            "suspensions": sorted(self.suspensions),
            "measures": len(self.measures),
            "groups": sorted(self.groups.items()),
            "runs": len(self.runs),
            "alerts": sorted(self.alerts),
            "cases": sorted(
                (c.case_id, c.status.value, c.finding.value if c.finding else "")
                for c in self.cases.values()
            ),
            "obligations": sorted((k, o.status) for k, o in self.obligations.items()),
            "above": sorted((k[0], k[1], v) for k, v in self.above.items()),
        }


def _rules_view(r: RiskRules | None) -> list[object]:
    if r is None:
        return []
    limits = [
        (what, x.subject_type, x.base_t, x.plus_allocation)
        for what, xs in (("position", r.position), ("reporting", r.reporting))
        for x in xs
    ]
    return [r.name, r.source, limits]


APPLIERS: dict[type, Any] = {
    sm.RiskRulesSet: SupervisionState.apply_rules,
    sm.RiskWarningIssued: SupervisionState.apply_warning,
    sm.AccountRestrictionSet: SupervisionState.apply_restriction,
    sm.SuspensionOrdered: SupervisionState.apply_suspension,
    sm.AccountsLinked: SupervisionState.apply_linked,
    sm.AccountsUnlinked: SupervisionState.apply_unlinked,
    sm.SurveillanceRan: SupervisionState.apply_run,
    sm.AlertRaised: SupervisionState.apply_alert,
    sm.CaseOpened: SupervisionState.apply_case_opened,
    sm.CaseReviewStarted: SupervisionState.apply_review,
    sm.CaseClosed: SupervisionState.apply_case_closed,
    sm.LargeHolderReportRequired: SupervisionState.apply_required,
    sm.LargeHolderBelowThreshold: SupervisionState.apply_below,
    sm.LargeHolderReportFiled: SupervisionState.apply_filed,
}
