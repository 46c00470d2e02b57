"""The API's own errors in Chinese: each message shape of an ``ApiError`` the API or the pages
raise (sign-in, permissions, look-ups, uploads, query strings), and each message a request's
validation answers (:func:`openets.api.errors.validation_error`): the API's validators, with the
field in front, and pydantic's own messages (``field: message, was value``).

Shapes as in :mod:`openets.web.i18n_refusals`: the English message with ``{}`` where a value goes,
its Chinese form with ``{0}``, ``{1}``… in the shape's order. A test walks every ``ApiError(...)``,
every validator and every pydantic message and fails when one has no Chinese form here.
"""

from __future__ import annotations

import re

from pydantic_core._pydantic_core import list_all_errors

API: dict[str, str] = {
    # sign-in and permissions
    "user {} lacks the '{}' permission ({})": "用户 {0} 没有“{1}”权限（{2}）",
    "role {} may not do {} ({})": "角色 {0} 不得办理{1}（{2}）",
    "user {} acts only for account {}, not {}": "用户 {0} 只能代表账户 {1} 办理，不能代表 {2}",
    "log in first: POST /api/v1/auth/token, then send 'Authorization: Bearer <token>'":
        "请先登录：POST /api/v1/auth/token 取得令牌，再以 Authorization: Bearer 令牌 发送请求",
    "user {} is no longer active": "用户 {0} 已停用",
    "use 'Authorization: Bearer <token>'": "请以 Authorization: Bearer 令牌 的形式发送令牌",
    "the token is unknown or expired": "令牌无效或已过期",
    "the session is unknown or expired": "会话无效或已过期，请重新登录",
    "user {} is staff: log in with otp, the 6-digit code of the authenticator app (not enrolled "
    "yet: POST /api/v1/auth/mfa/enroll, then /auth/mfa/confirm)":
        "用户 {0} 为工作人员：登录须填写动态验证码（身份验证器应用的 6 位数字；尚未登记的，"
        "请先登记 POST /api/v1/auth/mfa/enroll，再确认 /auth/mfa/confirm）",
    "a request made with the session cookie must carry the {} header given at login":
        "以会话 Cookie 发出的请求须携带登录时给出的 {0} 请求头",
    "{} needs two-factor login: log in with otp, the 6-digit code (not enrolled yet: POST "
    "/api/v1/auth/mfa/enroll, then /auth/mfa/confirm)":
        "{0}须使用双因素登录：登录须填写 6 位动态验证码（尚未登记的，请先登记 "
        "POST /api/v1/auth/mfa/enroll，再确认 /auth/mfa/confirm）",
    "Idempotency-Key must be 1-{} printable ASCII characters without spaces":
        "幂等键（Idempotency-Key）须为 1 至 {0} 个可打印 ASCII 字符，不含空格",
    "too many failed logins for {}; try again in {} s": "{0} 登录失败次数过多；请 {1} 秒后再试",
    "wrong username or password": "用户名或密码错误",
    "user {} cannot log in: {} (a registry operator who is a different person must approve it)":
        "用户 {0} 不能登录：{1}（须由另一名登记机构操作员审批）",
    "user {} cannot log in: {}": "用户 {0} 不能登录：{1}",
    "user {} cannot log in: not registered in the journal (a registry operator who is a "
    "different person must approve it)":
        "用户 {0} 不能登录：尚未记入日志（须由另一名登记机构操作员审批）",
    "user {} cannot log in: not registered in the journal": "用户 {0} 不能登录：尚未记入日志",
    "user {} has two-factor login: send otp, the 6-digit code of the authenticator app":
        "用户 {0} 已启用双因素登录：请填写动态验证码（身份验证器应用的 6 位数字）",
    "otp must be the 6-digit code of the authenticator app, was {}":
        "动态验证码须为身份验证器应用的 6 位数字，实为 {0}",
    "the one-time code is wrong, expired or already used": "动态验证码错误、已过期或已使用",
    "user {} already has two-factor login; a registry operator resets it":
        "用户 {0} 已启用双因素登录；如需重置，请联系登记机构操作员",
    # look-ups and queries
    "no signed checkpoint yet (serve --signing-key)":
        "尚无签名检查点（服务须以 --signing-key 启动）",
    "no plan covers {}; plans cover {}": "没有覆盖 {0} 年度的分配方案；现有方案覆盖 {1}",
    "no entity {} visible to you": "没有您可查看的单位 {0}",
    "no notification {}": "没有通知 {0}",
    "the market runs on the real clock": "市场按真实时钟运行，不能拨动时钟",
    "give exactly one of seconds or to": "秒数与截止时间须且只须填写其一",
    "to ({}) is before from ({})": "截止日期（{0}）早于起始日期（{1}）",
    "account_id is required": "账户为必填项",
    "cursor {} is not an account id of this list (give the next_cursor of the previous page)":
    "翻页游标 {0} 不是本列表中的账户编号（请使用上一页返回的 next_cursor）",
    "the request body is required: a JSON object": "须提交请求正文（JSON 对象）",
    "no large-holder report obligation {} of account {}": "账户 {1} 没有大户报告义务 {0}",
    # the request itself (routing, the request guard, idempotency, a replica)
    "no such path: {} {}": "没有此路径：{0} {1}",
    "method not allowed: {} {}": "不允许此请求方法：{0} {1}",
    "the request body cannot be read: {}": "无法读取请求体：{0}",
    "the request body may have at most {} bytes": "请求体至多 {0} 字节",
    "the JSON body must be UTF-8 (without a byte-order mark)":
        "JSON 请求体须为 UTF-8 编码（不带字节顺序标记）",
    "the client went away": "客户端已断开连接",
    "Content-Length is not a number": "Content-Length 请求头不是数字",
    "the request body did not arrive within {} seconds": "请求体未在 {0} 秒内送达",
    "Idempotency-Key {} was used for a different request": "幂等键 {0} 已用于另一个请求",
    "{} {}: this server is a read replica and takes no commands; send them to the sequencer "
    "(openets serve --db)":
        "{0} {1}：本服务器为只读副本，不受理指令；请发送至定序服务器（openets serve --db）",
    "internal error (a bug); it was logged as request {}":
        "内部错误（程序缺陷）；已记录为请求 {0}",
    # allocation uploads
    "prior output is for the pre-allocation only": "上年产出仅用于预分配",
    "the first row must be {} (optionally ,emissions_t), was {}":
        "首行须为 {0}（可另加 ,emissions_t 列），实为 {1}",
    "row {} has {} columns, needs {}": "第 {0} 行有 {1} 列，须为 {2} 列",
    "row {}, column emissions_t: must be whole tonnes (digits 0-9), was {}":
        "第 {0} 行 emissions_t 列：须为整数吨（数字 0-9），实为 {1}",
    "prior_csv: {}: {}": "上年产出 CSV：{0}：{1}",
    "row {}: supply_mwh and heat_gj must be whole numbers, were {} and {}":
        "第 {0} 行：供电量（MWh）与供热量（GJ）须为整数，实为 {1} 和 {2}",
    # the request as a whole (validation_error)
    "the request is not valid": "请求无效",
    "the request body is not valid JSON": "请求体不是有效的 JSON",
    "{} is required": "{0}为必填项",
    "{}: {}, was {}": "{0}：{1}，实为 {2}",
    "{}: {}, was nothing": "{0}：{1}，未填写",
}

