from dsl import Given

from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import Bucket, SystemRole, TxType


def _holding(given: Given, acct: str, prod: str = "CEA21") -> list[int]:
    return list(given.state.registry.bucket(acct, prod))


def test_issuance_credits_the_available_bucket(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 1000})
    assert _holding(given, a) == [1000, 0, 0, 0, 0]
    assert given.state.registry.issued("CEA21") == 1000


def test_issuance_of_zero_tonnes_is_rejected(given: Given) -> None:
    a = given.account()
    r = given.rejects(rc.Issue(a, "CEA21", 0, "x"))
    assert r.code is Code.INVALID_QUANTITY and "was 0" in r.message


def test_issuance_of_negative_tonnes_is_rejected(given: Given) -> None:
    a = given.account()
    assert given.rejects(rc.Issue(a, "CEA21", -5, "x")).code is Code.INVALID_QUANTITY


def test_issuance_of_fractional_tonnes_is_rejected(given: Given) -> None:
    a = given.account()
    r = given.rejects(rc.Issue(a, "CEA21", 1.5, "x"))  # type: ignore[arg-type]
    assert r.code is Code.INVALID_QUANTITY and "1.5" in r.message


def test_issuance_to_unknown_account_is_rejected(given: Given) -> None:
    r = given.rejects(rc.Issue("A999999", "CEA21", 5, "x"))
    assert r.code is Code.UNKNOWN_ACCOUNT and "A999999" in r.message


def test_issuance_of_unknown_product_is_rejected(given: Given) -> None:
    a = given.account()
    r = given.rejects(rc.Issue(a, "EUA", 5, "x"))
    assert r.code is Code.UNKNOWN_PRODUCT and "EUA" in r.message


def test_claw_back_returns_allowances_to_the_issuer(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 100})
    given.ok(rc.ClawBack(a, "CEA21", 30, "true-up"))
    assert _holding(given, a)[0] == 70
    assert given.state.registry.issued("CEA21") == 70


def test_claw_back_beyond_available_is_rejected(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 10})
    assert given.rejects(rc.ClawBack(a, "CEA21", 11, "x")).code is Code.INSUFFICIENT_HOLDINGS


def test_transfer_takes_effect_only_after_a_second_person_approves(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 100})
    b = given.account()
    (req,) = given.ok(rc.RequestTransfer(a, b, "CEA21", 40, "merger"), actor="alice")
    assert _holding(given, b)[0] == 0
    given.ok(rc.Decide(req.request_id, True, "checked"), actor="bob")
    assert _holding(given, a)[0] == 60 and _holding(given, b)[0] == 40


def test_transfer_approved_by_its_initiator_is_rejected(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 100})
    b = given.account()
    (req,) = given.ok(rc.RequestTransfer(a, b, "CEA21", 40, "merger"), actor="alice")
    r = given.rejects(rc.Decide(req.request_id, True), actor="alice")
    assert r.code is Code.SAME_PERSON_APPROVAL


def test_rejected_transfer_moves_nothing(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 100})
    b = given.account()
    (req,) = given.ok(rc.RequestTransfer(a, b, "CEA21", 40, "x"), actor="alice")
    given.ok(rc.Decide(req.request_id, False, "no contract"), actor="bob")
    assert _holding(given, a)[0] == 100 and not given.state.registry.pending


def test_transfer_beyond_available_is_rejected(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 10})
    b = given.account()
    r = given.rejects(rc.RequestTransfer(a, b, "CEA21", 11, "x"))
    assert r.code is Code.INSUFFICIENT_HOLDINGS and "10 t" in r.message


def test_transfer_approval_rechecks_holdings(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 10})
    b = given.account()
    (req,) = given.ok(rc.RequestTransfer(a, b, "CEA21", 10, "x"), actor="alice")
    given.ok(rc.Freeze(a, "CEA21", 5, "court"))
    r = given.rejects(rc.Decide(req.request_id, True), actor="bob")
    assert r.code is Code.INSUFFICIENT_HOLDINGS


def test_correction_reverses_a_transaction_after_approval(given: Given) -> None:
    a = given.account()
    (tx,) = given.ok(rc.Issue(a, "CEA21", 500, "typo: meant 50"))
    (req,) = given.ok(rc.RequestCorrection(tx.tx_id, "wrong quantity"), actor="alice")
    (_, rev) = given.ok(rc.Decide(req.request_id, True), actor="bob")
    assert rev.tx_type is TxType.CORRECTION and rev.ref == tx.tx_id
    assert _holding(given, a)[0] == 0 and given.state.registry.issued("CEA21") == 0


def test_correction_of_a_reversed_transaction_is_rejected(given: Given) -> None:
    a = given.account()
    (tx,) = given.ok(rc.Issue(a, "CEA21", 500, "x"))
    (req,) = given.ok(rc.RequestCorrection(tx.tx_id, "x"), actor="alice")
    given.ok(rc.Decide(req.request_id, True), actor="bob")
    assert given.rejects(rc.RequestCorrection(tx.tx_id, "again")).code is Code.ALREADY_DONE


def test_surrender_retires_allowances_into_the_surrender_account(given: Given) -> None:
    a = given.account(tonnes={"CEA19-20": 100})
    given.ok(rc.Surrender(a, 2020, (("CEA19-20", 60),)))
    reg = given.state.registry
    sink = reg.system_account(SystemRole.SURRENDER)
    assert _holding(given, a, "CEA19-20")[0] == 40
    assert reg.bucket(sink, "CEA19-20")[0] == 60
    assert not reg.violations()


def test_surrender_beyond_available_is_rejected(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 10})
    r = given.rejects(rc.Surrender(a, 2021, (("CEA21", 6), ("CEA21", 6))))
    assert r.code is Code.INSUFFICIENT_HOLDINGS


def test_voluntary_cancellation_retires_allowances(given: Given) -> None:
    a = given.account(tonnes={"CCER": 10})
    given.ok(rc.CancelVoluntarily(a, "CCER", 4, "carbon neutral event"))
    assert _holding(given, a, "CCER")[0] == 6


def test_judicial_freeze_moves_available_to_frozen_and_back(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 10})
    given.ok(rc.Freeze(a, "CEA21", 7, "court order 123"))
    assert _holding(given, a) == [3, 0, 0, 0, 7]
    given.ok(rc.Unfreeze(a, "CEA21", 7, "lifted"))
    assert _holding(given, a) == [10, 0, 0, 0, 0]


def test_pledge_moves_available_to_pledged_and_release_returns_it(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 10})
    given.ok(rc.Pledge(a, "CEA21", 4, "loan 1"))
    assert _holding(given, a)[Bucket.PLEDGED] == 4
    given.ok(rc.ReleasePledge(a, "CEA21", 4, "repaid"))
    assert _holding(given, a)[Bucket.AVAILABLE] == 10


def test_freeze_beyond_available_is_rejected(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 3})
    assert given.rejects(rc.Freeze(a, "CEA21", 4, "x")).code is Code.INSUFFICIENT_HOLDINGS
