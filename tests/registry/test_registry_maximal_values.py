"""Allowances at the edges of what is accepted (the largest quantity the API takes, issued,
transferred, surrendered and corrected many times over) never break the state hash, ``verify``,
``replay`` or ``backup``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dsl import START, Given
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openets.api.schemas.common import MAX_QUANTITY
from openets.bootstrap import open_market
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.rejection import Rejection
from openets.ops.backup import backup
from openets.ops.verify import replay_market, verify_market
from openets.registry import commands as rc

P = "CEA21"
quantities = st.one_of(
    st.just(MAX_QUANTITY), st.integers(MAX_QUANTITY - 10**6, MAX_QUANTITY), st.integers(1, 10)
)
ops = st.lists(
    st.tuples(st.sampled_from(("issue", "transfer", "surrender", "correct")), quantities),
    min_size=1,
    max_size=30,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=ops, issues=st.integers(1, 12))
def test_maximal_quantities_pass_state_hash_verify_replay_and_backup(
    ops: list[tuple[str, int]], issues: int
) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d)
        url = f"sqlite:///{path / 'market.db'}"
        clock = SimulatedClock(parse_iso(START))
        g = Given(open_market(url, clock), clock)
        a, b = g.account(), g.account()
        for _ in range(issues):  # the largest quantity, issued again and again
            g.ok(rc.Issue(a, P, MAX_QUANTITY, "maximal"))
        txs: list[str] = []
        for i, (kind, qty) in enumerate(ops):
            src, dst = (a, b) if i % 2 == 0 else (b, a)
            if kind == "issue":
                r = g.engine.submit(rc.Issue(dst, P, qty, "maximal"), "op1")
            elif kind == "transfer":
                r = g.engine.submit(rc.RequestTransfer(src, dst, P, qty, "m"), "op1")
                if not isinstance(r, Rejection):
                    r = g.engine.submit(rc.Decide(r[0].request_id, True), "op2")
            elif kind == "surrender":
                r = g.engine.submit(rc.Surrender(src, 2021, ((P, qty),)), "op1")
            else:
                tx = txs[i % len(txs)] if txs else "TX000000"
                r = g.engine.submit(rc.RequestCorrection(tx, "m"), "op1")
                if not isinstance(r, Rejection):
                    r = g.engine.submit(rc.Decide(r[0].request_id, True), "op2")
            if not isinstance(r, Rejection):
                txs += [e.tx_id for e in r if hasattr(e, "tx_id")]
        assert g.state.registry.issued(P) >= issues * MAX_QUANTITY
        assert g.state.violations() == []
        live = g.state.state_hash()
        g.engine.journal.close()
        ok, lines = verify_market(url)
        assert ok, lines
        _, replayed, _ = replay_market(url)
        assert replayed == live
        summary = backup(url, path / "backup.jsonl.gz")
        assert summary.state_hash == live
