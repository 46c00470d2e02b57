"""Public market data: depth, the tape, daily bars, the ticker and the daily market report; and,
for participants, the individual listings of the best five levels (what a taker picks from).

None of it names an account: depth is aggregated, the tape and the bars carry prices,
quantities and times, and the listings a taker sees are anonymous.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import PrincipalDep, Services, ServicesDep, json_response
from openets.api.errors import ApiCode, ApiError
from openets.api.routers._trading_views import (
    closed_bar,
    depth_out,
    instrument_or_rejection,
    market_rules,
    running_bar,
    side_name,
    tape_out,
    ticker_row,
    trading_of,
)
from openets.api.schemas.common import QUERY_ERRORS, errors, query_day, yuan
from openets.api.schemas.trading import (
    BarsOut,
    DepthOut,
    MarketListingOut,
    MarketListingsOut,
    TapeOut,
    TickerOut,
)
from openets.domain.rejection import Rejection
from openets.engine.journal import Journal, Record
from openets.supervision.reports.history import REPORT_TYPES, History, history
from openets.trading.book import Side

router = APIRouter(tags=["market"])

InstrumentPath = Annotated[str, Path(min_length=1, max_length=16)]
PUBLIC_ERRORS = errors(404, 422)


def _instrument(services: Services, code: str) -> None:
    inst = instrument_or_rejection(services.state, code)
    if isinstance(inst, Rejection):
        raise ApiError.from_rejection(inst)


@router.get("/market/{instrument}/depth", response_model=DepthOut, responses=PUBLIC_ERRORS)
async def depth(instrument: InstrumentPath, services: ServicesDep) -> Response:
    """The best five price levels per side: price, total quantity, number of listings."""
    _instrument(services, instrument)
    return json_response(depth_out(services.state, instrument, services.clock.now().isoformat()))


@router.get(
    "/market/{instrument}/listings", response_model=MarketListingsOut, responses=QUERY_ERRORS
)
async def best_listings(
    instrument: InstrumentPath, principal: PrincipalDep, services: ServicesDep
) -> Response:
    """The individual listings of the best five levels per side, anonymous: what a taker picks
    from (participants; the exchange and the regulator)."""
    authorize(principal, Action.MARKET_LISTINGS)
    _instrument(services, instrument)
    st = services.state
    n = market_rules(st).trading.best_levels
    book = trading_of(st).books[instrument]
    mine = principal.account_id

    def side(s: Side) -> list[MarketListingOut]:
        return [
            MarketListingOut(
                listing_id=str(o.order_id),
                side=side_name(o.side),
                price=yuan(o.price),
                remaining=o.remaining,
                own=mine is not None and o.account == mine,
            )
            for o in book.orders_in_best(s, n)
        ]

    out = MarketListingsOut(instrument=instrument, bids=side(Side.BUY), asks=side(Side.SELL))
    return json_response(out)


@router.get("/market/{instrument}/trades", response_model=TapeOut, responses=PUBLIC_ERRORS)
async def tape(
    instrument: InstrumentPath,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """The most recent trades, newest first: price, quantity, time and method (no identities)."""
    _instrument(services, instrument)
    out = []
    for ev in reversed(trading_of(services.state).tape):
        if ev.instrument == instrument:
            out.append(tape_out(ev))
            if len(out) >= limit:
                break
    return json_response(TapeOut(instrument=instrument, data=out, count=len(out)))


@router.get("/market/{instrument}/bars", response_model=BarsOut, responses=PUBLIC_ERRORS)
async def bars(
    instrument: InstrumentPath,
    services: ServicesDep,
    interval: Annotated[Literal["1d"], Query()] = "1d",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> Response:
    """Daily bars, oldest first: open, high, low, close (listing trades) and volume and turnover
    per method; the day in progress last, with ``final: false``. The composite (``COMCEA``)
    has closed days only: its bars are computed at the end of the day from the vintages'."""
    st = services.state
    if instrument == st.rules.vintages.composite_code:
        data = [closed_bar(ev) for ev in trading_of(st).composite_bars]
    else:
        _instrument(services, instrument)
        data = [closed_bar(ev) for ev in trading_of(st).bars.get(instrument, [])]
        live = running_bar(st, instrument)
        if live is not None:
            data.append(live)
    data = data[-limit:]
    return json_response(
        BarsOut(instrument=instrument, interval=interval, data=data, count=len(data))
    )


