"""Every refusal the engine can word, in Chinese: the English message's shape (its words, ``{}``
where a value goes, as the engine writes it) and its Chinese form (``{0}``, ``{1}``… the values in
the shape's order; money in yuan, tonnes with separators, known words such as a status worded).

The English message is the English form. A test walks every ``Rejection(...)`` of the engine and
fails when a shape has no Chinese form here or in :mod:`openets.web.i18n_refusals_more`; a message
of no known shape is still shown in Chinese with its field, its value and its rule
(:func:`openets.web.errors.localise`).
"""

from __future__ import annotations

import re

_WHEN = {
    "{} must be in the years {} to {}, was {}": "{0}须在 {1} 年至 {2} 年之间，实为 {3}",
    "{} must be a date YYYY-MM-DD, was {}": "{0}须为 YYYY-MM-DD 格式的日期，实为 {1}",
    "{} must be a real date YYYY-MM-DD, was {}": "{0}须为真实存在的日期（YYYY-MM-DD），实为 {1}",
    "{} must be an ISO 8601 time such as 2021-07-16T09:30+08:00, was {}":
        "{0}须为 ISO 8601 时间（如 2021-07-16T09:30+08:00），实为 {1}",
    "{} must have a UTC offset such as +08:00, was {}": "{0}须带 UTC 时差（如 +08:00），实为 {1}",
}
_WHEN_FIELDS = {
    "repurchase_date": "回购日期", "maturity": "到期日", "opens_at": "开始时间",
    "closes_at": "截止时间",
}


def _when() -> dict[str, str]:
    """A time field's refusals: the field's name in front of each way a time can be wrong."""
    out = {}
    for field, name in _WHEN_FIELDS.items():
        for shape, zh in _WHEN.items():
            out[field + shape[2:]] = name + re.sub(
                r"\{(\d+)\}", lambda m: f"{{{int(m.group(1)) - 1}}}", zh[3:]
            )
    return out


