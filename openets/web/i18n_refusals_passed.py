"""Messages passed through as another error's text, in Chinese: the engine stopped (the ``503``
the sequencer's ``ServiceUnavailable`` answers with), a user that cannot be added
(``UserError``, its ``ID number`` and two-factor secret refusals within), a daily report of a day
not closed (its ``ValueError``), a rules change a scenario cannot take (``RuleOverrideError``).

Shapes as in :mod:`openets.web.i18n_refusals`: the English message with ``{}`` where a value
goes, its Chinese form with ``{0}``, ``{1}``… in the shape's order. The test that walks the
message shapes follows each ``str(exc)``, ``exc.message`` and ``f"…{exc}"`` an error passes on
to the texts its exception is made with, and fails when one has no Chinese form.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # the engine stopped, or the server stopping (503 SERVICE_UNAVAILABLE)
    "the market stopped: a write could not be made durable; it resumes from the journal when "
    "the server restarts":
        "市场已停止：有一笔写入未能持久保存；服务器重启后将从日志恢复",
    "the sequencer is not running": "市场的写入序列器未在运行（服务器正在启动或已停止）",
    "the server is stopping": "服务器正在停止",
    # the daily report of a day not closed (GET /market/reports/daily)
    "no closed trading day {} in the journal (closed days: none)":
        "日志中没有已闭市的交易日 {0}（已闭市的交易日：无）",
    "no closed trading day {} in the journal (closed days: {}..{})":
        "日志中没有已闭市的交易日 {0}（已闭市的交易日：{1} 至 {2}）",
    # a user that cannot be added or changed (POST /users, a role change)
    "a province is named twice in {}": "{0} 中同一省份出现了两次",
    "a regulator regulates one province (or, with none, the nation); had {}":
        "主管部门用户只能管辖一个省份（不填则为全国）；实为 {0}",
    "give person_id or person {{name, id_number}}, not both":
        "自然人编号（person_id）与自然人信息（person 的姓名和证件号码）只能填写其一",
    "password is in the list of common passwords; choose one that is not":
        "密码属于常见密码，请另选一个",
    "password must be text, was {}": "密码须为文本，实为 {0}",
    "password must have {} to {} characters, has {}": "密码须为 {0} 至 {1} 个字符，实为 {2} 个",
    "password must not be or contain the username {}": "密码不得为或包含用户名 {0}",
    "permissions must be among {}, had {}": "权限须在 {0} 之中，实为 {1}",
    "person.id_number must be 6-32 ASCII letters or digits (an ID card or passport number), "
    "was {}":
        "自然人证件号码须为 6 至 32 个 ASCII 字母或数字（身份证或护照号码），实为 {0}",
    "person.name must not be empty with an id_number": "填写证件号码时，自然人姓名不得为空",
    "provinces apply to verifiers and regulators only; {} had {}":
        "只有核查机构和主管部门的用户可指定省份；角色 {0} 填写了 {1}",
    "totp_secret must be 16-128 base32 characters (A-Z, 2-7), was {} characters":
        "双因素认证密钥须为 16 至 128 个 base32 字符（A-Z、2-7），实为 {0} 个字符",
    "{} is not a province (e.g. 上海)": "{0} 不是省份（如 上海）",
    # a rules change a market or scenario cannot take (the genesis' rules)
    "rules.{}: a rule's path is its dotted name, was {}":
        "规则 {0}：规则的路径须为以点分隔的名称，实为 {1}",
    "rules.{}: cannot be changed in a scenario ({}), was {}":
        "规则 {0}：不能在情景中修改（{1}），实为 {2}",
    "rules.{}: is set twice in the changes, was {}": "规则 {0}：在本次修改中设置了两次，实为 {1}",
    "rules.{}: must be {} ({} items), was {}": "规则 {0}：须为{1}（{2} 项），实为 {3}",
    "rules.{}: must be {}, was {}": "规则 {0}：须为{1}，实为 {2}",
    "rules.{}: {} is set whole elsewhere in the changes, was {}":
        "规则 {0}：{1} 已在本次修改的别处整体设置，实为 {2}",
    "rules.{}: {}, was {}": "规则 {0}：{1}，实为 {2}",
}