@router.get("/market/ticker", response_model=TickerOut)
async def ticker(services: ServicesDep) -> Response:
    """Every instrument's last price, change, day's range and volume, and best bid and ask."""
    st = services.state
    rows = [ticker_row(st, i) for _, i in sorted(trading_of(st).instruments.items())]
    return json_response(TickerOut(time=services.clock.now().isoformat(), data=rows))


# --- the daily market report --------------------------------------------------------------------


class ReportCache:
    """The price history, read from the journal and rebuilt only after a day closes or a
    stability reserve acts (the end of day's band step comes after the day's close).

    The engine tells of these records when their events are applied, which may be before the
    group commit has made them readable: a history read that does not yet reach the last
    such record is not kept, and read again shortly."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.version = 0
        self.wanted_seq = 0
        self._built: tuple[int, History] | None = None
        self._lock: asyncio.Lock | None = None

    def __call__(self, records: Sequence[Record], events: Sequence[object]) -> None:
        for r in records:
            if r.type in ("DayClosed", "ReserveRuleApplied"):
                self.version += 1
                self.wanted_seq = max(self.wanted_seq, r.seq)

    async def history(self, fresh: bool = False) -> History:
        """The history (``fresh``: read the journal again, whatever the cache holds)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            version = self.version
            if fresh or self._built is None or self._built[0] != version:
                h, seq = await asyncio.to_thread(self._read)
                for _ in range(40):  # the records told of are being committed
                    if seq >= self.wanted_seq:
                        break
                    await asyncio.sleep(0.05)
                    h, seq = await asyncio.to_thread(self._read)
                self._built = (version, h)
            return self._built[1]

    def _read(self) -> tuple[History, int]:
        """The history and the last journal sequence number read."""
        last = [0]

        def rows() -> Iterator[tuple[int, str, bytes]]:
            for r in self.journal.read(0):
                last[0] = r.seq
                if r.type in REPORT_TYPES:
                    yield r.ts, r.type, r.payload

        h = history(rows())
        return h, last[0]


def setup(services: Services) -> None:
    cache = ReportCache(services.market.engine.journal)
    services.extras["report_cache"] = cache
    services.market.engine.subscribers.append(cache)


def _day(text: str) -> str:
    d = query_day(text, "date")
    assert d is not None
    return d.isoformat()


@router.get(
    "/reports/daily",
    response_model=dict[str, Any],
    responses={
        **PUBLIC_ERRORS,
        200: {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/markdown": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
            "description": "the report",
        },
    },
)
async def daily_report(
    services: ServicesDep,
    date: Annotated[str, Query(min_length=1, max_length=10)],
    format: Annotated[Literal["json", "md", "csv"], Query()] = "json",
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
) -> Response:
    """The daily market report of a closed trading day: the composite's prices, volume and
    turnover by method, the year to date and the per-vintage table (the exchange's format)."""
    from openets.audit.report import head_json, with_signed_head
    from openets.audit.service import audit_part
    from openets.supervision.reports.daily import daily_json, render_daily
    from openets.supervision.reports.daily import daily_report as build

    day = _day(date)
    cache: ReportCache = services.extras["report_cache"]  # type: ignore[assignment]
    h = await cache.history()
    if day not in h.bars:  # a day closed since the cache was read: read the journal again
        h = await cache.history(fresh=True)
    try:
        report = build(h, day)
    except ValueError as exc:
        raise ApiError(ApiCode.NOT_FOUND, str(exc), "date") from None
    head = audit_part(services.state).head_of(day)  # the day's signed head, if any
    if format == "json":
        body = orjson.dumps({**daily_json(report, lang), "signed_head": head_json(head)})
        return Response(body, media_type="application/json")
    media = "text/markdown" if format == "md" else "text/csv"
    text = with_signed_head(render_daily(report, format, lang), head, format, lang)
    return Response(text, media_type=f"{media}; charset=utf-8")
