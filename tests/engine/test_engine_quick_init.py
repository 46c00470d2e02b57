"""Frozen events and values built by their quicker ``__init__`` (openets.domain.frozen) are the
same as the dataclass would build: fields, defaults, default factories, still frozen."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from openets.clearing.funds import FundBucket, FundPosting, FundsPosted
from openets.domain.frozen import quick_init
from openets.domain.messages import EVENT_TYPES
from openets.engine import codec
from openets.trading.commands import PlaceOrder


@dataclass(frozen=True, slots=True)
class _Plain:
    a: str
    b: int = 7
    c: tuple[int, ...] = field(default_factory=tuple)


@quick_init
@dataclass(frozen=True, slots=True)
class _Quick:
    a: str
    b: int = 7
    c: tuple[int, ...] = field(default_factory=tuple)


@quick_init
@dataclass(frozen=True, slots=True)
class _WithPostInit:
    a: int

    def __post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("negative")


def test_a_frozen_value_built_quickly_equals_the_dataclass_built_one() -> None:
    cases: list[tuple[tuple[object, ...], dict[str, object]]] = [
        (("x",), {}),
        (("x", 3), {}),
        (("x",), {"c": (1,)}),
    ]
    for args, kwargs in cases:
        q, p = _Quick(*args, **kwargs), _Plain(*args, **kwargs)  # type: ignore[arg-type]
        assert dataclasses.astuple(q) == dataclasses.astuple(p)
    assert "<quick_init" in _Quick.__init__.__code__.co_filename
    q = _Quick("x", c=(1, 2))
    assert q == _Quick("x", 7, (1, 2)) and hash(q) == hash(_Quick("x", 7, (1, 2)))
    assert dataclasses.replace(q, b=9) == _Quick("x", 9, (1, 2))
    assert pickle.loads(pickle.dumps(q)) == q
    with pytest.raises(TypeError):
        _Quick()  # type: ignore[call-arg]
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.b = 1  # type: ignore[misc]


def test_a_frozen_value_with_a_post_init_keeps_the_dataclass_init() -> None:
    assert "<quick_init" not in _WithPostInit.__init__.__code__.co_filename
    with pytest.raises(ValueError):
        _WithPostInit(-1)


def test_events_commands_and_postings_are_built_quickly_and_encode_as_before() -> None:
    assert "<quick_init" in FundsPosted.__init__.__code__.co_filename
    assert "<quick_init" in FundPosting.__init__.__code__.co_filename
    assert "<quick_init" in PlaceOrder.__init__.__code__.co_filename
    ev = FundsPosted("F000001", "lock", (FundPosting("A1", FundBucket.LOCKED, 5),), "O1")
    assert codec.encode(ev) == (
        b'{"tx_id":"F000001","tx_type":"lock","postings":'
        b'[{"account_id":"A1","bucket":1,"delta":5}],"ref":"O1"}'
    )
    assert EVENT_TYPES["FundsPosted"] is FundsPosted
