"""What waits for each role when the demo opens, made with the commands the API journals.

The demo starts at the beginning of its cycle's year of surrender (by default January 2026, the
2025 obligations; ``--year 2021``: July 2021, the first cycle): a dozen of the covered entities
are registered with a unit each, the regulator has run the pre-allocation of the cycle's first
year (issued national → provincial → entity), and their emission reports of that year stand at
every step — some waiting for the verifier of their provinces, some verified and waiting for
the regulator, some approved — while the final allocation is the regulator's to run and the
surrender deadline approaches. The three human traders get accounts of their own that no
agent trades on.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openets.clearing.funds import Deposit
from openets.compliance import mrv
from openets.compliance import run_messages as runs
from openets.compliance.plans import Category, Cooling, Sector
from openets.compliance.state import NATIONAL, ReportLine
from openets.domain.rejection import Rejection
from openets.registry import commands as rc
from openets.registry.model import SubjectType
from openets.sim.population_names import draw_uscc

PLAN, YEAR = "2019-2020", 2019
REGISTRY, REGULATOR_ACTOR = "demo-registry", "regulator"
BOOTSTRAP_ACTOR = "system"  # as ``openets users add`` appoints
TRADER_CASH_FEN = 10_000_000_00  # ten million yuan each
TRADER_TONNES = 200_000


@dataclass(frozen=True, slots=True)
class DemoWork:
    """What the demo's seeding left waiting (for the printed summary and the tests)."""

    entities: tuple[str, ...]
    provinces: tuple[str, ...]
    submitted: int
    verified: int
    approved: int
    year: int = YEAR


def _ok(engine: object, cmd: object, actor: str) -> tuple[object, ...]:
    r = engine.submit(cmd, actor)  # type: ignore[attr-defined]
    if isinstance(r, Rejection):
        raise RuntimeError(f"demo seeding: {type(cmd).__name__} refused: {r.code}: {r.message}")
    return tuple(r)


def _line(mwh: int, emissions_t: int) -> ReportLine:
    """One coal unit's year: output in kWh, load factor 80% in ppm."""
    return ReportLine("U1", emissions_t, mwh * 1000, 0, 0, 800_000)


def open_trader_accounts(engine: object, count: int, product: str) -> list[str]:
    """Accounts for the human traders (no agent trades on them), with cash and allowances."""
    out = []
    for i in range(1, count + 1):
        code = _uscc(i)
        ev = _ok(
            engine,
            rc.OpenAccount(SubjectType.INSTITUTION, f"演示交易账户{i}号有限公司", code, "北京"),
            REGISTRY,
        )
        acct: str = ev[0].account_id  # type: ignore[attr-defined]
        _ok(engine, Deposit(acct, TRADER_CASH_FEN, f"DEMO-TRADER-{i}"), f"trader{i}")
        _ok(engine, rc.Issue(acct, product, TRADER_TONNES, "demo trader's holding"), REGISTRY)
        out.append(acct)
    return out


def _uscc(i: int) -> str:
    """A valid unified social credit code (GB 32100) for the i-th demo trader."""
    return draw_uscc(random.Random(f"openets-demo-trader/{i}"), "110105")


def seed_work(
    engine: object,
    entities: Sequence[tuple[str, str, str]],
    verifier: str,
    plan: str = PLAN,
    year: int = YEAR,
) -> DemoWork:
    """Register ``entities`` ``(entity_id, account_id, province)``, appoint the regulator
    (national) and ``verifier`` (their provinces), pre-allocate ``year`` under ``plan`` and
    leave the reports at every step: the first third approved, the second verified, the rest
    submitted."""
    provinces = tuple(sorted({p for _, _, p in entities}))
    _ok(engine, mrv.AppointRegulator(REGULATOR_ACTOR, NATIONAL), BOOTSTRAP_ACTOR)
    _ok(engine, mrv.AppointVerifier(verifier, provinces), BOOTSTRAP_ACTOR)
    prior = []
    for n, (eid, acct, province) in enumerate(entities):
        _ok(
            engine,
            runs.RegisterCoveredEntity(
                eid, f"{province}演示电厂{n + 1:02d}", province, acct, Sector.POWER
            ),
            REGISTRY,
        )
        _ok(
            engine,
            runs.RegisterCoveredInstallation(
                eid, "U1", Sector.POWER, Category.COAL_300_PLUS, Cooling.WATER, 660_000
            ),
            REGISTRY,
        )
        prior.append(runs.EntityPrior(eid, (_line(_mwh(n), 0),)))
    _ok(engine, runs.RunPreAllocation(plan, year, tuple(prior)), REGULATOR_ACTOR)
    third = max(1, len(entities) // 3)
    counts = {"submitted": 0, "verified": 0, "approved": 0}
    for n, (eid, _, _) in enumerate(entities):
        lines = (_line(_mwh(n), _emissions(n)),)
        _ok(engine, runs.SubmitEmissionReport(eid, year, lines), f"owner-{eid}")
        if n < 2 * third:
            reason = "" if n % 2 else "燃煤低位热值复核，排放量按核查结果调整"
            checked = lines if not reason else (_line(_mwh(n), _emissions(n) + 1_000),)
            _ok(engine, mrv.VerifyReport(eid, year, checked, reason), verifier)
        if n < third:
            _ok(engine, mrv.ApproveReport(eid, year), REGULATOR_ACTOR)
            counts["approved"] += 1
        elif n < 2 * third:
            counts["verified"] += 1
        else:
            counts["submitted"] += 1
    return DemoWork(
        tuple(e for e, _, _ in entities),
        provinces,
        counts["submitted"],
        counts["verified"],
        counts["approved"],
        year,
    )


def _mwh(n: int) -> int:
    return 1_000_000 + 150_000 * (n % 7)


def _emissions(n: int) -> int:
    """Around the benchmark's 0.877 t/MWh, some above and some below their allocation."""
    return int(Decimal(_mwh(n)) * Decimal("0.86") + 20_000 * ((n % 5) - 2))
