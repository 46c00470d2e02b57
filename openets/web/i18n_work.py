"""The words of the "what waits for you" card on each role's first page, merged into
:mod:`openets.web.i18n`'s catalogs. Same keys in both languages (a test checks)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "work.title": "待办事项",
    "work.nothing": "当前没有待您处理的事项。",
    "work.market": "交易日 {day}：{phase}",
    "work.listing_open": "挂牌交易时段",
    "work.block_open": "大宗交易时段",
    "work.role.participant": "交易参与人：挂牌、摘牌、大宗与竞价交易，查看持仓、资金与结算，"
    "重点排放单位在此履约清缴。",
    "work.role.registry_operator": "注册登记机构：开户与账户状态、配额签发与划转、"
    "复核另一名操作员发起的申请（四眼原则）、用户审批。",
    "work.role.exchange_operator": "交易机构：上市品种、拨动时钟、竞价组织与日终结算。",
    "work.role.regulator": "主管部门：审定排放报告、组织配额分配与处罚、监控预警与案件、市场日报。",
    "work.role.verifier": "核查机构：核查所辖省份重点排放单位提交的排放报告，调整须说明理由。",
    "work.unread_notes": "未读通知",
    "work.holder_reports": "待提交的大户报告",
    "work.pledges_to_release": "您作为质权人的质押（还款后解押）",
    "work.registry_requests": "待您复核的登记申请",
    "work.users_to_approve": "待您审批的用户",
    "work.pledge_defaults": "待您复核的质押违约处置",
    "work.reports_to_approve": "待审定的排放报告",
    "work.alerts_without_case": "尚未立案的预警",
    "work.open_cases": "未结案件",
    "work.reports_to_verify": "待核查的排放报告",
    "work.unsettled_trades": "待日终交收的成交",
    "work.resting_listings": "挂单中的挂牌",
    "kind.issuance": "配额签发",
    "note.request.issuance": "配额签发",
    "issuance.four_eyes": "签发为双人复核：提交后由另一名注册登记操作员在“复核”页批准，"
    "批准时再次校验。",
}

EN: dict[str, str] = {
    "work.title": "What waits for you",
    "work.nothing": "Nothing waits for you now.",
    "work.market": "Trading day {day}: {phase}",
    "work.listing_open": "listing session",
    "work.block_open": "block session",
    "work.role.participant": "Participant: post and take listings, block and auction trading, "
    "holdings, funds and settlement; a covered entity surrenders here.",
    "work.role.registry_operator": "Registry: accounts and their status, issuance and transfers, "
    "reviewing what another operator asked (four eyes), approving logins.",
    "work.role.exchange_operator": "Exchange: listed instruments, the clock, auctions and the "
    "end of day.",
    "work.role.regulator": "Regulator: approving emission reports, allocation and penalty runs, "
    "alerts and cases, the daily market report.",
    "work.role.verifier": "Verifier: verifying the reports of the covered entities of your "
    "provinces; a changed figure needs a reason.",
    "work.unread_notes": "Unread notifications",
    "work.holder_reports": "Large-holder reports to file",
    "work.pledges_to_release": "Pledges you lend on (release once repaid)",
    "work.registry_requests": "Registry requests for you to review",
    "work.users_to_approve": "Logins for you to approve",
    "work.pledge_defaults": "Pledge enforcements for you to decide",
    "work.reports_to_approve": "Emission reports to approve",
    "work.alerts_without_case": "Alerts without a case",
    "work.open_cases": "Open cases",
    "work.reports_to_verify": "Emission reports to verify",
    "work.unsettled_trades": "Trades to settle at the end of day",
    "work.resting_listings": "Resting listings",
    "kind.issuance": "Issuance",
    "note.request.issuance": "Issuance",
    "issuance.four_eyes": "Issuance takes four eyes: another registry operator approves it on "
    "the approvals page, and its checks run again then.",
}
