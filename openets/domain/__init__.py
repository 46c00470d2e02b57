"""Value types shared by every context: money, quantities, products, ids, clock. No I/O."""

from openets.domain.clock import BEIJING, Clock, RealClock, SimulatedClock
from openets.domain.ids import AccountId, IdSource
from openets.domain.money import Fen, Tonnes, fen, format_yuan, parse_yuan, tonnes
from openets.domain.products import CCER, ProductCode, product
from openets.domain.rejection import Code, Rejection, reject

__all__ = [
    "BEIJING",
    "CCER",
    "AccountId",
    "Clock",
    "Code",
    "Fen",
    "IdSource",
    "ProductCode",
    "RealClock",
    "Rejection",
    "SimulatedClock",
    "Tonnes",
    "fen",
    "format_yuan",
    "parse_yuan",
    "product",
    "reject",
    "tonnes",
]
