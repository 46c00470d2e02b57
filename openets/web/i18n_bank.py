"""The settlement bank's reports: the clearing page's words (the kinds of report are the
``errw.`` words of :mod:`openets.web.i18n_errors`, which refusals share)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "nav.clr.bank_reports": "银行资金报告",
    "bankrep.note": "结算银行按流水号报告的入金到账或失败、出金已付或失败；"
    "每条报告记入资金账簿并写入日志。",
    "bankrep.report": "报告一笔银行资金",
    "bankrep.form_note": "同一流水号只报告一次：重复报告不再改变账簿；"
    "以银行自有流水号入账时须填账户和金额。",
    "field.bank_report_kind": "报告类型",
    "field.bank_ref": "银行流水号",
    "field.account_id": "账户",
    "field.kind": "类型",
    "col.reported_at": "报告时间",
    "col.bank_report_kind": "报告类型",
    "col.bank_ref": "银行流水号",
    "col.reported_by": "报告方",
    "col.fund_tx": "资金交易",
    "action.bank_report": "提交报告",
    "msg.bank_reported": "已记录银行报告",
    "empty.bank_reports": "尚无银行报告",
    "bankrep.by.bank": "银行接口",
    "bankrep.by.seed": "初始化",
}

EN: dict[str, str] = {
    "nav.clr.bank_reports": "Bank reports",
    "bankrep.note": "Deposits received or failed and withdrawals paid or failed, as the settlement "
    "bank reported them by its reference; each is posted to the fund ledger and journaled.",
    "bankrep.report": "Report money received or paid",
    "bankrep.form_note": "A reference is reported once: the same report again changes nothing; "
    "money paid in on a reference of the bank's own needs the account and the amount.",
    "field.bank_report_kind": "Report",
    "field.bank_ref": "Bank reference",
    "field.account_id": "Account",
    "field.kind": "Kind",
    "col.reported_at": "Reported at",
    "col.bank_report_kind": "Report",
    "col.bank_ref": "Bank reference",
    "col.reported_by": "Reported by",
    "col.fund_tx": "Fund transaction",
    "action.bank_report": "Report",
    "msg.bank_reported": "Bank report recorded",
    "empty.bank_reports": "No bank reports yet",
    "bankrep.by.bank": "the bank adapter",
    "bankrep.by.seed": "seeding",
}
