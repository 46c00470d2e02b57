"""The refusals that keep an account's allowances or funds where they are, worded in both
languages: a registry status (restricted, frozen), a supervisory restriction from transfers, a
receiver's position limit. The messages come from the real commands; the page words them with
the account, the status or measure, and the figures, in Chinese as in English."""

from __future__ import annotations

from dsl import Given

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


def test_every_rejection_code_has_a_worded_message_in_both_languages() -> None:
    for lang, cat in (("zh", i18n.ZH), ("en", i18n.EN)):
        missing = [c.value for c in Code if not cat.get(f"err.{c.value}", "").strip()]
        assert missing == [], (lang, missing)
    # every worded detail, and every word it carries, exists in both languages
    details = {key for _, key in errors.PATTERNS}
    words = {k for k in i18n.ZH if k.startswith("errw.")}
    for key in details | words:
        assert i18n.ZH.get(key) and i18n.EN.get(key), key


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


def test_restricted_account_refused_a_listing_is_worded_in_chinese() -> None:
    g, a, _ = _market()
    g.instrument(CEA, "48.00")
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.RESTRICTED, "court order"))
    zh, en = _shown(g.rejects(PostListing(a, CEA, Side.SELL, 4800, 10)))
    assert zh == f"{i18n.ZH['err.ACCOUNT_RESTRICTED']}：账户 {a} 当前为“受限”状态，不得交易"
    assert en.endswith(f"account {a} is restricted from trading")
