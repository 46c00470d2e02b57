"""The Chinese forms of the refusals of identity, operations, the registry, supervision and
trading (the other contexts: :mod:`openets.web.i18n_refusals`, which says how they are used)."""

from __future__ import annotations

_ID_KINDS = {
    "resident ID number (GB 11643)": "居民身份号码（GB 11643）",
    "unified social credit code (GB 32100)": "统一社会信用代码（GB 32100）",
}
_ID_WHYS = {
    "must have 18 characters, has {}": "须为 18 位，实为 {1} 位",
    "character {} is not allowed (GB 32100 excludes I, O, Z, S, V)":
        "字符 {1} 不允许使用（GB 32100 不用 I、O、Z、S、V）",
    "characters 3-8 must be an administrative division code, were {}":
        "第 3 至 8 位须为行政区划代码，实为 {1}",
    "check character is {}, GB 32100 gives {}": "校验码为 {1}，按 GB 32100 应为 {2}",
    "the first 17 characters must be digits": "前 17 位须为数字",
    "check digit is {}, GB 11643 gives {}": "校验码为 {1}，按 GB 11643 应为 {2}",
    "birth date {} is not a calendar date": "出生日期 {1} 不是有效日期",
}
_NAME_WHYS = {
    "must not contain control characters or line breaks ({} at {})":
        "不得含控制字符或换行（第 {2} 位为 {1}）",
    "must not contain bidirectional controls or zero-width characters (a bidirectional control "
    "U+{} at {})": "不得含双向控制字符或零宽字符（第 {2} 位为双向控制字符 U+{1}）",
    "must not contain bidirectional controls or zero-width characters (a zero-width character "
    "U+{} at {})": "不得含双向控制字符或零宽字符（第 {2} 位为零宽字符 U+{1}）",
}


def _composed() -> dict[str, str]:
    """An identity code's refusals (each kind of code by each way it can be wrong) and a
    person's name's."""
    out = {}
    for kind, kind_zh in _ID_KINDS.items():
        for why, why_zh in _ID_WHYS.items():
            zh = f"证件号码 {{0}} 不是有效的{kind_zh}：{why_zh}"
            out[f"id_code {{}} is not a valid {kind}: {why}"] = zh
    for why, why_zh in _NAME_WHYS.items():
        out[f"person.name {{}} {why}"] = f"自然人姓名 {{0}} {why_zh}"
    return out


_RESERVES = {
    "market stability reserve": "市场稳定储备", "band reserve": "价格区间储备",
    "price containment reserve": "价格控制储备",
}

