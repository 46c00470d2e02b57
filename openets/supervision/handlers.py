"""Supervision's own command handlers: pure functions of its state part, like every context's.

Commands that need other contexts too (measures on accounts and instruments, position checks)
are handled by the engine's use case, :mod:`openets.supervision.service`.
"""

from __future__ import annotations

import re

from openets.domain.messages import Ctx, Event
from openets.domain.rejection import Code, Rejection
from openets.domain.tables import PartTable
from openets.supervision import messages as sm
from openets.supervision.detectors import DETECTORS
from openets.supervision.model import Alert
from openets.supervision.risk import RiskRules
from openets.supervision.state import SupervisionState

Result = tuple[Event, ...] | Rejection
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def text_field(value: object, field: str) -> Rejection | None:
    if not isinstance(value, str) or not value.strip():
        return Rejection(Code.INVALID_FIELD, f"{field} must not be empty, was {value!r}", field)
    return None


def authority_field(value: object) -> Rejection | None:
    if value in tuple(sm.Authority):
        return None
    return Rejection(
        Code.INVALID_FIELD, f"authority must be exchange or regulator, was {value!r}", "authority"
    )


def set_risk_rules(st: SupervisionState, cmd: sm.SetRiskRules, ctx: Ctx) -> Result:
    r = text_field(cmd.name, "name") or text_field(cmd.source, "source")
    if r:
        return r
    new = RiskRules(cmd.name, tuple(cmd.position), tuple(cmd.reporting), cmd.source)
    errors = new.errors()
    if errors:
        return Rejection(Code.INVALID_FIELD, "; ".join(errors), "position")
    return (sm.RiskRulesSet(new, ctx.actor),)


def unlink_accounts(st: SupervisionState, cmd: sm.UnlinkAccounts, ctx: Ctx) -> Result:
    r = text_field(cmd.reason, "reason")
    if r:
        return r
    if not isinstance(cmd.account_ids, tuple) or not cmd.account_ids:
        return Rejection(
            Code.INVALID_FIELD, f"account_ids must list accounts, was {cmd.account_ids!r}", None
        )
    for i, a in enumerate(cmd.account_ids):
        if a not in st.groups:
            return Rejection(
                Code.INVALID_STATE, f"account {a!r} is in no link group", f"account_ids[{i}]"
            )
    return (sm.AccountsUnlinked(tuple(cmd.account_ids), cmd.reason, ctx.actor),)


def record_alerts(st: SupervisionState, cmd: sm.RecordAlerts, ctx: Ctx) -> Result:
    if not isinstance(cmd.day, str) or not _DAY.match(cmd.day):
        return Rejection(Code.INVALID_FIELD, f"day must be YYYY-MM-DD, was {cmd.day!r}", "day")
    unknown = [d for d in cmd.detectors if d not in DETECTORS]
    if unknown:
        return Rejection(Code.INVALID_FIELD, f"unknown detectors {unknown}", "detectors")
    run_id = ctx.ids.next("SR")
    new: list[Event] = []
    seen: set[object] = set()
    for i, a in enumerate(cmd.alerts):
        if not isinstance(a, Alert) or a.day != cmd.day or a.detector not in cmd.detectors:
            return Rejection(
                Code.INVALID_FIELD,
                f"alerts[{i}] is not an alert of {cmd.detectors} on {cmd.day}: {a!r}"[:300],
                f"alerts[{i}]",
            )
        if a.key in st.alert_keys or a.key in seen:
            continue
        seen.add(a.key)
        new.append(sm.AlertRaised(ctx.ids.next("AL"), run_id, a))
    ran = sm.SurveillanceRan(
        run_id,
        cmd.day,
        tuple(cmd.detectors),
        len(cmd.alerts),
        len(new),
        ctx.actor,
        ctx.now.isoformat(),
    )
    return (ran, *new)


def open_case(st: SupervisionState, cmd: sm.OpenCase, ctx: Ctx) -> Result:
    r = text_field(cmd.title, "title")
    if r:
        return r
    if not isinstance(cmd.alert_ids, tuple) or not cmd.alert_ids:
        return Rejection(Code.INVALID_FIELD, "a case needs at least one alert", "alert_ids")
    for a in cmd.alert_ids:
        if a not in st.alerts:
            return Rejection(Code.INVALID_FIELD, f"no alert {a!r}", "alert_ids")
        if a in st.alert_case:
            return Rejection(
                Code.INVALID_STATE, f"alert {a} is already in case {st.alert_case[a]}", "alert_ids"
            )
    return (
        sm.CaseOpened(
            ctx.ids.next("CS"),
            tuple(dict.fromkeys(cmd.alert_ids)),
            cmd.title.strip(),
            ctx.actor,
            ctx.now.isoformat(),
        ),
    )


def _case(
    st: SupervisionState, case_id: object, status: sm.CaseStatus, to: str
) -> Rejection | None:
    case = st.cases.get(case_id) if isinstance(case_id, str) else None
    if case is None:
        return Rejection(Code.INVALID_FIELD, f"no case {case_id!r}", "case_id")
    if case.status is not status:
        return Rejection(
            Code.INVALID_STATE,
            f"case {case_id} is {case.status.value}; only a case {status.value} can {to}",
            "case_id",
        )
    return None


def start_review(st: SupervisionState, cmd: sm.StartReview, ctx: Ctx) -> Result:
    r = _case(st, cmd.case_id, sm.CaseStatus.OPEN, "go under review")
    if r:
        return r
    return (sm.CaseReviewStarted(cmd.case_id, cmd.note, ctx.actor, ctx.now.isoformat()),)


def close_case(st: SupervisionState, cmd: sm.CloseCase, ctx: Ctx) -> Result:
    r = _case(st, cmd.case_id, sm.CaseStatus.UNDER_REVIEW, "be closed") or text_field(
        cmd.note, "note"
    )
    if r:
        return r
    if cmd.finding not in tuple(sm.Finding):
        return Rejection(
            Code.INVALID_FIELD,
            f"finding must be one of {[f.value for f in sm.Finding]}, was {cmd.finding!r}",
            "finding",
        )
    finding = sm.Finding(cmd.finding)
    return (sm.CaseClosed(cmd.case_id, finding, cmd.note.strip(), ctx.actor, ctx.now.isoformat()),)


def file_report(st: SupervisionState, cmd: sm.FileLargeHolderReport, ctx: Ctx) -> Result:
    ob = st.obligations.get(cmd.obligation_id) if isinstance(cmd.obligation_id, str) else None
    if ob is None:
        return Rejection(
            Code.INVALID_FIELD, f"no report obligation {cmd.obligation_id!r}", "obligation_id"
        )
    if ob.filed is not None:
        return Rejection(
            Code.ALREADY_DONE, f"obligation {cmd.obligation_id} was filed already", "obligation_id"
        )
    r = text_field(cmd.text, "text")
    if r:
        return r
    return (
        sm.LargeHolderReportFiled(
            cmd.obligation_id, cmd.text.strip(), ctx.actor, ctx.now.isoformat()
        ),
    )


HANDLERS = PartTable[SupervisionState]()
HANDLERS[sm.SetRiskRules] = set_risk_rules
HANDLERS[sm.UnlinkAccounts] = unlink_accounts
HANDLERS[sm.RecordAlerts] = record_alerts
HANDLERS[sm.OpenCase] = open_case
HANDLERS[sm.StartReview] = start_review
HANDLERS[sm.CloseCase] = close_case
HANDLERS[sm.FileLargeHolderReport] = file_report
