"""Every route of the API has an authorization entry: a row of the role × endpoint × account
matrices (:mod:`test_api_matrix`, :mod:`test_api_authz_trading`) or a named test of its own.
The routes are read from the app itself, so an endpoint added later without an entry fails
here."""

from __future__ import annotations

import re

import test_api_authz_trading as trading
import test_api_matrix as matrix

from openets.api.app import create_app
from openets.bootstrap import open_market

PREFIX = "/api/v1"

ELSEWHERE = {
    ("POST", "/auth/token"): "test_api_auth, test_api_mfa, test_api_login_throttle",
    ("POST", "/auth/session"): "test_api_auth (cookie sessions with CSRF)",
    ("POST", "/auth/logout"): "test_api_auth, test_api_sessions",
    ("POST", "/auth/mfa/confirm"): "test_api_mfa (only the user's own enrolment)",
}
"""Routes whose authorization a test of their own checks (who may call them is the caller)."""

NOT_YET_IN_MATRIX = frozenset(
    {
        ("DELETE", "/auctions/{}/bids/{}"),
        ("DELETE", "/block/requests/{}"),
        ("DELETE", "/block/requests/{}/quotes/{}"),
        ("GET", "/accounts/{}/positions"),
        ("GET", "/audit/head"),
        ("GET", "/compliance/allocations"),
        ("GET", "/compliance/obligations"),
        ("GET", "/compliance/report"),
        ("GET", "/compliance/reports"),
        ("GET", "/compliance/status"),
        ("GET", "/listings"),
        ("GET", "/metrics"),
        ("GET", "/notifications"),
        ("GET", "/orders"),
        ("GET", "/reports/daily"),
        ("GET", "/supervision/alerts/{}"),
        ("GET", "/supervision/cases/{}"),
        ("GET", "/trades"),
        ("POST", "/compliance/allocations/finalize"),
        ("POST", "/compliance/allocations/preallocate"),
        ("POST", "/compliance/penalties/assess"),
        ("POST", "/compliance/reports"),
        ("POST", "/compliance/reports/{}/{}/approve"),
        ("POST", "/compliance/reports/{}/{}/verify"),
        ("POST", "/finance/pledges/{}/default"),
        ("POST", "/finance/pledges/{}/default/approve"),
        ("POST", "/finance/pledges/{}/default/reject"),
        ("POST", "/finance/pledges/{}/release"),
        ("POST", "/notifications/{}/read"),
        ("POST", "/ops/eod"),
        ("POST", "/registry/accounts/{}/activate"),
        ("POST", "/registry/accounts/{}/close"),
        ("POST", "/registry/requests/{}/reject"),
        ("POST", "/supervision/cases"),
        ("POST", "/supervision/cases/{}/close"),
        ("POST", "/supervision/cases/{}/review"),
        ("POST", "/supervision/large-holders/{}/file"),
        ("POST", "/supervision/links/remove"),
    }
)
"""Routes that predate this test and are not rows of a matrix yet (their own tests check some
roles). The list may only shrink: a route added to a matrix must leave it."""


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


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
    eps = [*matrix.ENDPOINTS, *trading.ENDPOINTS, *trading.ORDER_ENDPOINTS]
    return {(e.method, _norm(e.path)) for e in eps}


def test_every_route_has_an_authorization_entry() -> None:
    routes = _app_routes()
    known = _in_matrices() | set(ELSEWHERE) | NOT_YET_IN_MATRIX
    missing = sorted(routes - known)
    assert missing == [], f"routes without a row in an authorization matrix: {missing}"


def test_routes_waiting_for_the_matrix_only_leave_the_list() -> None:
    routes = _app_routes()
    stale = sorted(NOT_YET_IN_MATRIX - routes)
    covered = sorted(NOT_YET_IN_MATRIX & (_in_matrices() | set(ELSEWHERE)))
    assert (stale, covered) == ([], []), "take these out of NOT_YET_IN_MATRIX"
