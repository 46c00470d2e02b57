"""What routes depend on: the services, the authenticated user, and the command runner.

A router adds an endpoint like this::

    @router.post("/registry/issuances", status_code=201, response_model=TxOut,
                 responses=COMMAND_ERRORS)
    async def issue(body: IssuanceIn, cmd: CommandDep) -> Response:
        cmd.require(Action.ISSUE)
        return await cmd.run(rc.Issue(...), render_tx, status=201)

``cmd.run`` puts the command through the sequencer as the user, renders the answer from the
state right after the command, and honours the ``Idempotency-Key`` header. GET endpoints take
``PrincipalDep`` and ``ServicesDep`` and read ``services.state`` directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Header, Request
from pydantic import BaseModel
from starlette.responses import Response

from openets.api import idempotency
from openets.api.auth import Action, Principal, authorize
from openets.api.errors import ApiCode, ApiError, error_body, rejection_body
from openets.api.metrics import Metrics
from openets.api.mfa import MFA_OFF, MFA_ON, MfaPolicy
from openets.api.security import (
    CSRF_HEADER,
    SESSION_COOKIE,
    LoginLimiter,
    Passwords,
    Session,
    SessionStore,
    csrf_ok,
)
from openets.api.sequencer import STOPPED, Sequencer, ServiceUnavailable, SideDb, Writer
from openets.api.sessions import write_ops
from openets.api.settings import Settings
from openets.api.users import UserStore, active_principal
from openets.bootstrap import Market
from openets.clearing.bank import BankAdapter
from openets.domain.clock import Clock, SimulatedClock
from openets.domain.messages import Command, Event
from openets.domain.rejection import Code, Rejection
from openets.market import MarketState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PARTICIPANT_MFA_ACTIONS = frozenset({Action.WITHDRAW})
"""A participant's actions that need a one-time code where the preset asks for it."""
JSON = "application/json"


@dataclass
class Services:
    """Everything the routes share; one per app, on ``app.state.services``."""

    market: Market
    settings: Settings
    sequencer: Sequencer
    side: SideDb
    users: UserStore
    sessions: SessionStore
    limiter: LoginLimiter
    passwords: Passwords
    metrics: Metrics
    bank: BankAdapter
    extras: dict[str, object] = field(default_factory=dict)
    """Room for routers added later (read models, feeds), by name."""
    _hash_slots: asyncio.Semaphore | None = None

    @property
    def state(self) -> MarketState:
        """The market state; 503 once a commit failed (it may hold what was never saved)."""
        if self.sequencer.failed:
            raise ServiceUnavailable(STOPPED)
        return self.market.state

    @property
    def clock(self) -> Clock:
        return self.market.engine.clock

    @property
    def mfa(self) -> MfaPolicy:
        """Where one-time codes are required: the server's setting, else the market preset's."""
        mode = self.settings.mfa
        if mode == "off":
            return MFA_OFF
        if mode == "on":
            return MFA_ON
        from openets.trading.service_checks import rules

        return rules(self.state).mfa

    @property
    def simulated(self) -> bool:
        return isinstance(self.market.engine.clock, SimulatedClock)

    async def save_sessions(self) -> None:
        """Write the sessions' queued changes (logins, logouts) through the writer: durable
        before the caller is answered, so they survive a restart."""
        ops = self.sessions.take_ops()
        if ops:
            await self.sequencer.run(lambda w: write_ops(w.conn, ops))

    async def verify_password(self, password_hash: str | None, password: str) -> bool:
        """argon2 in a worker thread (it takes tens of ms), a few at a time. An unknown user
        takes as long but spends no hash slot: a flood of unknown names never queues a real
        login behind it."""
        if password_hash is None:
            await asyncio.sleep(self.passwords.typical)
            return False
        if self._hash_slots is None:
            self._hash_slots = asyncio.Semaphore(max(1, self.settings.hash_threads))
        async with self._hash_slots:
            return await asyncio.to_thread(self.passwords.verify, password_hash, password)

    async def hash_password(self, password: str) -> str:
        if self._hash_slots is None:
            self._hash_slots = asyncio.Semaphore(max(1, self.settings.hash_threads))
        async with self._hash_slots:
            return await asyncio.to_thread(self.passwords.hash, password)


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "an opaque token from POST /api/v1/auth/token",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "a browser session from POST /api/v1/auth/session; unsafe requests "
        f"must also send the {CSRF_HEADER} header",
    },
}
"""Documented in the OpenAPI schema by :func:`openets.api.app.create_app`; checked here by
hand (one dependency instead of a tree of them keeps the hot path short)."""


