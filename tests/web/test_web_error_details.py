"""The refusals that keep an account's allowances or funds where they are, worded in both
languages: a registry status (restricted, frozen), a supervisory restriction from transfers, a
receiver's position limit. The messages come from the real commands; the page words them with
the account, the status or measure, and the figures, in Chinese as in English."""

from __future__ import annotations

import re

from dsl import Given
from message_shapes import api_error_shapes, refusal_shapes, validation_shapes

from openets.clearing import funds
from openets.domain.rejection import Code, Rejection
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.supervision import messages as sm
from openets.supervision.messages import Authority
from openets.trading.book import Side
from openets.trading.commands import PostListing
from openets.web import errors, i18n

CEA = "CEA19-20"


def _shown(r: Rejection) -> tuple[str, str]:
    err = {"code": r.code.value, "message": r.message, "field": r.field}
    return errors.localise("zh", err), errors.localise("en", err)


def _market(preset: str = "cn") -> tuple[Given, str, str]:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    g.at("2021-07-16T09:30+08:00")
    return g, g.account(tonnes={CEA: 100}, fen=10**7), g.account(tonnes={CEA: 100}, fen=10**7)


def _worded_forms(shapes: dict[str, str]) -> list[tuple[str, str]]:
    """Each shape with its Chinese form; fails unless every shape has one naming each value."""
    unworded = sorted(set(shapes) - set(errors.REFUSALS_ZH))
    assert unworded == [], [(s, shapes[s]) for s in unworded]
    out = []
    for shape in shapes:
        zh = errors.REFUSALS_ZH[shape]
        n = len(errors.shape_pattern(shape)[1])
        assert sorted(set(re.findall(r"\{(\d+)\}", zh)), key=int) == [str(i) for i in range(n)], (
            shape,
            zh,
        )
        out.append((shape, zh))
    return out


def test_every_rejection_code_has_a_worded_message_in_both_languages() -> None:
    for lang, cat in (("zh", i18n.ZH), ("en", i18n.EN)):
        missing = [c.value for c in Code if not cat.get(f"err.{c.value}", "").strip()]
        assert missing == [], (lang, missing)
    # every worded detail, and every word it carries, exists in both languages
    details = {key for _, key in errors.PATTERNS}
    words = {k for k in i18n.ZH if k.startswith("errw.")}
    for key in details | words:
        assert i18n.ZH.get(key) and i18n.EN.get(key), key
    # every message shape a Rejection of the engine can carry has a worded Chinese form that
    # names each of its values; the English form is the message itself
    unresolved: list[str] = []
    shapes = refusal_shapes(unresolved)
    assert len(shapes) > 300
    assert unresolved == [], "an exception's text passed through, made with no text found"
    for shape, zh in _worded_forms(shapes):
        assert re.search(r"[\u4e00-\u9fff]", zh), shape
        message = _sample(shape)
        err = {"code": "INVALID_FIELD", "message": message, "field": "quantity"}
        assert errors.detail("zh", message) is not None, (shape, message)
        shown = errors.localise("zh", err)
        assert "不符合" not in shown and message not in shown, (shape, shown)
        en = errors.localise("en", err)
        assert en.startswith(i18n.EN["err.INVALID_FIELD"] + ": "), (shape, en)
        assert en.endswith(errors.english_yuan(message)) or errors.detail("en", message), shape


def test_a_refusal_of_no_known_shape_names_the_field_the_value_and_the_rule_in_chinese() -> None:
    err = {"code": "TICK_SIZE", "message": "odd rule of a later release, was 12", "field": "price"}
    zh = errors.localise("zh", err)
    label = i18n.ZH["err.TICK_SIZE"]
    assert zh == f"{label}：字段“{i18n.ZH['field.price']}”的取值 12 不符合“{label}”的规则"
    quoted = {"code": "INVALID_FIELD", "message": "'x-1' is odd", "field": "items[2].product"}
    assert f"字段“{i18n.ZH['field.product']}”的取值 x-1 " in errors.localise("zh", quoted)
    assert errors.localise("en", err).endswith("odd rule of a later release, was 12")


