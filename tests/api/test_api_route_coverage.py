"""Every route of the API has an authorization entry: a row of the role × endpoint × account
matrices (:mod:`test_api_matrix`, :mod:`test_api_authz_trading`, :mod:`test_api_matrix_more`,
:mod:`test_api_matrix_cycle`) or a named test of its own.
The routes are read from the app itself, so an endpoint added later without an entry fails
here."""

from __future__ import annotations

import re

import test_api_authz_trading as trading
import test_api_matrix as matrix
import test_api_matrix_cycle as cycle
import test_api_matrix_more as more

from openets.api.app import create_app
from openets.bootstrap import open_market

PREFIX = "/api/v1"

ELSEWHERE = {
    ("POST", "/auth/token"): "test_api_auth, test_api_mfa, test_api_login_throttle",
    ("POST", "/auth/session"): "test_api_auth (cookie sessions with CSRF)",
    ("POST", "/auth/logout"): "test_api_auth, test_api_sessions",
    ("POST", "/auth/mfa/confirm"): "test_api_mfa (only the user's own enrolment)",
    ("POST", "/bank/reports"): "test_api_bank_reports (the settlement bank only; others 403)",
    ("GET", "/bank/reports"): "test_api_bank_reports (exchange operators, regulator, the bank)",
}
"""Routes whose authorization a test of their own checks (who may call them is the caller)."""


def _norm(path: str) -> str:
    """The route of a path: its parameters as ``{}``, without a query string."""
    return re.sub(r"\{[^}]+\}", "{}", path.split("?", 1)[0])


def _app_routes() -> set[tuple[str, str]]:
    market = open_market(None)
    schema = create_app(market).openapi()
    return {
        (m.upper(), _norm(p.removeprefix(PREFIX)))
        for p, ops in schema["paths"].items()
        if p.startswith(PREFIX)
        for m in ops
    }


def _in_matrices() -> set[tuple[str, str]]:
    eps = [
        *matrix.ENDPOINTS,
        *trading.ENDPOINTS,
        *trading.ORDER_ENDPOINTS,
        *more.ENDPOINTS,
        *cycle.ENDPOINTS,
        *cycle.PENALTY_ENDPOINTS,
        *cycle.CARRY_OVER_ENDPOINTS,
        *cycle.EOD_ENDPOINTS,
        *cycle.RESERVE_ENDPOINTS,
    ]
    return {(e.method, _norm(e.path)) for e in eps}


def test_every_route_has_an_authorization_entry() -> None:
    routes = _app_routes()
    known = _in_matrices() | set(ELSEWHERE)
    missing = sorted(routes - known)
    assert missing == [], f"routes without a row in an authorization matrix: {missing}"
