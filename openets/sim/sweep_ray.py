"""A sweep's runs on a Ray cluster (``openets sweep --ray ADDRESS``).

Each scenario × seed is one Ray task, submitted at once; results are taken as they finish
(``ray.wait``), a failed task is submitted again once, and a second failure is reported in the
outcome with its error. The tasks are the same deterministic runs as on the local pool, so a
run gives the same state hash on any node. Ray comes from PyPI (``pip install ray``).
"""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openets.sim.simulate import SimConfig
    from openets.sim.sweep import Progress, RunResult, SweepOutcome


def _connect(ray: Any, address: str, attempts: int = 3, pause_s: float = 2.0) -> None:
    """Join the cluster; a head still starting (or a loaded machine) gets two more tries."""
    for attempt in range(1, attempts + 1):
        try:
            ray.init(address=address, log_to_driver=False, include_dashboard=False)
            return
        except Exception as exc:
            if attempt == attempts:
                raise ValueError(f"cannot reach the Ray cluster at {address!r}: {exc}") from None
            ray.shutdown()
            time.sleep(pause_s)


def run_on_ray(
    address: str,
    jobs: Sequence[tuple[str, SimConfig, int]],
    runner: Callable[[str, SimConfig, int], RunResult],
    outcome: SweepOutcome,
    progress: Progress | None,
) -> None:
    """Run ``jobs`` on the cluster at ``address``; results and failures go into ``outcome``."""
    from openets.sim.sweep import RunFailure

    try:
        import ray
    except ImportError:
        raise ValueError(
            "--ray needs the ray package on this machine and on the cluster (pip install ray)"
        ) from None
    _reachable(address)
    _connect(ray, address)
    try:
        task = ray.remote(max_retries=0)(runner)
        pending: dict[Any, tuple[str, SimConfig, int, int]] = {
            task.remote(*job): (*job, 1) for job in jobs
        }
        done = 0
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            ref = ready[0]
            name, config, seed, attempt = pending.pop(ref)
            try:
                got: RunResult | RunFailure = dataclasses.replace(ray.get(ref), attempts=attempt)
            except Exception as exc:  # the run's error, or a lost node: retry once
                if attempt == 1:
                    pending[task.remote(name, config, seed)] = (name, config, seed, 2)
                    continue
                got = RunFailure(name, seed, f"{type(exc).__name__}: {exc}"[:500], attempt)
            if isinstance(got, RunFailure):
                outcome.failures.append(got)
            else:
                outcome.results.append(got)
            done += 1
            if progress is not None:
                progress(done, len(jobs), got)
    finally:
        ray.shutdown()


def _reachable(address: str, timeout: float = 5.0) -> None:
    """Refuse at once an address nobody answers at (Ray itself keeps retrying for minutes)."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"--ray must be HOST:PORT of the cluster's head, was {address!r}")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as exc:
        raise ValueError(f"cannot reach the Ray cluster at {address!r}: {exc}") from None