@dataclass(frozen=True, slots=True)
class Authenticated:
    principal: Principal
    token: str
    session: Session
    via_cookie: bool


def _unauthenticated(message: str) -> ApiError:
    return ApiError(ApiCode.UNAUTHENTICATED, message, None, headers={"WWW-Authenticate": "Bearer"})


MFA_EXEMPT = frozenset(f"/api/v1/auth/{p}" for p in ("mfa/enroll", "mfa/confirm", "me", "logout"))
"""What a staff session opened without a one-time code may still do: enrol, and log out."""


def _mfa_guard(services: Services, request: Request, p: Principal, s: Session) -> None:
    if s.mfa or p.is_participant or not services.mfa.staff:
        return
    if request.url.path in MFA_EXEMPT:
        return
    raise ApiError(
        ApiCode.MFA_REQUIRED,
        f"user {p.username} is staff: log in with otp, the 6-digit code of the authenticator "
        "app (not enrolled yet: POST /api/v1/auth/mfa/enroll, then /auth/mfa/confirm)",
        "otp",
    )


def _current(services: Services, token: str, s: Session) -> Principal:
    """The session's user as the journal has it now: a disabled login's sessions end at once,
    and an approved role change applies to sessions already open."""
    p = active_principal(services.state, s.principal.username)
    if p is None:
        services.sessions.revoke(token)
        raise _unauthenticated(f"user {s.principal.username} is no longer active")
    return p


def authenticate(request: Request) -> Authenticated:
    """The caller: a bearer token, or a session cookie (with the CSRF header on unsafe methods)."""
    services: Services = request.app.state.services
    header = None
    for k, v in request.scope["headers"]:  # as request.headers.get, without building them
        if k == b"authorization":
            header = v.decode("latin-1")
            break
    if header:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _unauthenticated("use 'Authorization: Bearer <token>'")
        s = services.sessions.lookup(token)
        if s is None:
            raise _unauthenticated("the token is unknown or expired")
        p = _current(services, token, s)
        _mfa_guard(services, request, p, s)
        return Authenticated(p, token, s, False)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        s = services.sessions.lookup(cookie)
        if s is None or s.csrf is None:
            raise _unauthenticated("the session is unknown or expired")
        if request.method not in SAFE_METHODS and not csrf_ok(s, request.headers.get(CSRF_HEADER)):
            raise ApiError(
                ApiCode.CSRF_FAILED,
                f"a request made with the session cookie must carry the {CSRF_HEADER} header "
                "given at login",
                CSRF_HEADER,
            )
        p = _current(services, cookie, s)
        _mfa_guard(services, request, p, s)
        return Authenticated(p, cookie, s, True)
    raise _unauthenticated(
        "log in first: POST /api/v1/auth/token, then send 'Authorization: Bearer <token>'"
    )


async def current_auth(request: Request) -> Authenticated:
    return authenticate(request)


AuthDep = Annotated[Authenticated, Depends(current_auth)]


async def current_principal(request: Request) -> Principal:
    return authenticate(request).principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]

Render = Callable[[tuple[Event, ...], MarketState], BaseModel | bytes]
"""A command's answer from its events and the state right after: the response model, or its
JSON body written already (as pydantic would write it)."""
Check = Callable[[MarketState], Rejection | None]


def answer(result: object, render: Render, state: MarketState, status: int) -> tuple[int, bytes]:
    """(status, body) of a command's result: the rendered events, or the rejection."""
    if isinstance(result, Rejection):
        return rejection_body(result)
    assert isinstance(result, tuple)
    out = render(result, state)
    return status, out if isinstance(out, bytes) else out.model_dump_json().encode()