VALIDATORS: dict[str, str] = {
    "must be JSON true or false, was {}": "须为 JSON 的 true 或 false，实为 {0}",
    "must be true or false, was {}": "须为 true 或 false，实为 {0}",
    "must be a whole number of tonnes (a JSON integer), was {}":
        "须为整数吨（JSON 整数），实为 {0}",
    "must be between 1 and {} tonnes, was {}": "须在 1 至 {0} 吨之间，实为 {1}",
    "must be a year between 2000 and 2100, was {}": "须为 2000 至 2100 之间的年份，实为 {0}",
    'must be a decimal string with at most two places such as "52.78", was {} ({})':
        "须为至多两位小数的十进制字符串（如 \"52.78\"），实为 {0}（{1}）",
    'must be a decimal string with at most two places such as "52.78", was {} (a JSON number)':
        "须为至多两位小数的十进制字符串（如 \"52.78\"），实为 {0}（JSON 数字）",
    "must be between 1 and {} tonnes, was a huge number": "须在 1 至 {0} 吨之间，实为一个极大的数",
    'must be a decimal string of ASCII digits 0-9 with at most two places and no spaces, such as '
    '"52.78", was {}':
        "须为由数字 0-9 组成、至多两位小数、不含空格的十进制字符串（如 \"52.78\"），实为 {0}",
    "must be text, was {}": "须为文本，实为 {0}",
    "must have {} to {} characters, has {}": "须有 {0} 至 {1} 个字符，实有 {2} 个",
    "must not contain control characters": "不得含控制字符",
    "must not contain control characters or line breaks ({} at {}), was {}":
        "不得含控制字符或换行（第 {1} 个字符为 {0}），实为 {2}",
    "must not contain bidirectional controls or zero-width characters (a bidirectional control "
    "U+{} at {}), was {}":
        "不得含双向控制字符或零宽字符（第 {1} 个字符为双向控制字符 U+{0}），实为 {2}",
    "must not contain bidirectional controls or zero-width characters (a zero-width character "
    "U+{} at {}), was {}":
        "不得含双向控制字符或零宽字符（第 {1} 个字符为零宽字符 U+{0}），实为 {2}",
    "must match {}, was {}": "须符合格式 {0}，实为 {1}",
    "must be valid Unicode text": "须为有效的 Unicode 文本",
    "must be in the years {} to {}, was {}": "须在 {0} 年至 {1} 年之间，实为 {2}",
    "must be a date YYYY-MM-DD, was {}": "须为 YYYY-MM-DD 格式的日期，实为 {0}",
    "must be a real date YYYY-MM-DD, was {}": "须为真实存在的日期（YYYY-MM-DD），实为 {0}",
    "must be an ISO 8601 time such as 2021-07-16T09:30+08:00, was {}":
        "须为 ISO 8601 时间（如 2021-07-16T09:30+08:00），实为 {0}",
    "must have a UTC offset such as +08:00, was {}": "须带 UTC 时差（如 +08:00），实为 {0}",
    "must be a whole number from 0 to {} (a JSON integer), was {}":
        "须为 0 至 {0} 的整数（JSON 整数），实为 {1}",
    'must be a decimal string from "0" to "1" with at most six decimals, was {}':
        "须为 \"0\" 至 \"1\" 之间、至多六位小数的十进制字符串，实为 {0}",
    "must be MW from 0 to 100000 (an integer or a decimal string with at most three decimals), "
    "was {}":
        "须为 0 至 100000 兆瓦（整数，或至多三位小数的十进制字符串），实为 {0}",
    "must be CSV text of at most 500000 characters, was {}":
        "须为至多 500000 个字符的 CSV 文本，实为 {0}",
    "must not contain control characters other than newlines": "除换行外不得含控制字符",
    "must be whole allowances from 0 to 10^12, was {}": "须为 0 至 10^12 的整数配额，实为 {0}",
}
"""The API's validators' messages; the validation error puts the field in front of each."""