def _sample(shape: str) -> str:
    """A message of ``shape``: money and tonnes as numbers, other values as a word."""
    parts = shape.replace("{{", "\x00").replace("}}", "\x01").split("{}")
    out = parts[0]
    for i, lit in enumerate(parts[1:]):
        out += "12345" if lit.startswith((" fen", " t")) else f"V{i}"
        out += lit
    return out.replace("\x00", "{").replace("\x01", "}")


def test_every_api_error_and_validation_message_has_a_worded_chinese_form() -> None:
    unresolved: list[str] = []
    shapes = {**api_error_shapes(unresolved), **validation_shapes()}
    assert len(shapes) > 150
    assert unresolved == [], "an exception's text passed through, made with no text found"
    for shape, _ in _worded_forms(shapes):
        message = _sample(shape)
        err = {"code": "INVALID_FIELD", "message": message, "field": "quantity"}
        shown = errors.localise("zh", err)
        assert errors.detail("zh", message) is not None, (shape, message)
        words = re.sub(r"openets serve", "", shown)  # a command is a command in any language
        assert "不符合" not in shown and not re.search(r"[a-z]{3} [a-z]{3}", words), (shape, shown)


def test_a_message_passed_through_as_another_errors_text_is_walked_as_its_own_shape() -> None:
    # the engine stopped (503), a daily report's ValueError, a user's refusal, a rules change
    api, engine = api_error_shapes(), refusal_shapes()
    from openets.api.sequencer import STOPPED

    for shape in (
        STOPPED,
        "the server is stopping",
        "no closed trading day {} in the journal (closed days: none)",
        "person.id_number must be 6-32 ASCII letters or digits (an ID card or passport number), "
        "was {}",
        "totp_secret must be 16-128 base32 characters (A-Z, 2-7), was {} characters",
    ):
        assert shape in api, shape
    assert "rules.{}: must be {}, was {}" in engine


def test_the_engine_stopped_answer_is_worded_in_chinese() -> None:
    from openets.api.sequencer import STOPPED

    zh = errors.localise("zh", {"code": "SERVICE_UNAVAILABLE", "message": STOPPED, "field": None})
    label = i18n.ZH["err.SERVICE_UNAVAILABLE"]
    assert zh == f"{label}：市场已停止：有一笔写入未能持久保存；服务器重启后将从日志恢复"


def test_restricted_account_refused_a_transfer_out_is_worded_in_chinese() -> None:
    g, a, b = _market()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.RESTRICTED, "court order"))
    zh, en = _shown(g.rejects(rc.RequestTransfer(a, b, CEA, 10, "gift")))
    assert zh.startswith(i18n.ZH["err.ACCOUNT_NOT_ACTIVE"] + "：")
    assert f"账户 {a} 当前为“受限”状态，不得转出" in zh
    assert f"account {a} is restricted, it may not send" in en


def test_frozen_account_refused_a_transfer_in_is_worded_in_chinese() -> None:
    g, a, b = _market()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    zh, en = _shown(g.rejects(rc.RequestTransfer(b, a, CEA, 10, "gift")))
    assert f"账户 {a} 当前为“冻结”状态，不得转入" in zh
    assert f"account {a} is frozen, it may not receive" in en


def test_frozen_account_refused_a_withdrawal_is_worded_in_chinese() -> None:
    g, a, _ = _market()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    zh, en = _shown(g.rejects(funds.RequestWithdrawal(a, 1_000, "WDR-1")))
    assert f"账户 {a} 当前为“冻结”状态" in zh
    assert f"account {a} is frozen" in en


def test_account_restricted_from_transfers_by_the_regulator_is_worded_in_chinese() -> None:
    g, a, b = _market()
    g.ok(sm.RestrictAccount(a, False, True, "异常交易", Authority.REGULATOR), "reg1")
    zh, en = _shown(g.rejects(rc.RequestTransfer(a, b, CEA, 10, "gift")))
    assert f"账户 {a} 自 2021-07-16 09:30 起被主管部门限制转出（划转与出金），原因：异常交易" in zh
    assert "by the regulator since 2021-07-16 09:30: 异常交易" in en


