"""The FastAPI application: ``create_app(market, settings)``.

Routers are listed, not found: every module in ``ROUTERS`` is mounted under ``/api/v1``, in
that order (a new router module is added to the list). Errors of every kind leave in the one
shape of :mod:`openets.api.errors`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from openets.api import logredact
from openets.api.deps import AUTH_DEPENDENCIES, SECURITY_SCHEMES, Services
from openets.api.entry import Api, FrontDoor
from openets.api.errors import (
    ApiCode,
    ApiError,
    api_error_response,
    error_response,
    internal_error_response,
    validation_error,
)
from openets.api.fastlane import FastLane, FastLaneMiddleware
from openets.api.guard import RequestGuard
from openets.api.metrics import Metrics, MetricsMiddleware
from openets.api.route_index import index_routes
from openets.api.routers import (
    auctions,
    audit,
    auth,
    bank,
    block,
    compliance,
    compliance_allocation,
    compliance_calendar,
    compliance_cycle,
    compliance_status,
    eod,
    funds,
    health,
    market,
    notifications,
    ops,
    positions,
    registry,
    registry_lifecycle,
    reserves,
    supervision,
    supervision_cases,
    trading,
    users,
    ws,
)
from openets.api.security import LoginLimiter, Passwords, SessionStore
from openets.api.sequencer import Sequencer, ServiceUnavailable, SideDb
from openets.api.sessions import load_rows
from openets.api.settings import Settings
from openets.api.statement_index import StatementIndex
from openets.api.ticker import Ticker
from openets.api.users import UserStore, active_principal, adopt_table_users
from openets.bootstrap import Market
from openets.clearing.bank import BankAdapter, SimulatedBank
from openets.domain.rejection import Code
from openets.engine.core import CommandFailed
from openets.web import pages

API_PREFIX = "/api/v1"
log = logging.getLogger("openets.api")


ROUTERS: tuple[ModuleType, ...] = (
    audit,
    bank,
    auctions,
    auth,
    block,
    compliance,
    compliance_allocation,
    compliance_calendar,
    compliance_cycle,
    compliance_status,
    eod,
    funds,
    health,
    market,
    notifications,
    ops,
    positions,
    registry,
    registry_lifecycle,
    reserves,
    supervision,
    supervision_cases,
    trading,
    users,
    ws,
)
"""The router modules mounted under ``/api/v1``, in this order (a route first listed wins)."""


def router_modules() -> list[ModuleType]:
    """The modules of ``ROUTERS``, in order."""
    return list(ROUTERS)


def make_services(market: Market, settings: Settings, bank: BankAdapter | None = None) -> Services:
    metrics = Metrics()
    side = SideDb(market)
    sequencer = Sequencer(market, side, metrics, max_batch=settings.max_batch)
    if settings.signing_key:
        from openets.audit.keys import load_private
        from openets.audit.signer import Signer

        signer = Signer(load_private(settings.signing_key), settings.checkpoint_every)
        market.engine.subscribers.append(signer.watch)
        sequencer.signer = signer
    index = StatementIndex(market.engine.journal, lambda: market.engine.state.last_seq)
    market.engine.subscribers.append(index.watch)
    return Services(
        extras={"statement_index": index},
        market=market,
        settings=settings,
        sequencer=sequencer,
        side=side,
        users=UserStore(side.engine),
        sessions=SessionStore(settings.token_ttl_seconds),
        limiter=LoginLimiter(
            settings.login_max_failures,
            settings.login_window_seconds,
            slot=settings.login_slot_seconds,
        ),
        passwords=Passwords(
            settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
        ),
        metrics=metrics,
        bank=bank or SimulatedBank(),
    )


def install_error_handlers(app: FastAPI) -> None:
    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return api_error_response(exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        code, message, field = validation_error(list(exc.errors()))
        return error_response(code, message, field)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        where = f"{request.method} {request.url.path}"
        if exc.status_code == 404:
            return error_response(ApiCode.NOT_FOUND, f"no such path: {where}", None)
        if exc.status_code == 400:  # a body that cannot be decoded at all
            return error_response(
                Code.INVALID_FIELD, f"the request body cannot be read: {exc.detail}", "body"
            )
        if exc.status_code == 405:
            return error_response(
                ApiCode.METHOD_NOT_ALLOWED,
                f"method not allowed: {where}",
                None,
                headers=dict(exc.headers or {}),
            )
        return error_response(
            "HTTP_ERROR",
            str(exc.detail),
            None,
            status=exc.status_code,
            headers=dict(exc.headers or {}),
        )

    async def on_unavailable(request: Request, exc: Exception) -> Response:
        return error_response(ApiCode.SERVICE_UNAVAILABLE, str(exc), None)

    async def on_bug(request: Request, exc: Exception) -> Response:
        request_id = secrets.token_hex(8)
        what = f"{exc.command!r} by {exc.actor}" if isinstance(exc, CommandFailed) else "-"
        log.error(
            "request %s: unhandled error on %s %s (command %s)",
            request_id,
            request.method,
            request.url.path,
            what,
            exc_info=exc,
        )
        return internal_error_response(request_id)

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(ServiceUnavailable, on_unavailable)
    app.add_exception_handler(Exception, on_bug)


def _needs_login(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call in AUTH_DEPENDENCIES:
            return True
        stack.extend(dep.dependencies)
    return False


def _document_security(app: FastAPI, routes: list[APIRoute]) -> None:
    """Declare the bearer token and the session cookie in the OpenAPI schema, per route."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
            paths = schema.get("paths", {})
            for route in routes:
                if _needs_login(route):
                    for method in route.methods or ():
                        op = paths.get(API_PREFIX + route.path_format, {}).get(method.lower())
                        if op is not None:
                            op["security"] = [{"bearer": []}, {"session": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    market: Market, settings: Settings | None = None, *, bank: BankAdapter | None = None
) -> FastAPI:
    """The HTTP API of ``market``. The sequencer runs while the app's lifespan does."""
    settings = settings or Settings()
    services = make_services(market, settings, bank)
    logredact.install()  # no token reaches the logs
    adopt_table_users(market.engine, services.users)
    services.sessions.load(  # sessions survive a restart
        load_rows(services.side.engine), lambda u: active_principal(market.state, u)
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services.sequencer.start()
        ticker = Ticker(
            services.sequencer,
            lambda: services.state,
            services.clock,
            interval=settings.auction_tick_seconds,
        )
        if settings.auction_tick_seconds > 0:
            ticker.start()
        try:
            yield
        finally:
            await ticker.stop()
            await services.sequencer.stop()
            services.side.close()

    app = Api(
        title="OpenETS",
        version="1",
        summary="National carbon emissions trading: registry, trading, clearing, compliance.",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        # no OpenTelemetry here: FastAPI would otherwise ask its providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.services = services
    prefixes: dict[int, str] = {}
    routes: list[APIRoute] = []
    for mod in router_modules():
        setup = getattr(mod, "setup", None)
        if setup is not None:
            setup(services)
        app.include_router(mod.router, prefix=API_PREFIX)
        prefixes.update((id(r), API_PREFIX) for r in mod.router.routes)
        routes += [r for r in mod.router.routes if isinstance(r, APIRoute)]
    install_error_handlers(app)
    _document_security(app, routes)
    lane = app.state.fastlane = FastLane(routes, API_PREFIX)
    app.add_middleware(FastLaneMiddleware, lane=lane, handlers=app.exception_handlers)
    app.add_middleware(MetricsMiddleware, metrics=services.metrics, prefixes=prefixes)
    pages.mount(app, services)  # the browser terminal
    app.add_middleware(
        RequestGuard,
        max_body_bytes=settings.max_body_bytes,
        body_timeout_seconds=settings.body_timeout_seconds,
    )
    app.front = FrontDoor(  # a command for a direct route skips the stack above
        lane,
        services.metrics,
        prefixes,
        app.exception_handlers,
        max_body_bytes=settings.max_body_bytes,
        body_timeout_seconds=settings.body_timeout_seconds,
    )
    index_routes(app)
    return app
