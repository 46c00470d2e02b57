"""The bank's answers to a deposit instruction or a withdrawal (``ConfirmDeposit``,
``ConfirmWithdrawal``): where the bank states the account and the amount, they must be the
reference's; an answer stating others is refused naming the field, the value and the rule, and
changes nothing (the fund ledger, the open reference)."""

from __future__ import annotations

from dsl import Given

from openets.clearing import funds
from openets.domain.rejection import Code


def _withdrawal(g: Given) -> tuple[str, str]:
    acct = g.account(fen=100_000)
    g.ok(funds.RequestWithdrawal(acct, 40_000, "W-1"))
    return acct, "W-1"


def _instructed(g: Given) -> tuple[str, str]:
    acct = g.account()
    g.ok(funds.InstructDeposit(acct, 25_000, "D-1"))
    return acct, "D-1"


def test_withdrawal_answer_naming_another_account_is_refused() -> None:
    g = Given.in_memory()
    acct, ref = _withdrawal(g)
    for paid in (True, False):
        r = g.rejects(funds.ConfirmWithdrawal(ref, paid, account_id="A999999"), actor="bank")
        assert (r.code, r.field) == (Code.INVALID_FIELD, "account_id")
        assert r.message == f"bank reference W-1 is for account {acct}, the report names A999999"
    assert g.state.funds.withdrawals[ref] == (acct, 40_000)


def test_withdrawal_answer_stating_another_amount_is_refused() -> None:
    g = Given.in_memory()
    acct, ref = _withdrawal(g)
    r = g.rejects(funds.ConfirmWithdrawal(ref, True, amount=40_001), actor="bank")
    assert (r.code, r.field) == (Code.INVALID_FIELD, "amount")
    assert r.message == "bank reference W-1 is for 400.00 yuan, the report says 400.01 yuan"
    assert g.funds(acct)[funds.FundBucket.PENDING_WITHDRAWAL] == 40_000


def test_deposit_answer_naming_another_account_or_amount_is_refused() -> None:
    g = Given.in_memory()
    acct, ref = _instructed(g)
    for received in (True, False):
        r = g.rejects(funds.ConfirmDeposit(ref, received, account_id="A999999"), actor="bank")
        assert (r.code, r.field) == (Code.INVALID_FIELD, "account_id")
        assert f"is for account {acct}, the report names A999999" in r.message
        r = g.rejects(funds.ConfirmDeposit(ref, received, amount=1), actor="bank")
        assert (r.code, r.field) == (Code.INVALID_FIELD, "amount")
        assert r.message == "bank reference D-1 is for 250.00 yuan, the report says 0.01 yuan"
    assert g.state.funds.pending_deposits[ref] == (acct, 25_000)


def test_answer_stating_the_references_account_and_amount_is_posted() -> None:
    g = Given.in_memory()
    acct, ref = _withdrawal(g)
    g.ok(funds.ConfirmWithdrawal(ref, True, account_id=acct, amount=40_000), actor="bank")
    assert g.funds(acct)[funds.FundBucket.PENDING_WITHDRAWAL] == 0
    acct2, ref2 = _instructed(g)
    g.ok(funds.ConfirmDeposit(ref2, True, account_id=acct2, amount=25_000), actor="bank")
    assert g.funds(acct2)[funds.FundBucket.AVAILABLE] == 25_000


def test_answer_of_an_unknown_reference_is_refused_naming_the_reference() -> None:
    g = Given.in_memory()
    r = g.rejects(funds.ConfirmWithdrawal("NO-SUCH", True), actor="bank")
    assert (r.code, r.field) == (Code.UNKNOWN_TRANSACTION, "bank_ref")
    r = g.rejects(funds.ConfirmDeposit("NO-SUCH", False), actor="bank")
    assert (r.code, r.field) == (Code.UNKNOWN_TRANSACTION, "bank_ref")


def test_bank_credit_of_an_instructed_reference_to_another_account_is_refused() -> None:
    g = Given.in_memory()
    acct, ref = _instructed(g)
    other = g.account()
    r = g.rejects(funds.Deposit(other, 25_000, ref), actor="bank")
    assert (r.code, r.field) == (Code.INVALID_FIELD, "account_id")
    assert r.message == f"bank reference D-1 is for account {acct}, the report names {other}"
    r = g.rejects(funds.Deposit(acct, 25_001, ref), actor="bank")
    assert (r.code, r.field) == (Code.INVALID_FIELD, "amount")
    g.ok(funds.Deposit(acct, 25_000, ref), actor="bank")
    assert g.funds(acct)[funds.FundBucket.AVAILABLE] == 25_000
