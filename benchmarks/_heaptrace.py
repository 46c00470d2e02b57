"""Run ``openets`` with the heap traced; each SIGUSR1 writes a snapshot (for the soak's --heap).

    python benchmarks/_heaptrace.py DIR serve --db URL ...

Snapshots go to ``DIR/heap-N.snap`` (N from 1); the soak compares the first and the last to
name the lines whose allocations grew over the run.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import tracemalloc
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    taken = [0]

    def snapshot(_sig: int, _frame: FrameType | None) -> None:
        taken[0] += 1
        gc.collect()
        tracemalloc.take_snapshot().dump(str(out / f"heap-{taken[0]}.snap"))
        (out / f"heap-{taken[0]}.done").touch()

    tracemalloc.start(int(os.environ.get("OPENETS_HEAP_FRAMES", "1")))
    signal.signal(signal.SIGUSR1, snapshot)
    from openets.cli import app

    sys.argv = ["openets", *sys.argv[2:]]
    app()


if __name__ == "__main__":
    main()
