"""Logging in (bearer tokens for the API, cookie sessions with CSRF for the browser) and
logging out. Users are managed in :mod:`openets.api.routers.users`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from openets.api import mfa
from openets.api.auth import Principal, Role
from openets.api.deps import (
    AuthDep,
    PrincipalDep,
    Services,
    ServicesDep,
    json_response,
)
from openets.api.errors import ApiCode, ApiError, rejection_body
from openets.api.schemas.auth import (
    LoginIn,
    LogoutOut,
    MfaConfirmIn,
    MfaEnrollOut,
    MfaOut,
    SessionOut,
    TokenOut,
    UserPublic,
)
from openets.api.schemas.common import errors
from openets.api.security import SESSION_COOKIE
from openets.api.sequencer import Writer
from openets.api.users import UserRecord, UserStore, identity_of, principal_of
from openets.domain.rejection import Code, Rejection
from openets.identity.model import SetMfa, UserStatus

router = APIRouter(tags=["auth"])

LOGIN_ERRORS = errors(401, 422, 429)


async def _login(body: LoginIn, request: Request, services: Services) -> tuple[Principal, bool]:
    """Check the password; a wrong one (or a wrong one-time code) counts as a failure of the
    account (:class:`~openets.api.security.LoginLimiter`: throttled, never locked).

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
    rec = services.users.get(body.username)
    ok = await services.verify_password(rec.password_hash if rec else None, body.password)
    if rec is None or not ok:
        services.limiter.failed(body.username, client)  # counted only once found wrong
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
    otp_ok = False
    if user.mfa:
        try:
            otp_ok = await _check_login_otp(services, body, rec)
        except ApiError as exc:
            if exc.code == ApiCode.UNAUTHENTICATED:
                services.limiter.failed(body.username, client)
            raise
    services.limiter.succeeded(body.username, client)
    return principal_of(user), otp_ok


async def _check_login_otp(services: Services, body: LoginIn, rec: UserRecord) -> bool:
    """The login's one-time code, once only (its step is stored before the answer)."""
    if body.otp is None:
        raise ApiError(
            ApiCode.MFA_REQUIRED,
            f"user {body.username} has two-factor login: send otp, the 6-digit code of the "
            "authenticator app",
            "otp",
        )
    why = mfa.check_otp_format(body.otp)
    if why is not None:
        raise ApiError(Code.INVALID_FIELD, why, "otp")
    username, otp = body.username, body.otp

    def job(w: Writer) -> bool:  # in the writer: read the last step and store the new one
        cur = UserStore.read(w.conn, username)
        if cur is None or cur.totp_secret is None:
            return False
        step = mfa.accepted_step(cur.totp_secret, otp, last_step=cur.totp_last_step)
        if step is None:
            return False
        mfa.store_step(w.conn, username, step)
        return True

    if not await services.sequencer.run(job):
        raise ApiError(
            ApiCode.UNAUTHENTICATED, "the one-time code is wrong, expired or already used", "otp"
        )
    return True


@router.post("/auth/token", response_model=TokenOut, responses=LOGIN_ERRORS)
async def token(body: LoginIn, request: Request, services: ServicesDep) -> Response:
    """Log in for the API: an opaque bearer token, valid ``expires_in`` seconds or until logout."""
    p, otp_ok = await _login(body, request, services)
    tok, _ = services.sessions.issue(p, mfa=otp_ok)
    await services.save_sessions()
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
    p, otp_ok = await _login(body, request, services)
    tok, s = services.sessions.issue(p, cookie=True, mfa=otp_ok)
    assert s.csrf is not None
    await services.save_sessions()
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
    services.sessions.revoke(auth.token)  # the private feed of this session closes too
    await services.save_sessions()
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


@router.post("/auth/mfa/enroll", response_model=MfaEnrollOut, responses=errors(401, 403, 409))
async def mfa_enroll(auth: AuthDep, services: ServicesDep) -> Response:
    """Start two-factor login: a new secret for an authenticator app. It is on once a code is
    proved with ``POST /auth/mfa/confirm``; until then logging in works as before."""
    username = auth.principal.username
    user = identity_of(services.state).users.get(username)
    if user is not None and user.mfa:
        raise ApiError(
            Code.ALREADY_DONE,
            f"user {username} already has two-factor login; a registry operator resets it",
            "otp",
        )
    secret = mfa.new_secret()
    await services.sequencer.run(lambda w: mfa.store_pending(w.conn, username, secret))
    return json_response(MfaEnrollOut(secret=secret, otpauth_uri=mfa.otpauth_uri(secret, username)))


@router.post("/auth/mfa/confirm", response_model=MfaOut, responses=errors(401, 403, 409, 422))
async def mfa_confirm(body: MfaConfirmIn, auth: AuthDep, services: ServicesDep) -> Response:
    """Prove a code of the enrolled secret: two-factor login is on from now (journaled), and
    this session counts as opened with a code."""
    why = mfa.check_otp_format(body.otp)
    if why is not None:
        raise ApiError(Code.INVALID_FIELD, why, "otp")
    username, otp = auth.principal.username, body.otp

    def job(w: Writer) -> tuple[int, bytes]:
        cur = UserStore.read(w.conn, username)
        if cur is None or cur.totp_pending is None:
            return rejection_body(
                Rejection(Code.INVALID_STATE, "no enrolment: POST /auth/mfa/enroll first", "otp")
            )
        step = mfa.accepted_step(cur.totp_pending, otp)
        if step is None:
            return rejection_body(
                Rejection(Code.INVALID_FIELD, "the one-time code does not match the secret", "otp")
            )
        r = w.submit(SetMfa(username, True), username)
        if isinstance(r, Rejection):
            return rejection_body(r)
        mfa.store_secret(w.conn, username, cur.totp_pending, step)
        return 200, MfaOut(mfa=True).model_dump_json().encode()

    status, out = await services.sequencer.run(job)
    if status == 200:
        services.sessions.mark_mfa(auth.token)
        await services.save_sessions()
    return Response(out, status_code=status, media_type="application/json")