ZH: dict[str, str] = {
    # the API's own look-ups
    "no instrument {}": "没有交易品种 {0}",
    "no bid {} of account {} in auction {}": "竞价 {2} 中没有账户 {1} 的报价 {0}",
    "no enrolment: POST /auth/mfa/enroll first":
        "尚未登记双因素认证：请先登记（POST /auth/mfa/enroll）",
    "the one-time code does not match the secret": "动态验证码与密钥不符",
    "no pending {} request {}": "没有待审批的{0}申请 {1}",
    "no pending request {}": "没有待审批的申请 {0}",
    "no {} {} of account {} is resting (it may have been taken, cancelled or expired)":
        "账户 {2} 没有挂着的{0} {1}（可能已被摘牌、撤销或过期）",
    "user {} exists": "用户 {0} 已存在",
    # audit
    "checkpoint of seq {} is not the journal's head (seq {})":
        "序号 {0} 的检查点不是日志的最新位置（最新序号 {1}）",
    "key_id {} is not a key id": "key_id {0} 不是有效的密钥编号",
    "signature must be a base64 Ed25519 signature": "签名须为 base64 编码的 Ed25519 签名",
    # funds
    "{} must be an integer amount of fen (a decimal string at the API), was {}":
        "{0}须为以分计的整数金额（接口中为两位小数的字符串），实为 {1}",
    "{} must be positive, was {}": "{0}须为正数，实为 {1}",
    "bank_ref must be 1-64 characters, was {}": "银行流水号须为 1 至 64 个字符，实为 {0}",
    "account {} may hold at most {} yuan: it holds {}, {} more asked":
        "账户 {0} 的资金余额至多 {1} 元：现有 {2} 元，本次增加 {3} 元",
    "no open deposit {}": "没有未完成的入金 {0}",
    "account {} can withdraw {} yuan (today's sale proceeds are withdrawable the next trading "
    "day), asked {} yuan":
        "账户 {0} 可出金 {1} 元（当日卖出所得须下一交易日方可提取），申请出金 {2} 元",
    "no open withdrawal {}": "没有未完成的出金 {0}",
    "one deposit may be at most {} yuan, was {}": "单笔入金至多 {0} 元，本笔为 {1} 元",
    "one withdrawal may be at most {} yuan, was {}": "单笔出金至多 {0} 元，本笔为 {1} 元",
    "deposits of one account may total at most {} yuan a day: {} already today, {} more asked":
        "同一账户每日入金合计至多 {0} 元：今日已入金 {1} 元，本次申请 {2} 元",
    "withdrawals of one account may total at most {} yuan a day: {} already today, {} more asked":
        "同一账户每日出金合计至多 {0} 元：今日已出金 {1} 元，本次申请 {2} 元",
    "account {} has {} yuan of buying power, needs {} yuan (price × quantity + fees)":
        "账户 {0} 可用资金 {1} 元，需要 {2} 元（价格 × 数量 + 手续费）",
    "no repo {}": "没有回购 {0}",
    "repo {} is {}, not {}": "回购 {0} 当前为“{1}”状态，而非“{2}”",
    "repo {} is offered to {}": "回购 {0} 的交易对手为 {1}",
    "repo {} is repurchased on {}, today is {}": "回购 {0} 的购回日为 {1}，今天是 {2}",
    "seller and buyer are both {}": "卖方与买方均为 {0}",
    "repurchase_date must be a trading day after {}, was {}":
        "购回日须为 {0} 之后的交易日，实为 {1}",
    "bank reference {} was already used": "银行流水号 {0} 已被使用",
    "bank reference {} is for account {}, the report names {}":
        "银行流水号 {0} 对应账户 {1}，报告所列为 {2}",
    "bank reference {} is for {} yuan, the report says {} yuan":
        "银行流水号 {0} 对应金额 {1} 元，报告所列为 {2} 元",
    **{
        f"bank reference {{}} has no deposit instruction: money paid in on a reference of the "
        f"bank's own names the account_id and the amount, {field} was left out": (
            f"银行流水号 {{0}} 没有入金指令：以银行自有流水号入账的资金须列明账户和金额，未填{name}"
        )
        for field, name in (("account_id", "账户"), ("amount", "金额"))
    },
    "bank reference {} was reported {}, not {}": "银行流水号 {0} 已报告为“{1}”，不能再报告为“{2}”",
    "no participant account {}": "没有交易参与人账户 {0}",
    "account {} is {}, it must be active": "账户 {0} 当前为“{1}”状态，须为正常状态方可办理",
    # settlement
    "close the day {} before finishing it": "须先闭市 {0}，才能完成日终",
    "{} trades of {} are not settled yet": "{1} 尚有 {0} 笔成交未交收",
    "reconciliation failed: the clearing account still holds {} yuan after settlement":
        "对账失败：交收后清算账户仍有 {0} 元",
    "close the day {} before settling it": "须先闭市 {0}，才能交收",
    "limit must be a positive integer, was {}": "条数上限须为正整数，实为 {0}",
    # the compliance cycle
    "borrowing closed with the deadline {}": "预支已随履约截止日 {0} 结束",
    "quantity must be positive, was {}": "数量须为正数，实为 {0}",
    "borrowing would total {} t, the limit is {} t (gap {} t on allocation {} t; a gap over {}% "
    "of the allocation allows {}% of it)": (
        "预支合计将达 {0} 吨，上限为 {1} 吨（缺口 {2} 吨，配额 {3} 吨；缺口超过配额 {4}% "
        "时可预支其 {5}%）"
    ),
    "no plan covers {}": "没有分配方案覆盖 {0} 年",
    "no plan has a carry-over rule": "没有分配方案规定结转规则",
    "the carry-over of {} is determined": "{0} 年的结转已确定",
    "the deadline {} has not passed": "履约截止日 {0} 尚未届满",
    "{} owes nothing for {}": "{0} 在 {1} 年度无履约缺口",
    "a penalty for {} was assessed": "{0} 年度的罚款已核定",
    "trade totals must be ≥ 0": "成交合计须不小于 0",
    "fine {} yuan is outside {}..{} yuan ({})": "罚款 {0} 元超出 {1}–{2} 元的范围（{3}）",
    "a deduction for {} is scheduled": "{0} 年度的配额核减已安排",
    "the {} obligation of {} is not determined": "{1} 的 {0} 年度履约义务尚未确定",
    "plan {} allows no borrowing": "分配方案 {0} 不允许预支",
    "{} {} is pre-allocated": "{0} 的 {1} 年度配额已预分配",
    "{} has no installation plan {} pre-allocates (power units; industrial sectors pre-allocated "
    "on emissions: {})":
        "{0} 没有分配方案 {1} 预分配的设施（发电机组；按排放量预分配的工业行业：{2}）",
    "no prior output given and no approved {} report":
        "未提供上年产出，也没有已核定的 {0} 年度排放报告",
    "{} {} is finalised": "{0} 的 {1} 年度配额已最终核定",
    "the {} report of {} is not approved": "{1} 的 {0} 年度排放报告尚未核定",
    "plan {} has no allocation method for sector {}": "分配方案 {0} 没有行业 {1} 的分配方法",
    "unknown plan {}; known: {}": "未知的分配方案 {0}；已知方案：{1}",
    "plan {} allocates {}, not {}": "分配方案 {0} 分配的是 {1} 年度，而非 {2} 年度",
    "{} {} is allocated under plan {}": "{0} 的 {1} 年度配额已按分配方案 {2} 分配",
    "{} may not appoint regulators": "{0} 无权任命主管部门用户",
    "regulator and province must not be empty": "主管部门用户与省份均不得为空",
    "{} already regulates {}": "{0} 已主管 {1}",
    "{} may not appoint verifiers": "{0} 无权指定核查机构",
    "verifier needs provinces, was {}": "核查机构须指定省份，实为 {0}",
    "{} does not regulate province {}": "{0} 不主管省份 {1}",
    "{} must not be empty": "{0}不得为空",
    "name {} must not contain control characters or line breaks ({} at {})":
        "名称 {0} 不得含控制字符或换行（第 {2} 位为 {1}）",
    "name {} must not contain bidirectional controls or zero-width characters (a bidirectional "
    "control U+{} at {})":
        "名称 {0} 不得含双向控制字符或零宽字符（第 {2} 位为双向控制字符 U+{1}）",
    "name {} must not contain bidirectional controls or zero-width characters (a zero-width "
    "character U+{} at {})":
        "名称 {0} 不得含双向控制字符或零宽字符（第 {2} 位为零宽字符 U+{1}）",
    "entity {} is registered": "重点排放单位 {0} 已登记",
    "account {} belongs to another entity": "账户 {0} 属于另一家重点排放单位",
    "unknown entity {}": "未知的重点排放单位 {0}",
    "unit_id must not be empty": "设施编号不得为空",
    "unit {} is registered": "设施 {0} 已登记",
    "power units need a category and others none; sector {}, category {}":
        "发电机组须有机组类别，其他行业不得有；行业 {0}，类别 {1}",
    "capacity must be ≥ 0, was {}": "装机容量须不小于 0，实为 {0}",
    "{} does not report for {}": "{0} 无权为 {1} 报送排放报告",
    "year must be ≥ {}, was {}": "年度须不早于 {0}，实为 {1}",
    "the {} report of {} was submitted": "{1} 的 {0} 年度排放报告已报送",
    "{} is not a verifier in {}": "{0} 不是 {1} 的核查机构",
    "{} reports for {}; it may not verify": "{0} 为 {1} 报送报告，不得核查",
    "no {} report to verify": "没有待核查的 {0} 年度排放报告",
    "the {} report is already {}": "{0} 年度排放报告已是“{1}”状态",
    "the verified figures differ from the submitted: give a reason":
        "核查数据与报送数据不同：须说明理由",
    "the {} report is not submitted": "{0} 年度排放报告尚未报送",
    "the {} report is not verified": "{0} 年度排放报告尚未核查",
    "the {} report is already approved": "{0} 年度排放报告已核定",
    "{} verified this report; another must approve": "{0} 核查了本报告，须由他人核定",
    "nothing is unsurrendered, shortfall was {}": "没有未清缴的配额，缺口为 {0}",
    "no trades in the month before the deadline: the average price is undefined":
        "截止日前一个月没有成交，无法确定成交均价",
    "no trades in the month before the deadline {}..{}: the average price is undefined":
        "截止日前一个月（{0} 至 {1}）没有成交，无法确定成交均价",
    # surrender
    "the {} obligation is not determined yet (report approval and final allocation come first)":
        "{0} 年度履约义务尚未确定（须先核定排放报告并最终核定配额）",
    "{} cannot be surrendered for {}; eligible: {}, and {} up to the borrowed quantity":
        "{0} 不能用于 {1} 年度清缴；可用：{2}，以及预支数量以内的 {3}",
    "{} cannot be surrendered for {}; eligible: {}": "{0} 不能用于 {1} 年度清缴；可用：{2}",
    "{} for {} would total {} t, borrowed {} t":
        "{0} 用于 {1} 年度的清缴合计将达 {2} 吨，预支为 {3} 吨",
    "vintages up to {} would total {} t for {}, the carry-over quota is {} t":
        "{0} 及以前年度的配额用于 {2} 年度合计将达 {1} 吨，结转额度为 {3} 吨",
    "CCER for {} would total {} t, the limit is {} t ({}% of the obligation {} t)":
        "用于 {0} 年度的 CCER 合计将达 {1} 吨，上限为 {2} 吨（履约义务 {4} 吨的 {3}%）",
    "{} (CCER filed before {}) offsets surrenders made by {} only; this one is on {}":
        "{0}（{1} 前备案的 CCER）只能抵销 {2} 前的清缴；本次清缴在 {3}",
    "surrendered for {} would total {} t, the obligation is {} t ({} t outstanding)":
        "{0} 年度清缴合计将达 {1} 吨，履约义务为 {2} 吨（尚欠 {3} 吨）",
    "the {} deadline was {}, it is {}": "{0} 年度清缴截止时间为 {1}，现在是 {2}",
    "a surrender needs at least one item": "清缴须至少有一项",
    "product code must be text, was {}": "产品代码须为文本，实为 {0}",
    "product must be CEA<yy> (e.g. CEA21), CEA19-20, CCER or CCER-PRE17, was {}":
        "产品须为 CEA<年份>（如 CEA21）、CEA19-20、CCER 或 CCER-PRE17，实为 {0}",
    "only CEA19-20 spans two years, was {}": "只有 CEA19-20 跨两个年度，实为 {0}",
    "vintages before 2021 are CEA19-20, was {}": "2021 年以前的配额为 CEA19-20，实为 {0}",
    "no CEA vintage before 2019, was {}": "没有 2019 年以前的 CEA，实为 {0}",
    "product {} appears twice": "产品 {0} 出现了两次",
    "quantity must be a positive number of tonnes, was {}": "数量须为正整数吨，实为 {0}",
    # the cycle's service
    "{} is not a national regulator": "{0} 不是全国主管部门用户",
    "no plan allocates {}": "没有分配方案分配 {0} 年度",
    "budgets must name at least one province": "配额总量须至少列明一个省份",
    "{} appears twice": "{0} 出现了两次",
    "{} is not a province (e.g. 山东)": "{0} 不是省份（如 山东）",
    "reserve_t must be ≥ 0, was {}": "预留量须不小于 0，实为 {0}",
    "the {} allocation account {} holds {} t of {}, borrowed for {} by {} needs {} t "
    "(IssueAllocation passes the year's budget to the province)": (
        "{0} 配额分配账户 {1} 持有 {3} {2} 吨，{5} 为 {4} 年度预支需要 {6} 吨（"
        "配额下发会把当年总量划入省级账户）"
    ),
    "the {} allocation account {} holds {} t of {}, final allocation {} of {} needs {} t "
    "(IssueAllocation passes the year's budget to the province)": (
        "{0} 配额分配账户 {1} 持有 {3} {2} 吨，{5} 的 {4} 年度最终核定需要 {6} 吨（"
        "配额下发会把当年总量划入省级账户）"
    ),
    "the {} allocation account {} holds {} t of {}, pre-allocation {} of {} needs {} t "
    "(IssueAllocation passes the year's budget to the province)": (
        "{0} 配额分配账户 {1} 持有 {3} {2} 吨，{5} 的 {4} 年度预分配需要 {6} 吨（"
        "配额下发会把当年总量划入省级账户）"
    ),
    "the {} allocation account {} holds {} t of {}, {} needs {} t (IssueAllocation passes the "
    "year's budget to the province)":
        "{0} 配额分配账户 {1} 持有 {3} {2} 吨，{4}需要 {5} 吨（配额下发会把当年总量划入省级账户）",
    "account {} holds {} t of {} available, the claw-back of the over-allocation needs {} t "
    "(cancel listings or buy back first)":
        "账户 {0} 可用 {2} {1} 吨，收回多发配额需要 {3} 吨（请先撤销挂牌或买回）",
    "no account {}": "没有账户 {0}",
    "account {} is a {} account; a covered entity holds an entity account":
        "账户 {0} 是{1}账户；重点排放单位须持有单位账户",
    "account {} is registered in {}, not {}": "账户 {0} 登记于 {1}，而非 {2}",
    "net sales come from the trades of {} by trade date: {} t; give 0 or {}, was {}":
        "净卖出量按成交日取自 {0} 的成交：{1} 吨；请填 0 或 {2}，实为 {3}",
    "the month's trades come from the market: {} yuan for {} t ({}..{}); give 0 or these, was {} "
    "yuan for {} t":
        "当月成交取自市场：{0} 元、{1} 吨（{2} 至 {3}）；请填 0 或上述数值，实为 {4} 元、{5} 吨",
    "items must be (product, quantity) pairs, was {}": "清缴项须为（产品，数量）对，实为 {0}",
    "the carry-over applies after the {} surrender deadline {} (Beijing); it is {}":
        "结转在 {0} 年度清缴截止时间 {1}（北京时间）之后办理；现在是 {2}",
    "the carry-over after {} is applied": "{0} 年度之后的结转已办理",
    "no covered entities": "没有重点排放单位",
    "no carry-over is decided at the end of {}; the carry-over year is {}":
        "{0} 年度结束时不办理结转；结转年度为 {1}",
    "the {} obligation of {} is not known": "{1} 的 {0} 年度履约义务未知",
    "{} is not an appointed regulator of any province": "{0} 不是任何省份的主管部门用户",
    "the {} {} has run for every entity of {} ({} entities)":
        "{0} 年度{1}已为 {2} 的全部重点排放单位办理（{3} 家）",
    "no entity of {} can take the {} {} now ({} and {} more)":
        "{0} 目前没有重点排放单位可办理 {1} 年度{2}（{3}，另有 {4} 家）",
    "no entity of {} can take the {} {} now ({})":
        "{0} 目前没有重点排放单位可办理 {1} 年度{2}（{3}）",
    "no entity of {} can take the {} {} now (no covered entities)":
        "{0} 目前没有重点排放单位可办理 {1} 年度{2}（没有重点排放单位）",
    "prior output of {} given twice": "{0} 的上年产出提供了两次",
    "the {} report is {}, not approved": "{0} 年度排放报告为“{1}”状态，尚未核定",
    "fine_share_pct must be within 0..100, was {}": "罚款比例须在 0 至 100 之间，实为 {0}",
    "penalties for {} are assessed after the deadline {} (plan {}); it is {}":
        "{0} 年度罚款在截止时间 {1}（分配方案 {2}）之后核定；现在是 {3}",
    "no entity of {} has an unsurrendered {} obligation to fine":
        "{0} 没有 {1} 年度未清缴、须罚款的重点排放单位",
    "{} is registered in sector {}, the installation says {}":
        "{0} 登记的行业为 {1}，设施填报的是 {2}",
    "{} does not act for {}": "{0} 无权代理 {1}",
    "unit {} is not registered": "设施 {0} 未登记",
    "unit {} reported twice": "设施 {0} 报送了两次",
    "{} must be ≥ 0 and ≤ 1000000 ppm, was {}": "{0}须在 0 至 1000000 ppm 之间，实为 {1}",
    "{} must be ≥ 0, was {}": "{0}须不小于 0，实为 {1}",
    "units not reported: {}": "未报送的设施：{0}",
    # every command's field checks
    "{} must be whole tonnes, was {}": "{0}须为整数吨，实为 {1}",
    "{} must be a price in fen, was {}": "{0}须为以分计的价格，实为 {1}",
    "{} must be fen, was {}": "{0}须为以分计的金额，实为 {1}",
    "{} must be an amount in fen, was {}": "{0}须为以分计的金额，实为 {1}",
    "{} must be a price in fen (ticks of 0.01), was {}":
        "{0}须为以分计的价格（最小变动 0.01 元），实为 {1}",
    "{} must be an integer, was {}": "{0}须为整数，实为 {1}",
    "reason must not be empty, was {}": "理由不得为空，实为 {0}",
    "reference must not be empty, was {}": "编号不得为空，实为 {0}",
    "{} must be {}, was {}": "{0}须为{1}，实为 {2}",
    "unknown command {}": "未知的指令 {0}",
    **_WHEN,
    **_when(),
}
