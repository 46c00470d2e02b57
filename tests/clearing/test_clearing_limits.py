"""Money in and out at the edges of what is accepted: the largest values the engine takes
never break the state hash, ``verify``, ``replay`` or ``backup``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dsl import START, Given
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openets.bootstrap import open_market
from openets.clearing import funds
from openets.clearing.limits import MAX_ACCOUNT_FEN
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.rejection import Code, Rejection
from openets.ops.backup import backup
from openets.ops.verify import replay_market, verify_market


def _market(path: Path) -> tuple[Given, str]:
    url = f"sqlite:///{path / 'market.db'}"
    clock = SimulatedClock(parse_iso(START))
    return Given(open_market(url, clock), clock), url


def _verify_replay_backup(g: Given, url: str, out: Path) -> None:
    ok, lines = verify_market(url)
    assert ok, lines
    _, replayed, _ = replay_market(url)
    assert replayed == g.state.state_hash()
    summary = backup(url, out)
    assert summary.state_hash == replayed and out.stat().st_size > 0


def test_95_maximal_deposits_keep_verify_replay_and_backup_working(tmp_path: Path) -> None:
    g, url = _market(tmp_path)
    for i in range(95):
        acct = g.account()
        g.ok(funds.Deposit(acct, MAX_ACCOUNT_FEN, f"BIG-{i}"), actor="bank")
    assert -g.state.funds.bank_tally > 2**63  # past a 64-bit integer in all
    _verify_replay_backup(g, url, tmp_path / "backup.jsonl.gz")


def test_deposit_beyond_the_largest_balance_is_refused() -> None:
    g = Given.in_memory()
    acct = g.account()
    g.ok(funds.Deposit(acct, MAX_ACCOUNT_FEN, "B-1"), actor="bank")
    r = g.rejects(funds.Deposit(acct, 1, "B-2"), actor="bank")
    assert (r.code, r.field) == (Code.BALANCE_LIMIT, "amount")
    assert "999999999999999.99 yuan" in r.message


def test_state_hash_of_integers_past_64_bits_is_stable() -> None:
    g = Given.in_memory()
    g.state.funds.bank_tally = -(2**70)
    h = g.state.state_hash()
    assert h == g.state.state_hash()
    g.state.funds.bank_tally = -(2**70) - 1
    assert g.state.state_hash() != h


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    amounts=st.lists(
        st.one_of(
            st.just(MAX_ACCOUNT_FEN),
            st.integers(MAX_ACCOUNT_FEN - 10**6, MAX_ACCOUNT_FEN),
            st.integers(1, MAX_ACCOUNT_FEN),
        ),
        min_size=1,
        max_size=40,
    ),
    withdraw=st.lists(st.integers(1, MAX_ACCOUNT_FEN), max_size=5),
)
def test_maximal_accepted_values_pass_state_hash_verify_replay_and_backup(
    amounts: list[int], withdraw: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d)
        g, url = _market(path)
        accts = [g.account() for _ in range(3)]
        for i, amount in enumerate(amounts):
            g.engine.submit(funds.Deposit(accts[i % 3], amount, f"D-{i}"), "bank")
        for i, amount in enumerate(withdraw):
            r = g.engine.submit(funds.RequestWithdrawal(accts[i % 3], amount, f"W-{i}"), "op1")
            if not isinstance(r, Rejection):
                g.ok(funds.ConfirmWithdrawal(f"W-{i}", True), actor="bank")
        for a in accts:
            assert sum(g.state.funds.of(a)) <= MAX_ACCOUNT_FEN
        assert g.state.violations() == []
        _verify_replay_backup(g, url, path / "backup.jsonl.gz")
