"""Sweeps: every scenario × seed as an independent, deterministic run, on a process pool.

    outcome = run_sweep(scenarios, seeds=4, workers=2, progress=print_progress)

Each run is ``run_simulation`` of the scenario's set-up with one seed, in memory, in a worker
process; the same scenario and seed give the same state hash on any machine. Results stream
back as they finish. A run that fails is retried once; if it fails again it is reported in the
outcome (with its error), never dropped silently.

With ``ray_address`` the runs go to a Ray cluster instead of the local pool
(:mod:`openets.sim.sweep_ray`); every node needs OpenETS installed, as the workers import it.
"""

from __future__ import annotations

import dataclasses
import os
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from openets.sim.report import summary
from openets.sim.scenarios import Scenario
from openets.sim.simulate import SimConfig, run_simulation
from openets.supervision.reserve_messages import ReserveRuleApplied

Progress = Callable[[int, int, "RunResult | RunFailure"], None]


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: str
    close_fen: int
    volume_t: int
    surrendered_t: int


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a sweep keeps of one run: the headline figures and the daily path."""

    scenario: str
    seed: int
    seconds: float
    volume_t: int
    value_fen: int
    average_fen: int | None
    close_fen: int | None
    compliance_ppm: int
    non_compliant: int
    fines_min_fen: int
    fines_max_fen: int
    obligation_t: int
    state_hash: str
    days: tuple[DayFigures, ...]
    attempts: int = 1
    reserve_out_t: int = 0
    """Tonnes the stability mechanisms released (MSR releases, band releases and tier sales put
    on offer, CCR added to sales)."""
    reserve_in_t: int = 0
    """Tonnes they took in or decided to buy back (MSR intakes, ECR withheld, band buy-backs)."""
    reserve_refused: int = 0
    """Operations decided but not carried out (an empty reserve, no proceeds to buy with)."""


@dataclass(frozen=True, slots=True)
class RunFailure:
    scenario: str
    seed: int
    error: str
    attempts: int


@dataclass
class SweepOutcome:
    scenarios: tuple[Scenario, ...]
    seeds: tuple[int, ...]
    results: list[RunResult] = field(default_factory=list)
    failures: list[RunFailure] = field(default_factory=list)
    seconds: float = 0.0


OUT = ("release", "released")
IN = ("intake", "buffer", "withheld", "buy_back")


def reserve_flows(actions: Sequence[ReserveRuleApplied]) -> tuple[int, int, int]:
    """(tonnes released less what came back unsold, tonnes taken in or bought back, operations
    refused) of a run."""
    done = [a for a in actions if not a.note]
    out_t = sum(a.moved for a in done if a.decision in OUT or a.decision.startswith("tier"))
    out_t -= sum(a.moved for a in done if a.decision == "returned")  # unsold, back
    in_t = sum(a.decided if a.decision == "buy_back" else a.moved for a in done
               if a.decision in IN)  # fmt: skip
    return out_t, in_t, len(actions) - len(done)


def run_one(scenario: str, config: SimConfig, seed: int) -> RunResult:
    """One run of a sweep (in a worker process): the scenario's set-up with ``seed``."""
    result = run_simulation(dataclasses.replace(config, seed=seed, db_url=None))
    s = summary(result)
    volumes: dict[str, int] = {}
    for day, _method, _price, qty, _ in result.trades:
        volumes[day] = volumes.get(day, 0) + qty
    closes = {b.day: b.close for b in result.bars}
    days = tuple(
        DayFigures(d.isoformat(), closes.get(d.isoformat(), 0), volumes.get(d.isoformat(), 0), sur)
        for d, sur in zip(result.days, result.surrendered, strict=True)
    )
    p = result.penalties
    out_t, in_t, refused = reserve_flows(result.reserve_actions)
    return RunResult(
        scenario=scenario,
        seed=seed,
        seconds=result.seconds,
        volume_t=s["volume_t"],
        value_fen=s["value_fen"],
        average_fen=s["average_fen"],
        close_fen=s["close_fen"],
        compliance_ppm=s["compliance_ppm"],
        non_compliant=p.non_compliant,
        fines_min_fen=p.fine_min_fen,
        fines_max_fen=p.fine_max_fen,
        obligation_t=s["obligation_t"],
        state_hash=result.state_hash,
        days=days,
        reserve_out_t=out_t,
        reserve_in_t=in_t,
        reserve_refused=refused,
    )


def _error(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def run_sweep(
    scenarios: Sequence[Scenario],
    seeds: int | Sequence[int],
    workers: int | None = None,
    progress: Progress | None = None,
    runner: Callable[[str, SimConfig, int], RunResult] = run_one,
    ray_address: str | None = None,
) -> SweepOutcome:
    """Run every scenario × seed on a pool of ``workers`` processes (default: one per core).

    ``seeds``: a count (seeds 1..N) or the seeds themselves. ``runner`` is the function a
    worker runs (a module-level function, so it can be sent to another process)."""
    seed_list = tuple(range(1, seeds + 1)) if isinstance(seeds, int) else tuple(seeds)
    if not seed_list:
        raise ValueError("seeds must give at least one seed")
    if not scenarios:
        raise ValueError("a sweep needs at least one scenario")
    outcome = SweepOutcome(tuple(scenarios), seed_list)
    jobs = [(s.name, s.config, seed) for s in scenarios for seed in seed_list]
    total = len(jobs)
    started = time.perf_counter()
    if ray_address is not None:
        from openets.sim.sweep_ray import run_on_ray

        run_on_ray(ray_address, jobs, runner, outcome, progress)
        return _finish(outcome, scenarios, started)
    n = workers or min(total, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=n) as pool:
        pending: dict[Future[RunResult], tuple[str, SimConfig, int, int]] = {
            pool.submit(runner, *job): (*job, 1) for job in jobs
        }
        done = 0
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                name, config, seed, attempt = pending.pop(fut)
                try:
                    got: RunResult | RunFailure = dataclasses.replace(
                        fut.result(), attempts=attempt
                    )
                except Exception as exc:  # a run's bug or a lost worker: retry once
                    if attempt == 1:
                        pending[pool.submit(runner, name, config, seed)] = (
                            name, config, seed, 2,
                        )  # fmt: skip
                        continue
                    got = RunFailure(name, seed, _error(exc), attempt)
                if isinstance(got, RunResult):
                    outcome.results.append(got)
                else:
                    outcome.failures.append(got)
                done += 1
                if progress is not None:
                    progress(done, total, got)
    return _finish(outcome, scenarios, started)


def _finish(outcome: SweepOutcome, scenarios: Sequence[Scenario], started: float) -> SweepOutcome:
    order = {s.name: i for i, s in enumerate(scenarios)}
    outcome.results.sort(key=lambda r: (order[r.scenario], r.seed))
    outcome.failures.sort(key=lambda r: (order[r.scenario], r.seed))
    outcome.seconds = time.perf_counter() - started
    return outcome
