"""CSV and Parquet exports of trades, daily bars and holdings.

Money goes out exactly: ``"52.78"`` in CSV and ``decimal128(20, 2)`` in Parquet (built from
the integer fen through ``Decimal``, never a float); tonnes as integers.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import orjson

from openets.domain.cells import safe_row
from openets.domain.money import format_yuan
from openets.supervision.reports.history import METHODS, History

Column = tuple[str, str]
"""(name, kind): kind is str, int, money (fen) or bool."""

TRADE_COLUMNS: tuple[Column, ...] = (
    ("trade_id", "str"),
    ("day", "str"),
    ("time", "str"),
    ("instrument", "str"),
    ("method", "str"),
    ("price", "money"),
    ("quantity", "int"),
    ("amount", "money"),
    ("buyer", "str"),
    ("seller", "str"),
    ("buyer_fee", "money"),
    ("seller_fee", "money"),
)
BAR_COLUMNS: tuple[Column, ...] = (
    ("day", "str"),
    ("instrument", "str"),
    ("open", "money"),
    ("high", "money"),
    ("low", "money"),
    ("close", "money"),
    ("prev_close", "money"),
    ("change_bps", "int"),
    ("traded", "bool"),
    *((f"{m}_{k}", kind) for m in METHODS for k, kind in (("t", "int"), ("value", "money"))),
)
HOLDING_COLUMNS: tuple[Column, ...] = (
    ("account_id", "str"),
    ("product", "str"),
    ("available", "int"),
    ("locked", "int"),
    ("pending", "int"),
    ("pledged", "int"),
    ("frozen", "int"),
    ("total", "int"),
)


def trade_rows(rows: Iterable[tuple[int, str, bytes | str]]) -> list[tuple[object, ...]]:
    """Every trade in the journal rows, with the trading day it belongs to."""
    out: list[tuple[object, ...]] = []
    day = ""
    for _, typ, payload in rows:
        if typ == "DayOpened":
            day = orjson.loads(payload)["day"]
        elif typ == "TradeExecuted":
            d = orjson.loads(payload)
            out.append(
                (
                    d["trade_id"],
                    day,
                    d["time"],
                    d["instrument"],
                    d["method"],
                    d["price"],
                    d["quantity"],
                    d["price"] * d["quantity"],
                    d["buyer"],
                    d["seller"],
                    d["buyer_fee"],
                    d["seller_fee"],
                )
            )
    return out


def bar_rows(h: History) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for day in h.days:
        for inst in sorted(h.bars[day]):
            b = h.bars[day][inst]
            p, v = b.prices, b.volumes
            vols = [x for m in METHODS for x in v.of(m)]
            out.append(
                (
                    day,
                    inst,
                    p.open,
                    p.high,
                    p.low,
                    p.close,
                    p.prev_close,
                    p.change_bps,
                    p.traded,
                    *vols,
                )
            )
    return out


def holding_rows(holdings: Mapping[tuple[str, str], Sequence[int]]) -> list[tuple[object, ...]]:
    return [(a, p, *b, sum(b)) for (a, p), b in sorted(holdings.items()) if any(b)]


def _cell(kind: str, v: object) -> object:
    if kind == "money":
        return format_yuan(v)  # type: ignore[arg-type]
    if kind == "bool":
        return "true" if v else "false"
    return v


def _write_csv(columns: Sequence[Column], rows: list[tuple[object, ...]], path: Path) -> None:
    kinds = [k for _, k in columns]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(safe_row(n for n, _ in columns))
        for r in rows:
            w.writerow(safe_row(_cell(k, v) for k, v in zip(kinds, r, strict=True)))


def _write_parquet(columns: Sequence[Column], rows: list[tuple[object, ...]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "money": pa.decimal128(20, 2)}
    types["bool"] = pa.bool_()
    arrays = []
    for i, (_, kind) in enumerate(columns):
        vals = [r[i] for r in rows]
        if kind == "money":
            vals = [Decimal(v).scaleb(-2) for v in vals]  # type: ignore[arg-type]
        arrays.append(pa.array(vals, type=types[kind]))
    table = pa.Table.from_arrays(arrays, names=[n for n, _ in columns])
    pq.write_table(table, path)


def write_table(
    columns: Sequence[Column], rows: list[tuple[object, ...]], out: Path, form: str
) -> int:
    """Write ``rows`` to ``out`` as csv or parquet (atomically: a temporary file renamed)."""
    if form not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, was {form!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        (_write_csv if form == "csv" else _write_parquet)(columns, rows, Path(tmp))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(rows)
