"""Operations: the market clock (advanced by the exchange operator on a simulated clock)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from starlette.responses import Response

from openets.api.auth import Action
from openets.api.deps import CommandDep, ServicesDep, json_response
from openets.api.errors import ApiError, error_body, rejection_body
from openets.api.schemas.common import COMMAND_ERRORS
from openets.api.schemas.ops import ClockAdvanceIn, ClockOut
from openets.api.sequencer import Writer
from openets.domain.clock import SimulatedClock
from openets.domain.rejection import Code, Rejection
from openets.domain.when import WhenError, parse_time
from openets.ops.clock_service import LATEST, AdvanceClock

router = APIRouter(tags=["ops"])


@router.get("/ops/clock", response_model=ClockOut)
async def get_clock(services: ServicesDep) -> Response:
    """The market's time and whether it is real or simulated."""
    now = services.clock.now().isoformat()
    return json_response(ClockOut(now=now, mode="simulated" if services.simulated else "real"))


@router.post("/ops/clock/advance", response_model=ClockOut, responses=COMMAND_ERRORS)
async def advance_clock(body: ClockAdvanceIn, cmd: CommandDep) -> Response:
    """Move a simulated clock forward by ``seconds`` or to ``to`` (exchange operator)."""
    services = cmd.services
    cmd.require(Action.CLOCK_ADVANCE)
    clock = services.clock
    if not isinstance(clock, SimulatedClock):
        raise ApiError(Code.INVALID_STATE, "the market runs on the real clock", None)
    if (body.seconds is None) == (body.to is None):
        raise ApiError(Code.INVALID_FIELD, "give exactly one of seconds or to", "seconds")
    target = None
    if body.to is not None:
        try:
            target = parse_time(body.to, offset_required=False)
        except WhenError as exc:
            raise ApiError(Code.INVALID_FIELD, f"to {exc}", "to") from None
    seconds = body.seconds or 0
    actor = cmd.actor

    def job(w: Writer) -> tuple[int, bytes]:
        now = clock.now()
        if target is not None and target < now:
            msg = f"the clock cannot go back: now {now.isoformat()}, asked {target.isoformat()}"
            return 422, error_body(Code.INVALID_FIELD, msg, "to")
        if (target or now) > LATEST or (
            target is None and (LATEST - now).total_seconds() < seconds
        ):
            msg = f"the simulated clock stops at {LATEST.isoformat()}"
            return 422, error_body(Code.INVALID_FIELD, msg, "to" if target else "seconds")
        new = target if target is not None else now + timedelta(seconds=seconds)
        # Journaled first (its record stamped with the new time), then the clock moves: the
        # answer waits for the journal, so an acknowledged advance survives a crash.
        r = w.submit(AdvanceClock(new.isoformat()), actor, now=new)
        if isinstance(r, Rejection):
            return rejection_body(r)
        new = clock.advance(to=new)
        return 200, ClockOut(now=new.isoformat(), mode="simulated").model_dump_json().encode()

    return await cmd.job(job)
