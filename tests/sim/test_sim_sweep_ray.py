"""A sweep on a Ray cluster: a local Ray head started by the test, the same runs and state
hashes as on the local process pool."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.db_free

pytest.importorskip("ray", reason="the ray package is not installed")

RAY = Path(sys.executable).parent / "ray"
ENV = {**os.environ, "RAY_AUTH_MODE": "disabled"}
"""A throwaway head on the loopback: no token (a real cluster keeps Ray's token auth)."""
TINY = """
[baseline]
year = 2021
entities = 8
days = 2

[scenario.makers]
makers = 1
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ray_head() -> Iterator[str]:
    port = _free_port()
    # A short directory of its own: ray's socket paths under it must stay within the 107 bytes
    # of a unix socket's name, which pytest's numbered temporary folders can pass.
    temp = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))
    start = subprocess.run(
        [str(RAY), "start", "--head", f"--port={port}", "--num-cpus=2",
         "--node-ip-address=127.0.0.1", "--include-dashboard=false", "--disable-usage-stats",
         f"--temp-dir={temp}"],
        capture_output=True, text=True, timeout=120, env=ENV,
    )  # fmt: skip
    assert start.returncode == 0, start.stdout + start.stderr
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(RAY), "stop", "--force"], capture_output=True, timeout=120, env=ENV)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.slow
def test_sweep_on_a_local_ray_head_gives_the_pool_runs(ray_head: str, tmp_path: Path) -> None:
    spec = tmp_path / "scenarios.toml"
    spec.write_text(TINY, encoding="utf-8")
    hashes = {}
    for where, extra in (("ray", ["--ray", ray_head]), ("pool", ["--workers", "2"])):
        out = tmp_path / where
        r = subprocess.run(
            [sys.executable, "-m", "openets.cli", "sweep", "--scenarios", str(spec),
             "--seeds", "4", "--out", str(out), *extra],
            capture_output=True, text=True, timeout=600, env=ENV,
        )  # fmt: skip
        assert r.returncode == 0, r.stdout + r.stderr
        assert "8 runs, 0 failed" in r.stdout  # 2 scenarios × 4 seeds
        runs = json.loads((out / "summary.json").read_text())["runs"]
        hashes[where] = {(x["scenario"], x["seed"]): x["state_hash"] for x in runs}
    assert hashes["ray"] == hashes["pool"] and len(hashes["ray"]) == 8


def test_sweep_with_an_unreachable_ray_address_is_a_clear_error(tmp_path: Path) -> None:
    spec = tmp_path / "scenarios.toml"
    spec.write_text(TINY, encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "openets.cli", "sweep", "--scenarios", str(spec), "--seeds", "1",
         "--out", str(tmp_path / "out"), "--ray", f"127.0.0.1:{_free_port()}"],
        capture_output=True, text=True, timeout=300, env=ENV,
    )  # fmt: skip
    assert r.returncode == 2 and "cannot reach the Ray cluster" in r.stderr, r.stderr[-2000:]
