"""The worded details of the refusals that keep an account's holdings or funds where they are:
an account's registry status (restricted, frozen…), a supervisory restriction, a position limit.

``errd.*`` word a message matched by :data:`openets.web.errors.PATTERNS`; ``errw.*`` the words a
message carries in English (``s_`` groups: a status, a direction, an authority, what a limit
is checked for), looked up by :func:`openets.web.errors.detail` and the page script alike.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    "errd.status_move": "账户 {account} 当前为“{s_status}”状态，不得{s_role}"
    "（受限账户可转入、不可转出；冻结账户不得转入或转出）",
    "errd.status_active": "账户 {account} 当前为“{s_status}”状态，须为正常状态方可办理",
    "errd.restricted_trading": "账户 {account} 当前为“受限”状态，不得交易",
    "errd.restricted": "账户 {account} 自 {since_day} {since_time} 起被{s_authority}限制{s_what}"
    "，原因：{reason}",
    "errd.position": "账户 {account} 的 {product} 持仓将达 {q_after} 吨（现持有 {q_held} 吨，"
    "未交收净额 {unsettled} 吨，未成交买入 {q_open} 吨，{s_what} {q_extra} 吨），"
    "超过持仓限额 {q_cap} 吨（{rule}）",
    "errw.applied": "待开户",
    "errw.active": "正常",
    "errw.restricted": "受限",
    "errw.frozen": "冻结",
    "errw.closing": "销户中",
    "errw.closed": "已销户",
    "errw.send": "转出",
    "errw.receive": "转入",
    "errw.trading": "交易",
    "errw.transfer": "转出（划转与出金）",
    "errw.regulator": "主管部门",
    "errw.exchange": "交易机构",
    "errw.this order": "本笔委托",
    "errw.this transfer": "本次划转",
    "field.pledgor": "出质人",
    "field.lender": "质权人",
    "detector.withdrawal_paid_while_barred": "账户受限或冻结后银行仍支付的出金",
    "metric.amount_fen": "出金金额（元）",
}

EN: dict[str, str] = {
    "errd.status_move": "account {account} is {s_status}, it may not {s_role} "
    "(a restricted account may receive but not send; a frozen one neither)",
    "errd.status_active": "account {account} is {s_status}, it must be active",
    "errd.restricted_trading": "account {account} is restricted from trading",
    "errd.restricted": "account {account} is restricted from {s_what} by the {s_authority} "
    "since {since_day} {since_time}: {reason}",
    "errd.position": "account {account} would hold {q_after} t of {product} (holds {q_held} t, "
    "unsettled {unsettled} t, open buys {q_open} t, {s_what} {q_extra} t), over its position "
    "limit of {q_cap} t ({rule})",
    "errw.applied": "applied",
    "errw.active": "active",
    "errw.restricted": "restricted",
    "errw.frozen": "frozen",
    "errw.closing": "closing",
    "errw.closed": "closed",
    "errw.send": "send",
    "errw.receive": "receive",
    "errw.trading": "trading",
    "errw.transfer": "transfers out (transfers and withdrawals)",
    "errw.regulator": "regulator",
    "errw.exchange": "exchange",
    "errw.this order": "this order",
    "errw.this transfer": "this transfer",
    "field.pledgor": "Pledgor",
    "field.lender": "Lender",
    "detector.withdrawal_paid_while_barred": "Withdrawal paid after the account was barred",
    "metric.amount_fen": "Amount withdrawn (yuan)",
}