def test_transfer_over_the_receivers_position_limit_is_worded_in_chinese() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn-pilot-limits")
    a = g.account(tonnes={CEA: 3_000_000})
    b = g.account(tonnes={CEA: 500_000})
    zh, en = _shown(g.rejects(rc.RequestTransfer(a, b, CEA, 1_000_001, "sale")))
    assert f"账户 {b} 的 {CEA} 持仓将达 1,500,001 吨" in zh
    assert "本次划转 1,000,001 吨），超过持仓限额 1,500,000 吨" in zh
    assert "over its position limit of 1,500,000 t" in en


def test_withdrawal_paid_while_barred_alert_is_named_and_its_amount_shown_in_yuan() -> None:
    zh, en = i18n.translator("zh"), i18n.translator("en")
    assert zh("detector.withdrawal_paid_while_barred") == "账户受限或冻结后银行仍支付的出金"
    assert en("detector.withdrawal_paid_while_barred").startswith("Withdrawal paid after")
    assert errors.evidence({"amount_fen": 4_000_000}, zh) == "出金金额（元） 40,000.00"
    assert errors.evidence({"amount_fen": 4_000_000}, en) == "Amount withdrawn (yuan) 40,000.00"


def test_alert_evidence_names_the_side_as_the_book_numbers_it() -> None:
    zh, en = i18n.translator("zh"), i18n.translator("en")
    assert errors.evidence({"side": int(Side.BUY)}, zh).endswith(zh("side.buy"))
    assert errors.evidence({"side": int(Side.SELL)}, zh).endswith(zh("side.sell"))
    assert errors.evidence({"side": int(Side.BUY)}, en).endswith(en("side.buy"))


def test_restricted_account_refused_a_listing_is_worded_in_chinese() -> None:
    g, a, _ = _market()
    g.instrument(CEA, "48.00")
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.RESTRICTED, "court order"))
    zh, en = _shown(g.rejects(PostListing(a, CEA, Side.SELL, 4800, 10)))
    assert zh == f"{i18n.ZH['err.ACCOUNT_RESTRICTED']}：账户 {a} 当前为“受限”状态，不得交易"
    assert en.endswith(f"account {a} is restricted from trading")


def test_a_validation_error_names_the_field_the_value_and_the_rule_in_chinese() -> None:
    def zh(message: str, field: str | None) -> str:
        return errors.localise("zh", {"code": "INVALID_FIELD", "message": message, "field": field})

    label = i18n.ZH["err.INVALID_FIELD"]
    side = "items[0].side: Input should be 'buy' or 'sell', was 'up'"
    shown = f"{label}：{i18n.ZH['field.side']}：须为 'buy'、'sell' 之一，实为 'up'"
    assert zh(side, "items[0].side") == shown
    qty = "quantity must be a whole number of tonnes (a JSON integer), was '1.5'"
    shown = f"{label}：{i18n.ZH['field.quantity']}须为整数吨（JSON 整数），实为 '1.5'"
    assert zh(qty, "quantity") == shown
    extra = "colour: Extra inputs are not permitted, was 'red'"
    assert zh(extra, "colour") == f"{label}：colour：不是可接受的字段，实为 'red'"
    assert zh("the request body is not valid JSON", "body") == f"{label}：请求体不是有效的 JSON"


def test_a_daily_report_of_a_day_not_closed_is_refused_in_chinese() -> None:
    from openets.supervision.reports.daily import daily_report
    from openets.supervision.reports.history import history

    try:
        daily_report(history([]), "2021-07-16")
    except ValueError as exc:
        message = str(exc)
    else:
        raise AssertionError("a day not closed has no report")
    err = {"code": "NOT_FOUND", "message": message, "field": "date"}
    zh = errors.localise("zh", err)
    assert zh.endswith("日志中没有已闭市的交易日 2021-07-16（已闭市的交易日：无）"), zh


def test_a_pledge_refused_for_its_state_words_the_states_allowed_in_chinese() -> None:
    err = {
        "code": "INVALID_STATE",
        "message": "pledge P000001 is released; needs active/default_pending",
        "field": "pledge_id",
    }
    zh = errors.localise("zh", err)
    assert "质押 P000001 为“已解除”状态；须为“正常或违约处置待审批”状态" in zh, zh
    assert "active" not in zh and "default_pending" not in zh
    assert "needs active/default_pending" in errors.localise("en", err)
