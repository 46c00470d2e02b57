"""Scenario sweeps: scenario files checked before anything runs, deterministic runs on a
process pool, failures retried once and reported, the comparison report and Parquet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from openets.sim.scenarios import ScenarioError, parse_scenarios
from openets.sim.simulate import SimConfig
from openets.sim.sweep import RunResult, run_one, run_sweep

pytestmark = pytest.mark.db_free

TINY = """
[baseline]
year = 2021
entities = 8
days = 2

[scenario.more-holdouts]
params.holdout_ppm = 50000
"""


def test_scenario_changes_apply_to_the_baseline() -> None:
    base, more = parse_scenarios(TINY)
    assert (base.name, more.name) == ("baseline", "more-holdouts")
    assert base.config.entities == more.config.entities == 8
    assert more.config.params.holdout_ppm == 50_000 != base.config.params.holdout_ppm
    assert more.changes == (("params.holdout_ppm", 50_000),)


def test_scenario_with_an_unknown_key_is_refused_naming_scenario_and_key() -> None:
    with pytest.raises(ScenarioError, match=r"scenario 'x': unknown key 'entitys'"):
        parse_scenarios("[scenario.x]\nentitys = 3\n")
    with pytest.raises(ScenarioError, match=r"unknown agent parameter 'params.nope'"):
        parse_scenarios("[scenario.x]\nparams.nope = 3\n")


def test_scenario_value_of_the_wrong_type_is_refused_naming_the_value() -> None:
    with pytest.raises(ScenarioError, match=r"entities must be of type int, was '8'"):
        parse_scenarios('[baseline]\nentities = "8"\n')
    with pytest.raises(ScenarioError, match=r"buffer_ppm must be a list of 2 integers"):
        parse_scenarios("[scenario.x]\nparams.buffer_ppm = [1]\n")


def test_scenario_file_that_is_not_toml_is_refused() -> None:
    with pytest.raises(ScenarioError, match="not valid TOML"):
        parse_scenarios("[baseline\n")


def test_a_run_gives_the_same_state_hash_in_a_worker_process_and_in_process() -> None:
    scenarios = parse_scenarios(TINY)
    outcome = run_sweep(scenarios, seeds=2, workers=2)
    assert not outcome.failures and len(outcome.results) == 4
    here = {
        (s.name, seed): run_one(s.name, s.config, seed).state_hash
        for s in scenarios
        for seed in (1, 2)
    }
    assert {(r.scenario, r.seed): r.state_hash for r in outcome.results} == here


def flaky_runner(name: str, config: SimConfig, seed: int) -> RunResult:
    """Fails every time for seed 2; for seed 1, fails on the first attempt only."""
    marker = Path(os.environ["OPENETS_TEST_FLAKY_DIR"]) / f"{name}-{seed}"
    if seed == 2 or not marker.exists():
        marker.touch()
        raise RuntimeError(f"worker lost on {name} seed {seed}")
    return run_one(name, config, seed)


def test_a_failed_run_is_retried_once_and_reported_never_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENETS_TEST_FLAKY_DIR", str(tmp_path))
    scenarios = parse_scenarios(TINY)[:1]
    outcome = run_sweep(scenarios, seeds=2, workers=2, runner=flaky_runner)
    assert [(r.seed, r.attempts) for r in outcome.results] == [(1, 2)]
    assert [(f.seed, f.attempts) for f in outcome.failures] == [(2, 2)]
    assert "worker lost on baseline seed 2" in outcome.failures[0].error


def test_sweep_command_writes_the_comparison_report_and_parquet(tmp_path: Path) -> None:
    spec = tmp_path / "scenarios.toml"
    spec.write_text(TINY, encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, "-m", "openets.cli", "sweep", "--scenarios", str(spec),
         "--seeds", "4", "--out", str(out), "--workers", "2"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "[8/8]" in r.stderr and "8 runs, 0 failed" in r.stdout  # 2 scenarios × 4 seeds
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "more-holdouts" in report and "`params.holdout_ppm` = 50000" in report
    assert (out / "price_paths.png").stat().st_size > 0
    table = pq.read_table(out / "runs.parquet").to_pylist()
    assert len(table) == 2 * 4 * 2  # scenarios × seeds × days
    assert {row["scenario"] for row in table} == {"baseline", "more-holdouts"}


def test_sweep_command_refuses_a_bad_scenario_file_before_running(tmp_path: Path) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text("[scenario.x]\nmakers = -\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "openets.cli", "sweep", "--scenarios", str(spec),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 2 and "not valid TOML" in r.stderr
    assert not (tmp_path / "out").exists()
