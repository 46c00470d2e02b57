"""Related-account links: a group has at least two accounts; only linked accounts are unlinked."""

from __future__ import annotations

from dsl import Given

from openets.domain.rejection import Code
from openets.supervision import messages as sm
from openets.supervision.port import sup


def test_link_group_of_one_account_is_rejected(given: Given) -> None:
    a = given.account()
    r = given.rejects(sm.LinkAccounts("集团乙", (a,), "alone"), "reg1")
    assert r.code is Code.INVALID_FIELD and r.field == "account_ids" and "two" in r.message


def test_link_group_naming_one_account_twice_is_rejected(given: Given) -> None:
    a = given.account()
    r = given.rejects(sm.LinkAccounts("集团乙", (a, a), "twice"), "reg1")
    assert r.code is Code.INVALID_FIELD


def test_one_account_joins_an_existing_link_group(given: Given) -> None:
    a, b, c = given.account(), given.account(), given.account()
    given.ok(sm.LinkAccounts("集团乙", (a, b), "same parent"), "reg1")
    given.ok(sm.LinkAccounts("集团乙", (c,), "bought by the group"), "reg1")
    assert sup(given.state).groups[c] == "集团乙"


def test_unlinking_an_unknown_account_is_rejected(given: Given) -> None:
    r = given.rejects(sm.UnlinkAccounts(("A999999",), "typo"), "reg1")
    assert r.code is Code.UNKNOWN_ACCOUNT and r.field == "account_ids[0]"


def test_unlinking_an_account_in_no_link_group_is_rejected(given: Given) -> None:
    a, b, c = given.account(), given.account(), given.account()
    given.ok(sm.LinkAccounts("集团乙", (a, b), "same parent"), "reg1")
    r = given.rejects(sm.UnlinkAccounts((a, c), "cleanup"), "reg1")
    assert r.code is Code.INVALID_STATE and r.field == "account_ids[1]" and c in r.message
    assert sup(given.state).groups[a] == "集团乙"