class Commander:
    """Runs a request's commands through the sequencer as the authenticated user."""

    def __init__(
        self,
        services: Services,
        principal: Principal,
        key: str | None,
        fingerprint: str,
        mfa: bool = False,
    ) -> None:
        self.services = services
        self.principal = principal
        self.mfa = mfa
        """The session was opened with a one-time code."""
        self.key = key
        self.fingerprint = fingerprint

    @property
    def actor(self) -> str:
        return self.principal.username

    def require(self, action: Action, account_id: str | None = None, *, mfa: bool = False) -> None:
        """Refuse unless the user may do ``action``; a participant's withdrawal (and, with
        ``mfa``, a transfer of allowances out of its account: a surrender or a pledge) needs a
        session opened with a one-time code where the market asks for it."""
        authorize(self.principal, action, account_id)
        needs = mfa or action in PARTICIPANT_MFA_ACTIONS
        if (
            needs
            and self.principal.is_participant
            and not self.mfa
            and self.services.mfa.participant_transfers
        ):
            raise ApiError(
                ApiCode.MFA_REQUIRED,
                f"{action.value} needs two-factor login: log in with otp, the 6-digit code "
                "(not enrolled yet: POST /api/v1/auth/mfa/enroll, then /auth/mfa/confirm)",
                "otp",
            )

    async def run(
        self,
        cmd: Command,
        render: Render,
        *,
        status: int = 201,
        check: Check | None = None,
    ) -> Response:
        """Submit ``cmd``; answer ``render(events, state)`` with ``status``, or the rejection.

        ``check`` runs in the writer just before the command (for conditions on the state that
        the command itself does not know, e.g. the kind of a four-eyes request).
        """
        actor = self.actor

        def job(w: Writer) -> tuple[int, bytes]:
            if check is not None:
                r = check(w.state)
                if r is not None:
                    return rejection_body(r)
            return answer(w.submit(cmd, actor), render, w.state, status)

        return await self.job(job)

    async def job(self, fn: Callable[[Writer], tuple[int, bytes]]) -> Response:
        """Run ``fn`` (which returns status and body) in the writer, with idempotency."""
        key, user, fp = self.key, self.actor, self.fingerprint

        def wrapped(w: Writer) -> tuple[int, bytes, bool]:
            if key is not None:
                stored = idempotency.lookup(w.conn, key, user)
                if stored is not None:
                    if stored.fingerprint != fp:
                        return (
                            422,
                            error_body(
                                ApiCode.IDEMPOTENCY_KEY_REUSED,
                                f"Idempotency-Key {key!r} was used for a different request",
                                "Idempotency-Key",
                            ),
                            False,
                        )
                    return stored.status, stored.body, True
            status, body = fn(w)
            if key is not None and status < 500:
                idempotency.stage(w.conn, key, user, fp, status, body)
            return status, body, False

        try:
            status, body, replayed = await self.services.sequencer.run(wrapped)
        except ServiceUnavailable as exc:
            raise ApiError(ApiCode.SERVICE_UNAVAILABLE, str(exc), None) from exc
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        return Response(body, status_code=status, media_type=JSON, headers=headers)


def _valid_key(key: str) -> bool:
    return 1 <= len(key) <= idempotency.MAX_KEY and all(33 <= ord(c) <= 126 for c in key)


async def commander(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="retry-safe POST: the same key (same user) gets the first answer back",
        ),
    ] = None,
) -> Commander:
    auth = authenticate(request)
    principal = auth.principal
    fp = ""
    if idempotency_key is not None:
        if not _valid_key(idempotency_key):
            raise ApiError(
                Code.INVALID_FIELD,
                f"Idempotency-Key must be 1-{idempotency.MAX_KEY} printable ASCII characters "
                "without spaces",
                "Idempotency-Key",
            )
        fp = idempotency.fingerprint(request.method, request.url.path, await request.body())
    return Commander(request.app.state.services, principal, idempotency_key, fp, auth.session.mfa)


CommandDep = Annotated[Commander, Depends(commander)]


def json_response(model: BaseModel, status: int = 200) -> Response:
    """A response body built by pydantic (GET endpoints; commands go through ``Commander``)."""
    return Response(model.model_dump_json().encode(), status_code=status, media_type=JSON)


AUTH_DEPENDENCIES = (current_auth, current_principal, commander)
"""Dependencies that authenticate: routes using them are documented as needing a login."""