ZH: dict[str, str] = {
    # identity
    "only participant users are bound to an account; {} had {}":
        "只有交易参与人用户绑定账户；{0} 填了 {1}",
    "permissions apply to participant users only": "权限只适用于交易参与人用户",
    "a participant user must be bound to an account": "交易参与人用户须绑定账户",
    "account {} is closed: nobody can represent it": "账户 {0} 已销户：任何人不得代理",
    "person {} already holds the staff login {}; one person holds one staff login and no other "
    "login":
        "自然人 {0} 已持有工作人员登录名 {1}；一人只能持有一个工作人员登录名，且不得持有其他登录名",
    "person {} represents an account as {}; a staff login needs a person without other logins":
        "自然人 {0} 已以 {1} 代理账户；工作人员登录名须属于没有其他登录名的自然人",
    "no person {}": "没有自然人 {0}",
    "a staff user needs the natural person it belongs to: person {{name, id_number}} or person_id":
        "工作人员用户须指明所属自然人：person（姓名、身份号码）或 person_id",
    "person.name must be 1-{} printable characters, was {}":
        "自然人姓名须为 1 至 {0} 个可打印字符，实为 {1}",
    "{} cannot request a login for the person it belongs to ({})":
        "{0} 不得为其所属自然人（{1}）申请登录名",
    "no user {}": "没有用户 {0}",
    "user {} is {} with nothing waiting for approval": "用户 {0} 为“{1}”状态，没有待审批事项",
    "{} is not a login of a known person": "{0} 不是已知自然人的登录名",
    "{} (person {}) cannot approve its own login: a different natural person must approve":
        "{0}（自然人 {1}）不得审批本人的登录名：须由另一自然人审批",
    "{} (person {}) cannot approve a request of {}: a different natural person must approve":
        "{0}（自然人 {1}）不得审批 {2} 的申请：须由另一自然人审批",
    "user {} is already disabled": "用户 {0} 已停用",
    "a user cannot disable its own login": "用户不得停用自己的登录名",
    "user {} is {}, not disabled": "用户 {0} 为“{1}”状态，并未停用",
    "re-enabling user {} was asked by {} and waits for approval":
        "{1} 已申请重新启用用户 {0}，正待审批",
    "{} cannot ask to re-enable a login of its own person ({})":
        "{0} 不得申请重新启用本人（{1}）的登录名",
    "user {} has a change waiting for approval": "用户 {0} 有待审批的变更",
    "user {} is {}": "用户 {0} 为“{1}”状态",
    "user {} already holds this role and account": "用户 {0} 已持有该角色和账户",
    "{} cannot change its own role": "{0} 不得更改自己的角色",
    "{} cannot reset its own two-factor login; a registry operator does":
        "{0} 不得重置自己的双因素认证；须由登记机构操作员办理",
    "two-factor login is already on": "双因素认证已开启",
    "two-factor login is already off": "双因素认证已关闭",
    "username must be 3-64 letters, digits or . _ - @, start with a letter or digit and not be "
    "one of {}; was {}":
        "用户名须为 3 至 64 个字母、数字或 . _ - @，以字母或数字开头，且不得为 {0}；实为 {1}",
    "role must be one of {}, was {}": "角色须为 {0} 之一，实为 {1}",
    "permissions must be distinct values among {}, were {}":
        "权限须为 {0} 中互不相同的值，实为 {1}",
    # the clock
    "to must be an ISO 8601 time with an offset, was {}":
        "目标时间须为带时差的 ISO 8601 时间，实为 {0}",
    "the clock cannot go back: now {}, asked {}": "时钟不能回拨：现在是 {0}，要求 {1}",
    "the simulated clock stops at {}": "模拟时钟止于 {0}",
    # accounts
    "status {} is unknown": "未知的状态 {0}",
    "account {} cannot go from {} to {}": "账户 {0} 不能从“{1}”状态变为“{2}”状态",
    "system accounts are opened by the registry itself": "系统账户由登记机构自行开立",
    "name must not be empty, was {}": "名称不得为空，实为 {0}",
    "id_code must be text, was {}": "证件号码须为文本，实为 {0}",
    "subject {} already has account {} (one registry account per subject)":
        "主体 {0} 已有账户 {1}（每个主体只能开立一个登记账户）",
    "province {} is not a province of mainland China (e.g. 山东, 广东)":
        "{0} 不是中国大陆的省份（如 山东、广东）",
    "province {} is unknown": "未知的省份 {0}",
    "system account {} {} exists": "系统账户 {0} {1} 已存在",
    "system account {}  exists": "系统账户 {0} 已存在",
    # registry transactions
    "account {} is {}, it must be {} to send in a {}":
        "账户 {0} 当前为“{1}”状态，须为“{2}”状态方可在{3}中转出",
    "account {} is {}, it must be {} to receive in a {}":
        "账户 {0} 当前为“{1}”状态，须为“{2}”状态方可在{3}中转入",
    "no transaction {}": "没有登记交易 {0}",
    "transaction {} was already reversed by {}": "登记交易 {0} 已被 {1} 冲正",
    "a correction is not corrected by another reversal; enter a new transaction":
        "更正交易不能再冲正；请另行录入新交易",
    "transaction {} is a {}; only {} can be corrected": "登记交易 {0} 为{1}；只有{2}可以更正",
    "transaction {} already has a reversal waiting for approval ({})":
        "登记交易 {0} 已有待审批的冲正（{1}）",
    "account {} still holds {}; empty it before closing": "账户 {0} 仍持有 {1}；销户前须清空",
    "account {} is named in pending requests {}; decide them before closing":
        "账户 {0} 涉及待审批申请 {1}；销户前须先处理",
    "account {} is the {} account: retired units never leave it (a {} out of it is refused)":
        "账户 {0} 是{1}账户：注销的配额不得转出（拒绝从中{2}）",
    "account {} is the {} account: it accepts only {} transactions, not a {}":
        "账户 {0} 是{1}账户：只接受{2}交易，不接受{3}",
    "account {} still has {}; settle them before closing": "账户 {0} 仍有 {1}；销户前须结清",
    "preset must be one of {}, was {}": "规则预设须为 {0} 之一，实为 {1}",
    "registered_on is the filing date of CCER; {} has none":
        "备案日期只适用于 CCER；{0} 没有备案日期",
    "registered_on must be a date YYYY-MM-DD, was {}":
        "备案日期须为 YYYY-MM-DD 格式的日期，实为 {0}",
    "{} is CCER filed before {}; registered_on was {}": "{0} 是 {1} 前备案的 CCER；备案日期为 {2}",
    "from_account and to_account are both {}": "转出账户与转入账户均为 {0}",
    "account {} has {} t of {} in {}, needs {} t": "账户 {0} 的{3} {2} 为 {1} 吨，需要 {4} 吨",
    "request {} was initiated by {}; a different person must decide it":
        "申请 {0} 由 {1} 发起；须由另一人审批",
    "the registry has no {} account yet": "登记系统尚无{0}账户",
    "items must not be empty": "清缴项不得为空",
    "compliance_year must be a year, was {}": "履约年度须为年份，实为 {0}",
    "pledge {} is {}; needs {}": "质押 {0} 为“{1}”状态；须为“{2}”状态",
    "the enforcement of pledge {} was requested by {}; a different person must decide it":
        "质押 {0} 的处置由 {1} 申请；须由另一人审批",
    "{} {} is a system account": "{0} {1} 是系统账户",
    "the lender is the pledgor {}": "质权人与出质人同为 {0}",
    "no pledge {}": "没有质押 {0}",
    "maturity {} is not after today {}": "到期日 {0} 须晚于今天 {1}",
    "account {} is {}, it must be {} to send {} (a restricted account may receive but not send; "
    "a frozen one neither)": (
        "账户 {0} 当前为“{1}”状态，须为“{2}”状态方可转出{3}（受限账户可转入、不可转出；"
        "冻结账户不得转入或转出）"
    ),
    "account {} is {}, it must be {} to receive {} (a restricted account may receive but not "
    "send; a frozen one neither)": (
        "账户 {0} 当前为“{1}”状态，须为“{2}”状态方可转入{3}（受限账户可转入、不可转出；"
        "冻结账户不得转入或转出）"
    ),
    "action must be one of {}, was {}": "操作须为 {0} 之一，实为 {1}",
    "a reason is required": "须填写理由",
    "request {} to {} {} is still pending": "对 {2} 的{1}申请 {0} 仍待审批",
    "request {} was made by {}; a different person must decide it":
        "申请 {0} 由 {1} 提出；须由另一人审批",
    "{} must be a whole number of tonnes, was {}": "{0}须为整数吨，实为 {1}",
    "account {} has {} t of {} {}, needs {} t": "账户 {0} 的{3} {2} 为 {1} 吨，需要 {4} 吨",
    # supervision
    "a case needs at least one alert": "案件须至少包含一条预警",
    "no alert {}": "没有预警 {0}",
    "alert {} is already in case {}": "预警 {0} 已在案件 {1} 中",
    "no case {}": "没有案件 {0}",
    "case {} is {}; only a case {} can go under review":
        "案件 {0} 为“{1}”状态；只有“{2}”状态的案件可转入审查",
    "case {} is {}; only a case {} can be closed":
        "案件 {0} 为“{1}”状态；只有“{2}”状态的案件可结案",
    "finding must be one of {}, was {}": "结论须为 {0} 之一，实为 {1}",
    "no report obligation {}": "没有报告义务 {0}",
    "obligation {} was filed already": "报告义务 {0} 已履行",
    "title must not be empty, was {}": "标题不得为空，实为 {0}",
    "text must not be empty, was {}": "正文不得为空，实为 {0}",
    "source must not be empty, was {}": "来源不得为空，实为 {0}",
    "note must not be empty, was {}": "备注不得为空，实为 {0}",
    "group_id must not be empty, was {}": "关联组编号不得为空，实为 {0}",
    "authority must be exchange or regulator, was {}": "机构须为交易机构或主管部门，实为 {0}",
    "account_ids must list accounts, was {}": "账户列表须列明账户，实为 {0}",
    "account {} is in no link group": "账户 {0} 不在任何关联组中",
    "day must be YYYY-MM-DD, was {}": "日期须为 YYYY-MM-DD 格式，实为 {0}",
    "unknown detectors {}": "未知的监测规则 {0}",
    "account {} is restricted from trading by the {} since {}: {}":
        "账户 {0} 自 {2} 起被{1}限制交易，原因：{3}",
    "account {} is restricted from transfer by the {} since {}: {}":
        "账户 {0} 自 {2} 起被{1}限制转出（划转与出金），原因：{3}",
    "the reserve holds no {} to release": "储备账户没有可投放的 {0}",
    "instrument {} is {}, not the product {}": "交易品种 {0} 对应 {1}，而非产品 {2}",
    "no auction of {} has cleared: the tiers have no price to reach":
        "{0} 尚无成交的拍卖：各档没有可参照的价格",
    "the reserve holds no {} to sell (in lots of {} t)": "储备账户没有可出售的 {0}（每手 {1} 吨）",
    "rule must be one of {}, was {}": "规则须为 {0} 之一，实为 {1}",
    "tnac must be whole allowances, not negative, was {}": "流通配额总量须为非负整数，实为 {0}",
    "tnac must be whole allowances, was {}": "流通配额总量须为整数，实为 {0}",
    "previous_auction_volume must be whole allowances, not negative, was {}":
        "上期拍卖量须为非负整数，实为 {0}",
    "previous_auction_volume must be whole allowances, was {}": "上期拍卖量须为整数，实为 {0}",
    "year must be a year from {} to {}, was {}": "年度须在 {0} 至 {1} 之间，实为 {2}",
    "rule {} was already applied to {} for {}": "规则 {0} 已对 {1} 的 {2} 年度执行",
    **{
        f"rule {{}} needs a {en}; the market's rules ({{}}) have none":
            f"规则 {{0}} 需要{zh}；本市场的规则（{{1}}）没有{zh}"
        for en, zh in _RESERVES.items()
    },
    "account {} would hold {} t of {} (holds {} t, unsettled {} t, open buys {} t, {} {} t), "
    "over its position limit of {} t ({}; {})": (
        "账户 {0} 的 {2} 持仓将达 {1} 吨（现持有 {3} 吨，未交收净额 {4} 吨，未成交买入 {5} 吨，"
        "{6} {7} 吨），超过持仓限额 {8} 吨（{9}；{10}）"
    ),
    "account {} would hold {} t of {} (holds {} t, unsettled {} t, open buys {} t, this transfer "
    "{} t), over its position limit of {} t ({}; {})": (
        "账户 {0} 的 {2} 持仓将达 {1} 吨（现持有 {3} 吨，未交收净额 {4} 吨，未成交买入 {5} 吨，"
        "本次划转 {6} 吨），超过持仓限额 {7} 吨（{8}；{9}）"
    ),
    "trading and transfer must be true or false": "交易与转出限制须为是或否",
    "a link group needs at least two different accounts; group {} would hold only {}":
        "关联组须至少包含两个不同账户；关联组 {0} 只有 {1}",
    # auctions
    "auction {} closes at {}, now {}": "竞价 {0} 于 {1} 截止，现在是 {2}",
    "auction {} takes bids from {} until {}, now {}":
        "竞价 {0} 的报价时间为 {1} 至 {2}，现在是 {3}",
    "price must be positive, was {}": "价格须为正数，实为 {0}",
    "price must be a multiple of the {} fen tick, was {}":
        "价格须为最小变动价位 {0} 元的整数倍，实为 {1}",
    "price {} fen is below the reserve price {} fen": "价格 {0} 元低于底价 {1} 元",
    "price {} fen is above the maximum price {} fen": "价格 {0} 元高于最高价 {1} 元",
    "bids would total {} t, above the per-bidder cap of {} t":
        "报价合计将达 {0} 吨，超过单个竞买人上限 {1} 吨",
    "the initiator {} cannot bid in its own auction": "发起方 {0} 不得参与自己发起的竞价",
    "bid {} belongs to another account, not {}": "报价 {0} 属于其他账户，而非 {1}",
    "tick must be positive, was {}": "最小变动价位须为正数，实为 {0}",
    "a fixed-price sale sells (side sell) at its reserve price, which it needs":
        "固定价格出售（卖出方向）按底价成交，须设底价",
    "window must close after it opens, was {}..{}": "报价时间须先开始后截止，实为 {0} 至 {1}",
    "minimum cover must be 0..1000000 bps, was {}":
        "最低认购倍数须在 0 至 1000000 个基点之间，实为 {0}",
    "a buy auction needs a reserve (maximum) price to lock the initiator's funds":
        "买入竞价须设最高价，以冻结发起方资金",
    "reserve price must be positive, was {}": "底价须为正数，实为 {0}",
    "reserve price must be a multiple of the {} fen tick, was {}":
        "底价须为最小变动价位 {0} 元的整数倍，实为 {1}",
    "quantity must be whole lots of {} t, was {}": "数量须为每手 {0} 吨的整数倍，实为 {1}",
    "lot size must be positive, was {}": "每手数量须为正数，实为 {0}",
    "per-bidder cap must be whole lots of {} t, was {}":
        "单个竞买人上限须为每手 {0} 吨的整数倍，实为 {1}",
    "auction trades settle on trading days; {} is not one": "竞价成交在交易日交收；{0} 不是交易日",
    "no auction {}": "没有竞价 {0}",
    "a fixed-price sale takes bids at its price {} fen only, was {}":
        "固定价格出售只接受 {0} 元的报价，实为 {1}",
    "account {} is an {}'s: only covered entities (accounts of subject type entity) may buy at a "
    "price containment reserve sale":
        "账户 {0} 属于{1}：只有重点排放单位（单位类账户）可在价格控制储备出售中买入",
    "system account {} ({}) cannot initiate an auction": "系统账户 {0}（{1}）不得发起竞价",
    "a government account sells in paid allocation; side was {}":
        "政府账户在有偿分配中卖出；方向为 {0}",
    "{} must be one of {}, was {}": "{0}须为 {1} 之一，实为 {2}",
    "{} must be one of {} in this market ({}), was {}": "{0}在本市场（{2}）须为 {1} 之一，实为 {3}",
    "min_cover_bps must be an integer, was {}": "最低认购倍数须为整数，实为 {0}",
    "closes_at {} is not after now ({})": "截止时间 {0} 不晚于现在（{1}）",
    "the window must close after it opens, was {}..{}": "报价时间须先开始后截止，实为 {0} 至 {1}",
    "no bid {} in auction {}": "竞价 {1} 中没有报价 {0}",
    "a cancellation needs a reason": "取消须说明理由",
    "auction {} is {}": "竞价 {0} 为“{1}”状态",
    # block trading
    "a block order must be at least {} t, was {}": "大宗协议单笔至少 {0} 吨，实为 {1} 吨",
    "a block order must be at most {} t, was {}": "大宗协议单笔至多 {0} 吨，实为 {1} 吨",
    "price {} fen is outside the block band {}..{} fen":
        "价格 {0} 元超出大宗协议价格范围 {1}–{2} 元",
    "block request {} is {}": "大宗协议申报 {0} 为“{1}”状态",
    "block request {} expired at the end of {}, now {}":
        "大宗协议申报 {0} 已于 {1} 日终失效，现在是 {2}",
    "no block request {} open to {}": "没有向 {1} 开放的大宗协议申报 {0}",
    "a directed offer cannot name its own account {}": "定向报价不得指定自己的账户 {0}",
    "no dialogue with {} on block request {}": "大宗协议申报 {1} 上没有与 {0} 的磋商",
    "quote {} is not live on block request {}": "报价 {0} 在大宗协议申报 {1} 上已失效",
    "{} cannot accept its own block request {}": "{0} 不得接受自己的大宗协议申报 {1}",
    "confirmation price {} fen differs from the quoted {} fen": "确认价格 {0} 元与报价 {1} 元不同",
    "confirmation quantity {} t differs from the quoted {} t":
        "确认数量 {0} 吨与报价数量 {1} 吨不同",
    "{} has no live quote on block request {}": "{0} 在大宗协议申报 {1} 上没有有效报价",
    "block trading is open {} ({}), was {}": "大宗协议交易时间为 {0}（{1}），当前为 {2}",
    "no block request {}": "没有大宗协议申报 {0}",
    "side must be buy or sell, was {}": "方向须为买入或卖出，实为 {0}",
    "name the quote to accept: {} quotes on {} are yours":
        "请指明要接受的报价：{1} 上有 {0} 个报价属于您",
    # the listing market
    "the market is closed: {} is outside the block trading hours {}":
        "市场已闭市：{0} 不在大宗协议交易时间 {1} 内",
    "trading in {} is suspended": "{0} 已停牌",
    "price must be positive, was {} fen": "价格须为正数，实为 {0} 元",
    "price {} is not a multiple of the {} tick": "价格 {0} 元不是最小变动价位 {1} 元的整数倍",
    "price {} is outside today's band {}..{} around the previous close {}":
        "价格 {0} 元超出今日涨跌幅限制 {1}–{2} 元（前收盘价 {3} 元）",
    "quantity must be {}..{} t, was {} t": "数量须为 {0} 至 {1} 吨，实为 {2} 吨",
    "quantity must be at least {} t, was {} t": "数量至少 {0} 吨，实为 {1} 吨",
    "take quantity must be 1..{} t (the listing's remainder), was {} t":
        "摘牌数量须为 1 至 {0} 吨（该挂牌的剩余数量），实为 {1} 吨",
    "listing {} at {} is on price level {} of the {} side; only the best {} may be taken":
        "挂牌 {0}（价格 {1}）位于{3}方第 {2} 档；只能摘最优 {4} 档",
    "listing {} belongs to the taking account {}": "挂牌 {0} 属于摘牌账户 {1} 自己",
    "code must be 1-16 ASCII letters, digits or '-' starting with a letter, was {}":
        "代码须为 1 至 16 个 ASCII 字母、数字或“-”，以字母开头，实为 {0}",
    "code {} reads as a product code, so it must be its product's own code {}":
        "代码 {0} 形同产品代码，因此须与产品代码 {1} 一致",
    "{} is not a trading day": "{0} 不是交易日",
    "the session runs until {}; close the day after it (or force an emergency close)":
        "交易时段至 {0}；请在此后闭市（或强制紧急闭市）",
    "this market trades by listing agreement: post a listing or take one":
        "本市场采用挂牌协议交易：请挂牌或摘牌",
    "the order would trade with the account's own order {} at {} yuan":
        "该委托将与本账户自己的委托 {0} 以 {1} 元成交",
    "preset {} is a {} auction, side was {}": "预设 {0} 为{1}竞价，方向为 {2}",
    "preset {} ranks by price then time, tie_break was {}":
        "预设 {0} 按价格优先、时间优先排序，同价规则为 {1}",
    "preset {}: no listing trade from {} to before {}, so its floor ({}/{} × their "
    "volume-weighted average price) is undefined":
        "预设 {0}：{1} 至 {2} 之前没有挂牌成交，因此其底价（{3}/{4} × 成交量加权均价）无法确定",
    "preset {} fixes the floor at {}/{} × the listing average from {} ({} fen / {} t) = {} fen, "
    "reserve_price was {}":
        "预设 {0} 的底价为 {1}/{2} × 自 {3} 起的挂牌均价（{4} 元 / {5} 吨）= {6} 元，底价填为 {7}",
    "auction {} (preset {}) takes bids from covered entities only: account {} is an {}'s, not a "
    "covered entity's":
        "竞价 {0}（预设 {1}）只接受重点排放单位报价：账户 {2} 属于{3}，不是重点排放单位",
    "account {} has {} t of {} available, needs {} t ({} t bought today are delivered at "
    "settlement and usable from the next trading day)":
        "账户 {0} 可用 {2} {1} 吨，需要 {3} 吨（当日买入的 {4} 吨于交收时交付，下一交易日起可用）",
    "account {} has {} t of {} available, needs {} t": "账户 {0} 可用 {2} {1} 吨，需要 {3} 吨",
    "this market trades by continuous matching: send orders, not listings":
        "本市场采用连续竞价：请提交委托，而非挂牌",
    "no listing {} (it may have been taken, cancelled or expired)":
        "没有挂牌 {0}（可能已被摘牌、撤销或过期）",
    "listing {} belongs to another account": "挂牌 {0} 属于其他账户",
    "the {} market lists {} only, product was {}": "{0}市场只挂牌 {1}，产品为 {2}",
    "instrument {} is already listed": "交易品种 {0} 已上市",
    "code {} is the composite price of the vintages, a statistic that is not tradable":
        "代码 {0} 是各年度配额的综合价格，仅作统计，不可交易",
    "the end of day of {} has not run yet": "{0} 的日终处理尚未运行",
    "the market is settling {}": "市场正在交收 {0}",
    "trading of {} has ended": "{0} 的交易已结束",
    "account {} is an {}'s; the {} market admits {} accounts only (legal persons)":
        "账户 {0} 属于{1}；{2}市场只接纳{3}账户（法人）",
    "account {} ({}) may not trade here": "账户 {0}（{1}）不得在此交易",
    "account {} is restricted from trading": "账户 {0} 当前为“受限”状态，不得交易",
    "the {} market does not offer {} trading (it offers: {})": "{0}市场不提供{1}交易（提供：{2}）",
    **_composed(),
}