_WHEN = (
    "must be in the years {} to {}, was {}",
    "must be a date YYYY-MM-DD, was {}",
    "must be a real date YYYY-MM-DD, was {}",
    "must be an ISO 8601 time such as 2021-07-16T09:30+08:00, was {}",
    "must have a UTC offset such as +08:00, was {}",
)
_WHEN_PREFIXES = {
    "to ": "截止时间",
    "date ": "日期",
    "day ": "交易日",
    "{} (a date or an ISO 8601 time) ": "{0}（日期或 ISO 8601 时间）",
}
"""The query strings' dates and times: the field (or its name) in front of the way it is wrong."""

PYDANTIC: dict[str, str] = {
    "no_such_attribute": "对象没有属性“{0}”",
    "json_invalid": "JSON 无效：{0}",
    "json_type": "JSON 输入须为字符串或字节串",
    "needs_python_object": "以 JSON 校验时无法检查 {0}",
    "recursion_loop": "递归错误：存在循环引用",
    "recursion_depth_exceeded": "递归错误：超过最大校验深度",
    "missing": "为必填项",
    "frozen_field": "该字段不可修改",
    "frozen_instance": "该对象不可修改",
    "extra_forbidden": "不是可接受的字段",
    "invalid_key": "键须为字符串",
    "get_attribute_error": "读取属性出错：{0}",
    "model_type": "须为字典或 {0} 的实例",
    "model_attributes_type": "须为可读取字段的字典或对象",
    "dataclass_type": "须为字典或 {0} 的实例",
    "dataclass_exact_type": "须为 {0} 的实例",
    "named_tuple_type": "须为元组、列表、字典或 {0} 的实例",
    "default_factory_not_called": "默认值工厂依赖已校验的数据，但校验出错",
    "none_required": "须为空（None）",
    "greater_than": "须大于 {0}",
    "greater_than_equal": "须大于或等于 {0}",
    "less_than": "须小于 {0}",
    "less_than_equal": "须小于或等于 {0}",
    "multiple_of": "须为 {0} 的整数倍",
    "finite_number": "须为有限的数",
    "too_short": "{0}校验后至少须有 {1} 项，实有 {2} 项",
    "too_long": "{0}校验后至多可有 {1} 项，实有 {2} 项",
    "iterable_type": "须为可迭代的值",
    "iteration_error": "迭代出错：{0}",
    "string_type": "须为字符串",
    "string_unicode": "须为字符串，无法按 Unicode 解析",
    "string_too_short": "字符串至少须有 {0} 个字符",
    "string_too_long": "字符串至多可有 {0} 个字符",
    "string_pattern_mismatch": "字符串须符合格式“{0}”",
    "string_not_ascii": "字符串只能含 ASCII 字符",
    "enum": "须为 {0} 之一",
    "dict_type": "须为字典",
    "frozen_dict_type": "须为不可变字典",
    "ordered_dict_type": "须为有序字典",
    "counter_type": "须为计数器（Counter）",
    "mapping_type": "须为映射，错误：{0}",
    "list_type": "须为列表",
    "deque_type": "须为双端队列",
    "tuple_type": "须为元组",
    "set_type": "须为集合",
    "set_item_not_hashable": "集合的元素须可哈希",
    "bool_type": "须为布尔值",
    "bool_parsing": "须为布尔值，无法解析",
    "int_type": "须为整数",
    "int_parsing": "须为整数，无法把字符串解析为整数",
    "int_parsing_size": "无法把字符串解析为整数：超过最大长度",
    "int_from_float": "须为整数，实为带小数部分的数",
    "float_type": "须为数字",
    "float_parsing": "须为数字，无法把字符串解析为数字",
    "bytes_type": "须为字节串",
    "bytes_too_short": "数据至少须有 {0} 个字节",
    "bytes_too_long": "数据至多可有 {0} 个字节",
    "bytes_invalid_encoding": "数据须为有效的 {0} 编码：{1}",
    "value_error": "取值错误：{0}",
    "assertion_error": "断言失败：{0}",
    "literal_error": "须为 {0} 之一",
    "missing_sentinel_error": "须为 MISSING 标记",
    "ellipsis_error": "须为省略号（Ellipsis）",
    "date_type": "须为日期",
    "date_parsing": "须为 YYYY-MM-DD 格式的日期：{0}",
    "date_from_datetime_parsing": "须为日期或日期时间：{0}",
    "date_from_datetime_inexact": "作为日期的日期时间须为零点整",
    "date_past": "日期须在过去",
    "date_future": "日期须在将来",
    "time_type": "须为时间",
    "time_parsing": "须为有效的时间格式：{0}",
    "datetime_type": "须为日期时间",
    "datetime_parsing": "须为日期时间：{0}",
    "datetime_object_invalid": "日期时间对象无效：{0}",
    "datetime_from_date_parsing": "须为日期时间或日期：{0}",
    "datetime_past": "须在过去",
    "datetime_future": "须在将来",
    "timezone_naive": "不得带时区",
    "timezone_aware": "须带时区",
    "timezone_offset": "须为时差 {0}，实为 {1}",
    "time_delta_type": "须为时间间隔",
    "time_delta_parsing": "须为时间间隔：{0}",
    "frozen_set_type": "须为不可变集合",
    "is_instance_of": "须为 {0} 的实例",
    "is_subclass_of": "须为 {0} 的子类",
    "callable_type": "须为可调用对象",
    "union_tag_invalid": "按 {1} 取得的标签“{0}”不是可接受的标签：{2}",
    "union_tag_not_found": "无法按 {0} 取得标签",
    "arguments_type": "参数须为元组、列表或字典",
    "missing_argument": "缺少必填参数",
    "unexpected_keyword_argument": "不是可接受的关键字参数",
    "missing_keyword_only_argument": "缺少必填的仅限关键字参数",
    "unexpected_positional_argument": "不是可接受的位置参数",
    "missing_positional_only_argument": "缺少必填的仅限位置参数",
    "multiple_argument_values": "同一参数给出多个值",
    "url_type": "网址须为字符串或网址对象",
    "url_parsing": "须为有效的网址：{0}",
    "url_syntax_violation": "违反严格的网址语法：{0}",
    "url_too_long": "网址至多可有 {0} 个字符",
    "url_scheme": "网址协议须为 {0}",
    "uuid_type": "UUID 须为字符串、字节串或 UUID 对象",
    "uuid_parsing": "须为有效的 UUID：{0}",
    "uuid_version": "须为第 {0} 版 UUID",
    "decimal_type": "十进制数须为整数、浮点数、字符串或 Decimal 对象",
    "decimal_parsing": "须为有效的十进制数",
    "decimal_max_digits": "十进制数总共至多 {0} 位",
    "decimal_max_places": "十进制数至多 {0} 位小数",
    "decimal_whole_digits": "十进制数的整数部分至多 {0} 位",
    "fraction_type": "分数须为整数、浮点数、字符串或 Fraction 对象",
    "fraction_parsing": "须为有效的分数",
    "complex_type": "须为复数、数字或有效的复数字符串",
    "complex_str_parsing": "须为有效的复数字符串",
}
"""pydantic's own messages by error type (its English template's values in order)."""

