"""Test fixtures in the language of the market: accounts, holdings, money."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any, ClassVar

from openets.bootstrap import Market, open_market
from openets.clearing import funds
from openets.domain.clock import SimulatedClock, parse_iso
from openets.domain.identity import make_resident_id, make_uscc
from openets.domain.rejection import Rejection
from openets.registry import commands as rc
from openets.registry.model import SubjectType

START = "2021-07-16T09:00+08:00"
_codes = count(1)


def fresh_uscc() -> str:
    return make_uscc(f"9137000{next(_codes):010d}")


def fresh_resident_id() -> str:
    return make_resident_id(f"110105198001{next(_codes) % 28 + 1:02d}{next(_codes) % 1000:03d}")


def _rules(rules: Mapping[str, object] | None) -> tuple[tuple[str, str], ...]:
    from openets.rule_overrides import encode

    return encode((rules or {}).items())


class Given:
    # Set by tests/pg.py for ``--db=postgres|sqlite``: a fresh database URL for each market.
    db_factory: ClassVar[Callable[[], str] | None] = None

    def __init__(self, market: Market, clock: SimulatedClock) -> None:
        self.market = market
        self.clock = clock

    @classmethod
    def in_memory(
        cls, start: str = START, preset: str = "cn", rules: Mapping[str, object] | None = None
    ) -> Given:
        """``rules``: rule-by-rule changes to the preset (dotted path -> value)."""
        clock = SimulatedClock(parse_iso(start))
        url = cls.db_factory() if cls.db_factory else None
        return cls(open_market(url, clock, preset=preset, rules=_rules(rules)), clock)

    @classmethod
    def on_db(
        cls, path: Path, start: str = START, preset: str = "cn",
        rules: Mapping[str, object] | None = None,
    ) -> Given:  # fmt: skip
        """A durable market: the SQLite file ``path``, or a fresh database of the chosen kind."""
        clock = SimulatedClock(parse_iso(start))
        url = cls.db_factory() if cls.db_factory else f"sqlite:///{path}"
        return cls(open_market(url, clock, preset=preset, rules=_rules(rules)), clock)

    @classmethod
    def on_sqlite(cls, path: Path, start: str = START) -> Given:
        clock = SimulatedClock(parse_iso(start))
        return cls(open_market(f"sqlite:///{path}", clock), clock)

    @property
    def engine(self) -> Any:
        return self.market.engine

    @property
    def state(self) -> Any:
        return self.market.state

    def ok(self, cmd: Any, actor: str = "op1") -> tuple[Any, ...]:
        r = self.engine.submit(cmd, actor)
        assert not isinstance(r, Rejection), f"unexpected rejection: {r}"
        self.holds()
        return r  # type: ignore[no-any-return]

    def rejects(self, cmd: Any, actor: str = "op1") -> Rejection:
        before = (self.state.last_seq, self.state.state_hash())
        r = self.engine.submit(cmd, actor)
        assert isinstance(r, Rejection), f"expected a rejection, got {r}"
        assert (self.state.last_seq, self.state.state_hash()) == before, "a rejection changed state"
        self.holds()
        return r

    def holds(self) -> None:
        """Every invariant of the market holds (conservation, locks, compliance)."""
        bad = self.state.violations()
        assert not bad, f"invariants violated after the command: {bad}"

    def account(
        self,
        *,
        tonnes: dict[str, int] | None = None,
        fen: int = 0,
        province: str = "山东",
        name: str = "测试电厂",
    ) -> str:
        ev = self.ok(rc.OpenAccount(SubjectType.ENTITY, name, fresh_uscc(), province))
        acct: str = ev[0].account_id
        for prod, q in (tonnes or {}).items():
            self.ok(rc.Issue(acct, prod, q, "test allocation"))
        if fen:
            self.deposit(acct, fen)
        return acct

    def deposit(self, acct: str, fen: int) -> None:
        self.ok(funds.Deposit(acct, fen, f"bank-{acct}-{self.state.last_seq}"))

    def instrument(self, code: str = "CEA19-20", reference: str = "48.00") -> str:
        from openets.domain.money import parse_yuan
        from openets.trading.commands import ListInstrument

        self.ok(ListInstrument(code, code, parse_yuan(reference)), actor="exchange")
        return code

    def end_of_day(self) -> None:
        from openets.ops.eod import run_end_of_day

        run_end_of_day(self.engine)

    def holding(self, acct: str, prod: str = "CEA19-20") -> list[int]:
        return list(self.state.registry.bucket(acct, prod))

    def funds(self, acct: str) -> list[int]:
        return list(self.state.funds.of(acct))

    def at(self, when: str) -> None:
        self.clock.advance(to=parse_iso(when))

    def now(self) -> datetime:
        return self.clock.now()
