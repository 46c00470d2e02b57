from dsl import Given, fresh_resident_id, fresh_uscc

from openets.domain.identity import make_uscc
from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry.model import AccountStatus, SubjectType


def _open(code: str, subject: SubjectType = SubjectType.ENTITY) -> rc.OpenAccount:
    return rc.OpenAccount(subject, "某某热电有限公司", code, "山东")


def test_credit_code_with_valid_check_character_opens_an_active_account(given: Given) -> None:
    ev = given.ok(_open("91350100M000100Y43"))
    assert given.state.registry.accounts[ev[0].account_id].status is AccountStatus.ACTIVE


def test_credit_code_with_wrong_check_character_is_rejected(given: Given) -> None:
    r = given.rejects(_open("91350100M000100Y44"))
    assert r.code is Code.INVALID_ID_CODE and r.field == "id_code"
    assert "'4'" in r.message and "'3'" in r.message


def test_credit_code_of_17_characters_is_rejected(given: Given) -> None:
    r = given.rejects(_open("91350100M000100Y4"))
    assert r.code is Code.INVALID_ID_CODE and "18 characters" in r.message


def test_credit_code_with_letter_o_is_rejected(given: Given) -> None:
    r = given.rejects(_open(make_uscc("91350100M000100Y4")[:9] + "O" + "00100Y43"))
    assert r.code is Code.INVALID_ID_CODE


def test_resident_id_with_valid_check_digit_opens_an_individual_account(given: Given) -> None:
    given.ok(_open("11010519491231002X", SubjectType.INDIVIDUAL))


def test_resident_id_with_wrong_check_digit_is_rejected(given: Given) -> None:
    r = given.rejects(_open("110105194912310021", SubjectType.INDIVIDUAL))
    assert r.code is Code.INVALID_ID_CODE and "GB 11643" in r.message


def test_resident_id_with_impossible_birth_date_is_rejected(given: Given) -> None:
    r = given.rejects(_open("110105194913310021", SubjectType.INDIVIDUAL))
    assert r.code is Code.INVALID_ID_CODE and "birth date" in r.message


def test_second_account_for_the_same_subject_is_rejected(given: Given) -> None:
    code = fresh_uscc()
    given.ok(_open(code))
    r = given.rejects(_open(code))
    assert r.code is Code.DUPLICATE_SUBJECT


def test_unknown_province_is_rejected(given: Given) -> None:
    r = given.rejects(rc.OpenAccount(SubjectType.ENTITY, "x", fresh_uscc(), "Atlantis"))
    assert r.code is Code.INVALID_FIELD and r.field == "province"


def test_applied_account_becomes_active_when_approved(given: Given) -> None:
    ev = given.ok(
        rc.OpenAccount(SubjectType.INDIVIDUAL, "张三", fresh_resident_id(), "北京", activate=False)
    )
    acct = ev[0].account_id
    assert given.state.registry.accounts[acct].status is AccountStatus.APPLIED
    given.ok(rc.ChangeAccountStatus(acct, AccountStatus.ACTIVE, "documents checked"))
    assert given.state.registry.accounts[acct].status is AccountStatus.ACTIVE


def test_applied_account_cannot_receive_issuance(given: Given) -> None:
    ev = given.ok(rc.OpenAccount(SubjectType.ENTITY, "x", fresh_uscc(), "北京", activate=False))
    r = given.rejects(rc.Issue(ev[0].account_id, "CEA21", 10, "alloc"))
    assert r.code is Code.ACCOUNT_NOT_ACTIVE


def test_account_lifecycle_cannot_jump_from_applied_to_frozen(given: Given) -> None:
    ev = given.ok(rc.OpenAccount(SubjectType.ENTITY, "x", fresh_uscc(), "北京", activate=False))
    r = given.rejects(rc.ChangeAccountStatus(ev[0].account_id, AccountStatus.FROZEN, "x"))
    assert r.code is Code.INVALID_STATE


def test_account_with_holdings_cannot_be_closed(given: Given) -> None:
    acct = given.account(tonnes={"CEA21": 5})
    given.ok(rc.ChangeAccountStatus(acct, AccountStatus.CLOSING, "exit"))
    r = given.rejects(rc.ChangeAccountStatus(acct, AccountStatus.CLOSED, "exit"))
    assert r.code is Code.INVALID_STATE and "CEA21" in r.message


def test_empty_closing_account_is_closed(given: Given) -> None:
    acct = given.account()
    given.ok(rc.ChangeAccountStatus(acct, AccountStatus.CLOSING, "exit"))
    given.ok(rc.ChangeAccountStatus(acct, AccountStatus.CLOSED, "exit"))
    assert given.state.registry.accounts[acct].status is AccountStatus.CLOSED


def test_frozen_account_cannot_send_a_transfer(given: Given) -> None:
    a = given.account(tonnes={"CEA21": 50})
    b = given.account()
    given.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    r = given.rejects(rc.RequestTransfer(a, b, "CEA21", 10, "gift"))
    assert r.code is Code.ACCOUNT_NOT_ACTIVE


def test_genesis_opens_every_system_account_once(given: Given) -> None:
    from openets.registry.genesis_service import Genesis
    from openets.registry.model import SystemRole

    reg = given.state.registry
    for role in SystemRole:
        if role is not SystemRole.PROVINCIAL_ALLOCATION:
            assert reg.system_account(role) is not None
    assert reg.system_account(SystemRole.PROVINCIAL_ALLOCATION, "广东") is not None
    before = given.state.last_seq
    assert given.engine.submit(Genesis(), "system") == ()
    assert given.state.last_seq == before