_SLOT = re.compile(r"\{(\d+)\}")
_CTX = re.compile(r"\{\w+\}")


def _shift(zh: str, by: int) -> str:
    return _SLOT.sub(lambda m: "{" + str(int(m.group(1)) + by) + "}", zh)


def pydantic_shapes() -> dict[str, str]:
    """Each pydantic message (singular and plural) as the validation error words it:
    ``field: message, was value``, and its Chinese form."""
    out = {}
    for e in list_all_errors():
        zh = PYDANTIC.get(str(e["type"]))
        if zh is None:
            continue
        for plural in ("s", ""):
            text = str(e["message_template_python"]).replace("{expected_plural}", plural)
            tpl = _CTX.sub("{}", text)
            n = tpl.count("{}")
            out["{}: " + tpl + ", was {}"] = "{0}：" + _shift(zh, 1) + f"，实为 {{{n + 1}}}"
    return out


def _validators() -> dict[str, str]:
    out = {}
    for shape, zh in VALIDATORS.items():
        out[shape] = zh
        out["{} " + shape] = "{0}" + _shift(zh, 1)
    for prefix, name in _WHEN_PREFIXES.items():
        by = prefix.count("{}")
        for shape in _WHEN:
            out[prefix + shape] = name + _shift(VALIDATORS[shape], by)
    return out


ZH: dict[str, str] = {**API, **_validators(), **pydantic_shapes()}
