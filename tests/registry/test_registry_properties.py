"""Invariants over random command sequences: conservation, no negative bucket, replay = live."""

from __future__ import annotations

from typing import Any

from dsl import Given
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openets.bootstrap import new_state
from openets.registry import commands as rc

PRODUCTS = ["CEA19-20", "CEA21", "CCER"]
N_ACCOUNTS = 4

qty = st.integers(min_value=-3, max_value=400)
acct = st.integers(min_value=0, max_value=N_ACCOUNTS)  # N_ACCOUNTS means an unknown account
prod = st.sampled_from([*PRODUCTS, "CEA18"])

commands = st.one_of(
    st.tuples(st.just("issue"), acct, prod, qty),
    st.tuples(st.just("clawback"), acct, prod, qty),
    st.tuples(st.just("transfer"), acct, acct, prod, qty),
    st.tuples(st.just("surrender"), acct, prod, qty),
    st.tuples(st.just("cancel"), acct, prod, qty),
    st.tuples(st.just("freeze"), acct, prod, qty),
    st.tuples(st.just("unfreeze"), acct, prod, qty),
    st.tuples(st.just("pledge"), acct, prod, qty),
    st.tuples(st.just("release"), acct, prod, qty),
    st.tuples(st.just("approve"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("correct"), st.integers(0, 30)),
)


def _to_command(g: Given, ids: list[str], op: tuple[Any, ...]) -> tuple[Any, str]:
    def a(i: int) -> str:
        return ids[i] if i < len(ids) else "A999999"

    kind = op[0]
    if kind == "issue":
        return rc.Issue(a(op[1]), op[2], op[3], "p"), "op1"
    if kind == "clawback":
        return rc.ClawBack(a(op[1]), op[2], op[3], "p"), "op1"
    if kind == "transfer":
        return rc.RequestTransfer(a(op[1]), a(op[2]), op[3], op[4], "p"), "op1"
    if kind == "surrender":
        return rc.Surrender(a(op[1]), 2021, ((op[2], op[3]),)), "op1"
    if kind == "cancel":
        return rc.CancelVoluntarily(a(op[1]), op[2], op[3], "p"), "op1"
    simple = {
        "freeze": rc.Freeze,
        "unfreeze": rc.Unfreeze,
        "pledge": rc.Pledge,
        "release": rc.ReleasePledge,
    }
    if kind in simple:
        return simple[kind](a(op[1]), op[2], op[3], "p"), "op1"
    if kind == "approve":
        pending = sorted(g.state.registry.pending)
        rid = pending[op[1] % len(pending)] if pending else "RQ000000"
        return rc.Decide(rid, op[2]), "op2"
    txs = sorted(g.state.registry.transactions)
    tid = txs[op[1] % len(txs)] if txs else "TX000000"
    return rc.RequestCorrection(tid, "p"), "op1"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=1, max_size=60))
def test_random_registry_commands_conserve_allowances_and_replay_to_the_same_hash(
    ops: list[tuple[Any, ...]],
) -> None:
    g = Given.in_memory()
    ids = [g.account() for _ in range(N_ACCOUNTS)]
    for op in ops:
        cmd, actor = _to_command(g, ids, op)
        before = g.state.last_seq
        r = g.engine.submit(cmd, actor)
        if isinstance(r, tuple) and r:
            assert g.state.last_seq > before
        assert g.state.registry.violations() == []
    journal = g.engine.journal
    fresh = new_state()
    g.engine.replay_into(fresh, journal.read())
    assert fresh.state_hash() == g.state.state_hash()
