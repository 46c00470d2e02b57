"""Liveness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from openets.api.deps import ServicesDep, json_response
from openets.api.schemas.ops import HealthOut

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "the engine stopped"}},
)
async def health(services: ServicesDep) -> Response:
    """``ok`` while the engine accepts commands; 503 ``halted`` once it has stopped."""
    halted = bool(services.market.engine.halted) or not services.sequencer.running
    out = HealthOut(
        status="halted" if halted else "ok",
        journal_seq=services.market.state.last_seq,
        now=services.clock.now().isoformat(),
        clock="simulated" if services.simulated else "real",
    )
    return json_response(out, 503 if halted else 200)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "Prometheus text format",
        },
    },
)
async def metrics(services: ServicesDep) -> Response:
    """Commands accepted and rejected by code, the journal seq, request latency histograms.
    Open to anyone, as a scraper expects: counts by code and route, never an account or a user."""
    text = services.metrics.render(services.state.last_seq, bool(services.market.engine.halted))
    return Response(text, media_type="text/plain; version=0.0.4; charset=utf-8")
