"""A registry transfer in must not take the receiver over its position limit (the preset
``cn-pilot-limits``: an entity may hold its allocation + 1,000,000 t), when it is requested and
again when it is approved; a transfer from an allocation account is allocation and raises the
limit as much. The ``cn`` preset enforces no position limit."""

from __future__ import annotations

from dsl import Given

from openets.domain.rejection import Code
from openets.registry import commands as rc
from openets.registry import port as registry_port
from openets.registry.model import SystemRole

CEA = "CEA19-20"


def _market(preset: str = "cn-pilot-limits") -> tuple[Given, str, str]:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    a = g.account(tonnes={CEA: 3_000_000})  # allocated: its limit is 4,000,000 t
    b = g.account(tonnes={CEA: 500_000})  # allocated: its limit is 1,500,000 t
    return g, a, b


def test_transfer_that_takes_the_receiver_over_its_position_limit_is_refused() -> None:
    g, a, b = _market()
    r = g.rejects(rc.RequestTransfer(a, b, CEA, 1_000_001, "sale off-market"))
    assert (r.code, r.field) == (Code.POSITION_LIMIT, "quantity")
    assert "would hold 1500001 t" in r.message and "this transfer 1000001 t" in r.message
    assert "limit of 1500000 t" in r.message
    g.ok(rc.RequestTransfer(a, b, CEA, 1_000_000, "sale off-market"))  # up to the limit


def test_transfer_approved_after_the_receiver_filled_its_limit_is_refused() -> None:
    g, a, b = _market()
    (first,) = g.ok(rc.RequestTransfer(a, b, CEA, 600_000, "one"), "op1")
    (second,) = g.ok(rc.RequestTransfer(a, b, CEA, 600_000, "two"), "op1")
    g.ok(rc.Decide(first.request_id, True, "seen"), "op2")
    r = g.rejects(rc.Decide(second.request_id, True, "seen"), "op2")
    assert (r.code, r.field) == (Code.POSITION_LIMIT, "quantity")
    assert g.holding(b)[0] == 1_100_000


def test_transfer_from_an_allocation_account_raises_the_limit_with_the_position() -> None:
    g, _, b = _market()
    national = registry_port.system_account(g.state, SystemRole.NATIONAL_ALLOCATION)
    g.ok(rc.Issue(national, CEA, 2_000_000, "national allocation"))
    (rq,) = g.ok(rc.RequestTransfer(national, b, CEA, 2_000_000, "allocation"), "op1")
    g.ok(rc.Decide(rq.request_id, True, "seen"), "op2")
    assert g.holding(b)[0] == 2_500_000


def test_transfer_in_the_cn_preset_knows_no_position_limit() -> None:
    g, a, b = _market("cn")
    (rq,) = g.ok(rc.RequestTransfer(a, b, CEA, 3_000_000, "sale off-market"), "op1")
    g.ok(rc.Decide(rq.request_id, True, "seen"), "op2")
    assert g.holding(b)[0] == 3_500_000
