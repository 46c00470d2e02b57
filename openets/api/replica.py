"""A read replica over HTTP: ``openets serve --replica-of DB``.

It follows the market's journal (:class:`~openets.store.follower.Follower`) in the database
``DB``, typically a PostgreSQL hot standby, and answers the public market data from its own
copy of the state, in the sequencer's shapes and paths: ``/market/ticker``,
``/market/{instrument}/depth``, ``/market/{instrument}/trades``, ``/market/{instrument}/bars``;
and ``/health`` with the journal sequence it has applied and its state hash. It never writes:
every other method is refused (405, naming the rule), so commands go to the sequencer. It keeps
answering while the primary is lost and a standby promoted (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import FastAPI, Path, Query, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from openets.api.deps import json_response
from openets.api.errors import ApiCode, ApiError, api_error_response, error_response
from openets.api.routers._trading_views import (
    closed_bar,
    depth_out,
    instrument_or_rejection,
    running_bar,
    tape_out,
    ticker_row,
    trading_of,
)
from openets.api.schemas.common import OutModel
from openets.api.schemas.trading import BarsOut, DepthOut, TapeOut, TickerOut
from openets.domain.rejection import Rejection
from openets.market import MarketState
from openets.store.follower import Follower

API_PREFIX = "/api/v1"
READS = frozenset({"GET", "HEAD", "OPTIONS"})
InstrumentPath = Annotated[str, Path(min_length=1, max_length=16)]


class ReplicaHealthOut(OutModel):
    status: Literal["ok", "diverged", "unreachable"]
    """``diverged``: the journal no longer chains to what was applied (it stopped following);
    ``unreachable``: the last read of the database failed (it retries)."""
    role: Literal["replica"]
    journal_seq: int
    state_hash: str
    problem: str | None


class ReadOnly(BaseHTTPMiddleware):
    """Refuse every method but reads: a replica never writes."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.method not in READS:
            return error_response(
                ApiCode.METHOD_NOT_ALLOWED,
                f"{request.method} {request.url.path}: this server is a read replica and takes "
                "no commands; send them to the sequencer (openets serve --db)",
                None,
                headers={"Allow": ", ".join(sorted(READS))},
            )
        return await call_next(request)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _checked(st: MarketState, instrument: str) -> MarketState:
    inst = instrument_or_rejection(st, instrument)
    if isinstance(inst, Rejection):
        raise ApiError.from_rejection(inst)
    return st


def _tape(st: MarketState, instrument: str, limit: int) -> TapeOut:
    out = []
    for ev in reversed(trading_of(st).tape):
        if ev.instrument == instrument:
            out.append(tape_out(ev))
            if len(out) >= limit:
                break
    return TapeOut(instrument=instrument, data=out, count=len(out))


def _bars(st: MarketState, instrument: str, limit: int) -> BarsOut:
    if instrument == st.rules.vintages.composite_code:
        data = [closed_bar(ev) for ev in trading_of(st).composite_bars]
    else:
        _checked(st, instrument)
        data = [closed_bar(ev) for ev in trading_of(st).bars.get(instrument, [])]
        live = running_bar(st, instrument)
        if live is not None:
            data.append(live)
    data = data[-limit:]
    return BarsOut(instrument=instrument, interval="1d", data=data, count=len(data))


class _Health:
    """``/health``: the state hash is computed once per sequence number."""

    def __init__(self, follower: Follower) -> None:
        self.follower = follower
        self._hashed: tuple[int, str] | None = None

    def __call__(self) -> tuple[ReplicaHealthOut, int]:
        f = self.follower
        with f.lock:
            seq = f.last_seq
            if self._hashed is None or self._hashed[0] != seq:
                self._hashed = (seq, f.state_hash())
            state_hash = self._hashed[1]
        status: Literal["ok", "diverged", "unreachable"] = (
            "diverged" if f.diverged else "unreachable" if f.error else "ok"
        )
        out = ReplicaHealthOut(
            status=status,
            role="replica",
            journal_seq=seq,
            state_hash=state_hash,
            problem=f.diverged or f.error,
        )
        return out, 200 if status == "ok" else 503


def create_replica_app(follower: Follower) -> FastAPI:
    """The read-only API of ``follower``'s state; it follows in a thread while the app runs."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        follower.start()
        try:
            yield
        finally:
            follower.close()

    app = FastAPI(title="OpenETS read replica", version="1", lifespan=lifespan, redoc_url=None)
    app.add_middleware(ReadOnly)

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return api_error_response(exc)

    app.add_exception_handler(ApiError, on_api_error)
    check_health = _Health(follower)
    lock = follower.lock  # held while a view reads the state: whole commands only

    @app.get(f"{API_PREFIX}/health", response_model=ReplicaHealthOut)
    async def health() -> Response:
        """What the replica has applied: the journal sequence and the state hash there."""
        out, status = check_health()
        return json_response(out, status)

    @app.get(f"{API_PREFIX}/market/ticker", response_model=TickerOut)
    async def ticker() -> Response:
        """Every instrument's last price, change, day's range and volume, best bid and ask."""
        with lock:
            st = follower.state
            rows = [ticker_row(st, i) for _, i in sorted(trading_of(st).instruments.items())]
            return json_response(TickerOut(time=_now(), data=rows))

    @app.get(f"{API_PREFIX}/market/{{instrument}}/depth", response_model=DepthOut)
    async def depth(instrument: InstrumentPath) -> Response:
        """The best five price levels per side."""
        with lock:
            st = _checked(follower.state, instrument)
            return json_response(depth_out(st, instrument, _now()))

    @app.get(f"{API_PREFIX}/market/{{instrument}}/trades", response_model=TapeOut)
    async def tape(
        instrument: InstrumentPath, limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> Response:
        """The most recent trades, newest first (no identities)."""
        with lock:
            return json_response(_tape(_checked(follower.state, instrument), instrument, limit))

    @app.get(f"{API_PREFIX}/market/{{instrument}}/bars", response_model=BarsOut)
    async def bars(
        instrument: InstrumentPath, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000
    ) -> Response:
        """Daily bars, oldest first; the day in progress last."""
        with lock:
            return json_response(_bars(follower.state, instrument, limit))

    return app


def run_replica(db: str, host: str = "127.0.0.1", port: int = 8001, poll: float = 0.2) -> None:
    """Follow the market at ``db`` and serve its read-only API until interrupted."""
    import uvicorn

    follower = Follower(db, poll_interval=poll)
    how = "on NOTIFY" if follower.listening else f"polling every {poll} s"
    print(  # noqa: T201
        f"OpenETS read replica serving http://{host}:{port}{API_PREFIX} (following the journal "
        f"{how}; journal seq {follower.last_seq})",
        flush=True,
    )
    app = create_replica_app(follower)
    uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, access_log=False, log_level="warning")
    ).run()
