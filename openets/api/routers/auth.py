"""Logging in (bearer tokens for the API, cookie sessions with CSRF for the browser) and
logging out. Users are managed in :mod:`openets.api.routers.users`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from openets.api.auth import Principal, Role
from openets.api.deps import (
    AuthDep,
    PrincipalDep,
    Services,
    ServicesDep,
    json_response,
)
from openets.api.errors import ApiCode, ApiError
from openets.api.schemas.auth import (
    LoginIn,
    LogoutOut,
    SessionOut,
    TokenOut,
    UserPublic,
)
from openets.api.schemas.common import errors
from openets.api.security import SESSION_COOKIE
from openets.api.users import identity_of, principal_of
from openets.identity.model import UserStatus

router = APIRouter(tags=["auth"])

LOGIN_ERRORS = errors(401, 422, 429)


async def _login(body: LoginIn, request: Request, services: Services) -> Principal:
    """Check the password; count the attempt as a failure until it succeeds (rate limit).

    The login must be active in the journal: a login waiting for approval, or disabled, is
    refused (told so only once the password is right)."""
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
    user = identity_of(services.state).users.get(body.username)
    if user is None or user.status is not UserStatus.ACTIVE:
        status = user.status.value if user is not None else "not registered in the journal"
        raise ApiError(
            ApiCode.UNAUTHENTICATED,
            f"user {body.username} cannot log in: {status}"
            + (
                " (a registry operator who is a different person must approve it)"
                if user is not None and user.status is UserStatus.PENDING
                else ""
            ),
            "username",
        )
    services.limiter.succeeded(body.username, client)
    return principal_of(user)


@router.post("/auth/token", response_model=TokenOut, responses=LOGIN_ERRORS)
async def token(body: LoginIn, request: Request, services: ServicesDep) -> Response:
    """Log in for the API: an opaque bearer token, valid ``expires_in`` seconds or until logout."""
    p = await _login(body, request, services)
    tok, _ = services.sessions.issue(p)
    out = TokenOut(
        access_token=tok,
        expires_in=services.sessions.ttl,
        username=p.username,
        role=p.role.value,
        account_id=p.account_id,
    )
    return json_response(out)


@router.post("/auth/session", response_model=SessionOut, responses=LOGIN_ERRORS)
async def session(body: LoginIn, request: Request, services: ServicesDep) -> Response:
    """Log in for the browser: an HttpOnly session cookie, and a CSRF token that every unsafe
    request made with the cookie must send back in ``X-CSRF-Token``."""
    p = await _login(body, request, services)
    tok, s = services.sessions.issue(p, cookie=True)
    assert s.csrf is not None
    out = SessionOut(
        csrf_token=s.csrf,
        expires_in=services.sessions.ttl,
        username=p.username,
        role=p.role.value,
        account_id=p.account_id,
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
