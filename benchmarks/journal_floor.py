"""The journal's own cost per command: how fast ``Engine.submit`` could be if its rules were free.

Runs the shared standard workload through the engine (``benchmarks/adapters/openets_cda.py``,
as ``matching.py`` does) and keeps every command's events and journal records. Then, per
command, it does again only what the journal demands of any command, whatever its rules:
encode each event (``codec.encode_all``), link each record into the hash chain
(``openets.engine._chain.link``) and build its ``Record``. The chain it makes must end on the
engine's own last hash (else the run exits with ``MISMATCH``): the work measured is the real
one, byte for byte.

Prints, per command and per second of this process's CPU time:

* ``engine_submit_us_per_command``: the whole path, rules included (as ``matching.py``);
* ``journal_floor_us_per_command``: encoding, hash chain and records only, and
  ``journal_floor_encoding_us_per_command`` the encoding's part of it;
* ``journal_floor_commands_per_cpu_s``: the ceiling that the journal's work alone puts on
  ``PlaceOrder`` through ``Engine.submit``, with every rule free;
* ``events_per_command``: how many journal records a command of the workload makes.

    .venv/bin/python benchmarks/journal_floor.py [--quick]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from matching import SHARED_BENCH, info, load_adapters, load_workload  # noqa: E402
from openets.engine._chain import link  # noqa: E402

from benchmarks._bench import MISMATCH, bench  # noqa: E402
from openets.engine import codec  # noqa: E402
from openets.engine.collector import DEFAULT_GEN0, settle  # noqa: E402
from openets.engine.journal import Record  # noqa: E402

Captured = list[tuple[list[Record], list[Any]]]


def run_engine(n: int, seed: int) -> tuple[Captured, float, int]:
    """The workload through ``Engine.submit``: each command's records and events, the CPU
    seconds it took, and the number of commands."""
    events, _ = load_workload(n, seed)
    (ours,) = load_adapters(())[:1]
    adapter = ours()
    captured: Captured = []
    adapter.engine.subscribers.append(lambda recs, evs: captured.append((recs, list(evs))))
    settle(DEFAULT_GEN0)  # the collector as the server sets it once its market is recovered
    start = time.process_time()
    adapter.replay(events)
    cpu = time.process_time() - start
    gc.unfreeze()
    return captured, cpu, len(events)


def journal_work(captured: Captured) -> tuple[float, str]:
    """Encode, link and record every command's events again; (CPU seconds, the last hash)."""
    first = captured[0][0][0]
    prev = first.prev_hash
    new = tuple.__new__
    encode_all = codec.encode_all
    start = time.process_time()
    for records, events in captured:
        payloads = encode_all(events)
        seq, cmd_seq, ts, actor, _, _, idb, _, _ = records[0]
        head = f"|{cmd_seq}|{ts}|{actor}|".encode()
        for i, ev in enumerate(events):
            name = ev.journal_name
            h = link(prev, seq + i, head, name, payloads[i], idb)
            new(Record, (seq + i, cmd_seq, ts, actor, name, payloads[i], idb, prev, h))
            prev = h
            idb = b""
    return time.process_time() - start, prev


def encoding_work(captured: Captured) -> float:
    """The encoding part of :func:`journal_work` alone, in CPU seconds."""
    encode_all = codec.encode_all
    start = time.process_time()
    for _, events in captured:
        encode_all(events)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 events, 2 rounds")
    parser.add_argument("-n", type=int, default=200_000, help="workload events")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.rounds = 20_000, 2
    if not (SHARED_BENCH / "workload.py").is_file():
        info(f"no shared bench at {SHARED_BENCH}: the journal's floor is not measured")
        return 0
    captured, engine_cpu, commands = run_engine(args.n, args.seed)
    want = captured[-1][0][-1].hash
    records = sum(len(r) for r, _ in captured)
    floors: list[float] = []
    encoding = statistics.median(encoding_work(captured) for _ in range(args.rounds))
    for _ in range(args.rounds):
        cpu, last = journal_work(captured)
        if last != want:
            info(f"the journal's work again ends on {last}, the engine's on {want}")
            return MISMATCH
        floors.append(cpu)
    floor = statistics.median(floors)
    bench("engine_submit_us_per_command", engine_cpu / commands * 1e6, "us")
    bench("journal_floor_us_per_command", floor / commands * 1e6, "us")
    bench("journal_floor_encoding_us_per_command", encoding / commands * 1e6, "us")
    bench("journal_floor_commands_per_cpu_s", int(commands / floor), "commands/cpu-s")
    bench("journal_floor_share_of_submit", floor / engine_cpu, "x")
    bench("events_per_command", records / commands, "records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
