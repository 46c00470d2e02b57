"""Logging in (bearer tokens for the API, cookie sessions with CSRF for the browser), logging
out, and adding users (registry operator)."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from starlette.responses import Response

from openets.api.auth import Action, Role
from openets.api.deps import (
    AuthDep,
    CommandDep,
    PrincipalDep,
    Services,
    ServicesDep,
    json_response,
)
from openets.api.errors import ApiCode, ApiError, rejection_body
from openets.api.schemas.auth import (
    LoginIn,
    LogoutOut,
    SessionOut,
    TokenOut,
    UserCreate,
    UserPublic,
)
from openets.api.schemas.common import COMMAND_ERRORS, errors
from openets.api.security import SESSION_COOKIE
from openets.api.sequencer import Writer
from openets.api.users import (
    UserError,
    UserRecord,
    UserStore,
    appointment,
    check_new_user,
    check_provinces,
)
from openets.compliance.state import SYSTEM_ACTOR
from openets.domain.rejection import Code, Rejection
from openets.registry.model import SubjectType

router = APIRouter(tags=["auth"])

LOGIN_ERRORS = errors(401, 422, 429)


async def _login(body: LoginIn, request: Request, services: Services) -> UserRecord:
    """Check the password; count the attempt as a failure until it succeeds (rate limit)."""
    client = request.client.host if request.client else "unknown"
    wait = services.limiter.retry_after(body.username, client)
    if wait is not None:
        raise ApiError(
            ApiCode.RATE_LIMITED,
            f"too many failed logins for {body.username!r}; try again in {wait} s",
            "username",
            headers={"Retry-After": str(wait)},
        )
    services.limiter.failed(body.username, client)
    rec = services.users.get(body.username)
    ok = await services.verify_password(rec.password_hash if rec else None, body.password)
    if rec is None or not ok:
        raise ApiError(ApiCode.UNAUTHENTICATED, "wrong username or password", None)
    services.limiter.succeeded(body.username, client)
    return rec


@router.post("/auth/token", response_model=TokenOut, responses=LOGIN_ERRORS)
async def token(body: LoginIn, request: Request, services: ServicesDep) -> Response:
    """Log in for the API: an opaque bearer token, valid ``expires_in`` seconds or until logout."""
    rec = await _login(body, request, services)
    tok, _ = services.sessions.issue(rec.principal())
    out = TokenOut(
        access_token=tok,
        expires_in=services.sessions.ttl,
        username=rec.username,
        role=rec.role.value,
        account_id=rec.account_id,
    )
    return json_response(out)


@router.post("/auth/session", response_model=SessionOut, responses=LOGIN_ERRORS)
async def session(body: LoginIn, request: Request, services: ServicesDep) -> Response:
    """Log in for the browser: an HttpOnly session cookie, and a CSRF token that every unsafe
    request made with the cookie must send back in ``X-CSRF-Token``."""
    rec = await _login(body, request, services)
    tok, s = services.sessions.issue(rec.principal(), cookie=True)
    assert s.csrf is not None
    out = SessionOut(
        csrf_token=s.csrf,
        expires_in=services.sessions.ttl,
        username=rec.username,
        role=rec.role.value,
        account_id=rec.account_id,
    )
    resp = json_response(out)
    resp.set_cookie(
        SESSION_COOKIE,
        tok,
        max_age=services.sessions.ttl,
        path="/",
        httponly=True,
        samesite="strict",
        secure=services.settings.cookie_secure,
    )
    return resp


@router.post("/auth/logout", response_model=LogoutOut, responses=errors(401, 403))
async def logout(auth: AuthDep, services: ServicesDep) -> Response:
    """End the token or the browser session."""
    services.sessions.revoke(auth.token)
    resp = json_response(LogoutOut())
    if auth.via_cookie:
        resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return resp


@router.get("/auth/me", response_model=UserPublic, responses=errors(401))
async def me(principal: PrincipalDep) -> Response:
    """The logged-in user."""
    return json_response(
        _public(principal.username, principal.role, principal.account_id, principal.permissions)
    )


def _public(username: str, role: Role, account_id: str | None, perms: frozenset[str]) -> UserPublic:
    return UserPublic(
        username=username,
        role=role.value,
        account_id=account_id,
        permissions=sorted(str(p) for p in perms) if role is Role.PARTICIPANT else [],
    )


@router.post("/users", status_code=201, response_model=UserPublic, responses=COMMAND_ERRORS)
async def create_user(body: UserCreate, cmd: CommandDep) -> Response:
    """Add a user (registry operator). A participant user is bound to a participant account."""
    services = cmd.services
    cmd.require(Action.USERS_CREATE)
    try:
        role, perms = check_new_user(
            body.username, body.password, body.role, body.account_id, body.permissions
        )
        provinces = check_provinces(role, body.provinces)
    except UserError as exc:
        raise ApiError(exc.code, exc.message, exc.field) from None
    pw_hash = await services.hash_password(body.password)
    rec = UserRecord(body.username, pw_hash, role, body.account_id, perms)

    def job(w: Writer) -> tuple[int, bytes]:
        if role is Role.PARTICIPANT:
            acct = w.state.registry.accounts.get(rec.account_id or "")
            if acct is None or acct.subject_type is SubjectType.SYSTEM:
                return rejection_body(
                    Rejection(
                        Code.UNKNOWN_ACCOUNT,
                        f"no participant account {rec.account_id!r}",
                        "account_id",
                    )
                )
        if not UserStore.insert(w.conn, rec):
            return rejection_body(
                Rejection(Code.DUPLICATE, f"user {rec.username!r} exists", "username")
            )
        appoint = appointment(rec.username, role, provinces)
        if appoint is not None:
            r = w.submit(appoint, SYSTEM_ACTOR)
            if isinstance(r, Rejection):
                return rejection_body(replace(r, field="provinces"))
        out = _public(rec.username, rec.role, rec.account_id, rec.permissions)
        return 201, out.model_dump_json().encode()

    return await cmd.job(job)
