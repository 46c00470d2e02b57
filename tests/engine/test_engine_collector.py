"""The collector as a server settles it (openets.engine.collector): the recovered market
frozen, the youngest generation larger, and cyclic garbage made afterwards still freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from openets.engine.collector import DEFAULT_GEN0, settle

pytestmark = pytest.mark.db_free


@pytest.fixture
def restored() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    try:
        yield before
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_settling_freezes_what_is_alive_and_enlarges_the_young_generation(
    restored: tuple[int, int, int],
) -> None:
    alive = [_Node() for _ in range(100)]
    settle()
    assert gc.get_freeze_count() >= len(alive)
    assert gc.get_threshold() == (DEFAULT_GEN0, *restored[1:])


def test_settling_with_0_keeps_pythons_own_threshold(restored: tuple[int, int, int]) -> None:
    settle(0)
    assert gc.get_threshold() == restored


def test_a_cycle_made_after_settling_is_still_freed(restored: tuple[int, int, int]) -> None:
    settle()
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # a cycle: reference counting alone never frees it
    gone = weakref.ref(a)
    del a, b
    # more new containers, kept alive, than the young generation holds: the collector runs
    # by itself (no gc.collect here) and finds the cycle
    kept: list[list[int]] = [[] for _ in range(DEFAULT_GEN0 * 2)]
    assert gone() is None
    assert len(kept) == DEFAULT_GEN0 * 2
