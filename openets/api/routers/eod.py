"""The trading day over HTTP: its status (public) and the end of day (exchange operator).

The end of day is several engine commands (close due auctions, close the day, settle in
batches, finish). They run as one job of the sequencer, one after another in the writer, so no
other command can come between them; each is atomic and idempotent, so a failure part way is
finished by running the end of day again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from fastapi import APIRouter
from starlette.responses import Response

from openets.api.auth import Action
from openets.api.deps import CommandDep, ServicesDep, json_response
from openets.api.errors import rejection_body
from openets.api.routers._trading_views import market_rules, trading_of
from openets.api.schemas.common import COMMAND_ERRORS
from openets.api.schemas.trading import EodIn, EodOut, MarketStatusOut
from openets.api.sequencer import Writer
from openets.ops.eod import EodError, run_end_of_day

router = APIRouter(tags=["ops"])


@router.get("/ops/status", response_model=MarketStatusOut)
async def market_status(services: ServicesDep) -> Response:
    """The trading day and its phase (idle, open, closed for settlement), and the sessions."""
    st = services.state
    t = trading_of(st)
    mr = market_rules(st)
    now = services.clock.now()
    local = now.astimezone(mr.calendar.tz)
    out = MarketStatusOut(
        now=now.isoformat(),
        preset=st.preset or "cn",
        matching=mr.trading.matching.value,
        day=t.day,
        phase=t.phase,  # type: ignore[arg-type]
        trading_day=mr.calendar.is_trading_day(local.date()),
        listing_session=mr.calendar.in_session(local, mr.trading.listing_sessions),
        block_session=mr.calendar.in_session(local, mr.block.sessions),
        unsettled_trades=len(t.unsettled),
        resting_listings=len(t.listings),
        listing_sessions=_windows(mr.trading.listing_sessions),
        block_sessions=_windows(mr.block.sessions),
        clock_speed=_speed(services.extras.get("clock_speed")),
    )
    return json_response(out)


def _windows(sessions: Sequence[tuple[time, time]]) -> list[str]:
    return [f"{a:%H:%M}-{b:%H:%M}" for a, b in sessions]


def _speed(x: object) -> float | None:
    return float(x) if isinstance(x, int | float) and x > 0 else None


@router.post("/ops/eod", response_model=EodOut, responses=COMMAND_ERRORS)
async def end_of_day(cmd: CommandDep, body: EodIn | None = None) -> Response:
    """Run the end of day (exchange operator): close due auctions, stop trading and expire
    listings and block requests, fix the daily prices, settle every trade DvP, roll the day.

    Refused during the session unless ``force`` (an emergency close)."""
    cmd.require(Action.EOD)
    actor, force = cmd.actor, bool(body and body.force)

    def job(w: Writer) -> tuple[int, bytes]:
        try:
            report = run_end_of_day(w.engine, actor=actor, force=force)
        except EodError as exc:
            return rejection_body(exc.rejection)
        t = trading_of(w.state)
        out = EodOut(day=report.day, expired=report.expired, settled=report.settled, phase=t.phase)
        return 200, out.model_dump_json().encode()

    return await cmd.job(job)
