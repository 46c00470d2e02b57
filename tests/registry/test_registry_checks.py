"""The check list of each registry transaction type, at request and again at approval."""

from dsl import Given

from openets.clearing import funds
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import AccountStatus, SystemRole

P = "CEA19-20"


def _retired(given: Given, qty: int = 100) -> tuple[str, str]:
    """A participant account that surrendered ``qty`` t, and the surrender account."""
    a = given.account(tonnes={P: qty + 100})
    given.ok(rc.Surrender(a, 2020, ((P, qty),)))
    sink = given.state.registry.system_account(SystemRole.SURRENDER)
    assert sink is not None
    return a, sink


def test_manual_transfer_out_of_the_surrender_account_is_rejected(given: Given) -> None:
    a, sink = _retired(given)
    r = given.rejects(rc.RequestTransfer(sink, a, P, 50, "return retired units"))
    assert r.code is Code.ACCOUNT_TYPE_NOT_ALLOWED and r.field == "from_account"
    assert sink in r.message and "surrender" in r.message
    assert given.state.registry.bucket(sink, P)[0] == 100


def test_manual_transfer_into_the_surrender_account_is_rejected(given: Given) -> None:
    a, sink = _retired(given)
    r = given.rejects(rc.RequestTransfer(a, sink, P, 10, "retire by hand"))
    assert r.code is Code.ACCOUNT_TYPE_NOT_ALLOWED and r.field == "to_account"
    assert "accepts only surrender" in r.message


def test_manual_transfer_into_the_cancellation_account_is_rejected(given: Given) -> None:
    a = given.account(tonnes={P: 10})
    sink = given.state.registry.system_account(SystemRole.CANCELLATION)
    r = given.rejects(rc.RequestTransfer(a, sink, P, 10, "cancel by hand"))
    assert r.code is Code.ACCOUNT_TYPE_NOT_ALLOWED and r.field == "to_account"


def test_issuance_into_the_surrender_account_is_rejected(given: Given) -> None:
    sink = given.state.registry.system_account(SystemRole.SURRENDER)
    r = given.rejects(rc.Issue(sink, P, 50, "retired without a surrender"))
    assert r.code is Code.ACCOUNT_TYPE_NOT_ALLOWED and r.field == "account_id"


def test_claw_back_from_the_surrender_account_is_rejected(given: Given) -> None:
    _, sink = _retired(given)
    r = given.rejects(rc.ClawBack(sink, P, 50, "unretire"))
    assert r.code is Code.ACCOUNT_TYPE_NOT_ALLOWED


def test_correction_of_a_surrender_is_rejected(given: Given) -> None:
    a = given.account(tonnes={P: 100})
    (tx,) = given.ok(rc.Surrender(a, 2020, ((P, 60),)))
    r = given.rejects(rc.RequestCorrection(tx.tx_id, "surrendered too much"))
    assert r.code is Code.NOT_CORRECTABLE and r.field == "tx_id"


def test_second_correction_of_a_transaction_while_the_first_is_pending_is_rejected(
    given: Given,
) -> None:
    a = given.account()
    (tx,) = given.ok(rc.Issue(a, P, 100, "x"))
    (first,) = given.ok(rc.RequestCorrection(tx.tx_id, "typo"), actor="alice")
    r = given.rejects(rc.RequestCorrection(tx.tx_id, "typo again"), actor="carol")
    assert r.code is Code.REVERSAL_PENDING and first.request_id in r.message
    given.ok(rc.Decide(first.request_id, True), actor="bob")
    assert given.holding(a, P)[0] == 0


def test_second_correction_requested_after_the_first_was_rejected_is_accepted(
    given: Given,
) -> None:
    a = given.account()
    (tx,) = given.ok(rc.Issue(a, P, 100, "x"))
    (first,) = given.ok(rc.RequestCorrection(tx.tx_id, "typo"), actor="alice")
    given.ok(rc.Decide(first.request_id, False, "not a typo"), actor="bob")
    given.ok(rc.RequestCorrection(tx.tx_id, "typo after all"), actor="alice")


