"""The in-memory journal keeps its committed records flat: the same records read back, the same
last record, and no object per record for the garbage collector to track."""

from __future__ import annotations

import gc

from openets.engine.journal import GENESIS, MemoryJournal, Record


def _records(first: int, n: int) -> list[Record]:
    return [
        Record(s, s, 1_000 + s, "op1", "X", b'{"n":%d}' % s, b"" if s % 2 else b'{"O":1}',
               f"{s - 1:064d}", f"{s:064d}")
        for s in range(first, first + n)
    ]


def test_the_memory_journal_reads_back_what_it_committed_and_drops_what_it_rolled_back() -> None:
    j = MemoryJournal()
    assert j.last() == (0, 0, GENESIS) and list(j.read()) == []
    j.append(_records(1, 3))
    assert j.last() == (3, 3, f"{3:064d}")  # staged, not committed yet
    assert len(j) == 0
    j.commit()
    j.append(_records(4, 2))
    j.rollback()
    assert len(j) == 3 and j.last() == (3, 3, f"{3:064d}")
    j.append(_records(4, 2))
    j.commit()
    back = list(j.read())
    assert back == _records(1, 5) and all(type(r) is Record for r in back)
    assert list(j.read(after_seq=3)) == _records(4, 2)
    assert back[-1].hash == f"{5:064d}" and back[0].ids == b""


def test_the_memory_journal_keeps_no_tracked_object_per_committed_record() -> None:
    j = MemoryJournal()
    batches = [_records(first, 10) for first in range(1, 5_001, 10)]
    gc.collect()
    gc.disable()  # what is tracked between two passes of the collector, as a command leaves it
    try:
        before = len(gc.get_objects())
        for batch in batches:
            j.append(batch)
            j.commit()
        grown = len(gc.get_objects()) - before
    finally:
        gc.enable()
    assert len(list(j.read())) == 5_000
    assert grown < 100  # a tuple a record would be 5,000


def test_an_empty_memory_journal_is_kept_where_a_journal_is_optional() -> None:
    j = MemoryJournal()
    assert (j or None) is j