def test_transfer_requested_before_the_source_is_restricted_does_not_post(given: Given) -> None:
    a = given.account(tonnes={P: 100})
    b = given.account()
    (req,) = given.ok(rc.RequestTransfer(a, b, P, 100, "x"), actor="alice")
    given.ok(rc.ChangeAccountStatus(a, AccountStatus.RESTRICTED, "investigation"))
    r = given.rejects(rc.Decide(req.request_id, True), actor="bob")
    assert r.code is Code.ACCOUNT_NOT_ACTIVE and r.field == "from_account"
    assert a in r.message and "restricted" in r.message
    assert given.holding(a, P)[0] == 100 and given.holding(b, P)[0] == 0


def test_transfer_requested_before_the_destination_is_closing_does_not_land(
    given: Given,
) -> None:
    a = given.account(tonnes={P: 100})
    b = given.account()
    (req,) = given.ok(rc.RequestTransfer(a, b, P, 100, "x"), actor="alice")
    given.ok(rc.ChangeAccountStatus(b, AccountStatus.CLOSING, "exit"))
    r = given.rejects(rc.Decide(req.request_id, True), actor="bob")
    assert r.code is Code.ACCOUNT_NOT_ACTIVE and r.field == "to_account"
    assert given.holding(b, P)[0] == 0


def test_account_named_in_a_pending_transfer_cannot_be_closed(given: Given) -> None:
    a = given.account(tonnes={P: 100})
    b = given.account()
    (req,) = given.ok(rc.RequestTransfer(a, b, P, 100, "x"), actor="alice")
    given.ok(rc.ChangeAccountStatus(b, AccountStatus.CLOSING, "exit"))
    r = given.rejects(rc.ChangeAccountStatus(b, AccountStatus.CLOSED, "exit"))
    assert r.code is Code.PENDING_TRANSACTIONS and req.request_id in r.message


def test_account_with_money_cannot_be_closed(given: Given) -> None:
    a = given.account(fen=100)
    given.ok(rc.ChangeAccountStatus(a, AccountStatus.CLOSING, "exit"))
    r = given.rejects(rc.ChangeAccountStatus(a, AccountStatus.CLOSED, "exit"))
    assert r.code is Code.OPEN_REQUESTS and "fund balance" in r.message


def test_account_with_an_unconfirmed_deposit_cannot_be_closed(given: Given) -> None:
    a = given.account()
    given.ok(funds.InstructDeposit(a, 100, "bank-close-1"))
    given.ok(rc.ChangeAccountStatus(a, AccountStatus.CLOSING, "exit"))
    r = given.rejects(rc.ChangeAccountStatus(a, AccountStatus.CLOSED, "exit"))
    assert r.code is Code.OPEN_REQUESTS and "bank-close-1" in r.message


def test_transfer_to_a_closed_account_is_rejected(given: Given) -> None:
    a = given.account(tonnes={P: 10})
    b = given.account()
    given.ok(rc.ChangeAccountStatus(b, AccountStatus.CLOSING, "exit"))
    given.ok(rc.ChangeAccountStatus(b, AccountStatus.CLOSED, "exit"))
    r = given.rejects(rc.RequestTransfer(a, b, P, 10, "x"))
    assert r.code is Code.ACCOUNT_NOT_ACTIVE and r.field == "to_account"


def test_correction_approval_rechecks_the_account_status(given: Given) -> None:
    a = given.account()
    (tx,) = given.ok(rc.Issue(a, P, 100, "x"))
    (req,) = given.ok(rc.RequestCorrection(tx.tx_id, "typo"), actor="alice")
    given.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    r = given.rejects(rc.Decide(req.request_id, True), actor="bob")
    assert r.code is Code.ACCOUNT_NOT_ACTIVE and given.holding(a, P)[0] == 100
