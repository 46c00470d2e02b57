"""A small Python client for the OpenETS HTTP API (``/api/v1``), over httpx.

    from openets.client import Client
    c = Client.login("http://127.0.0.1:8000", "entity1", "secret")
    c.deposit("A000001", "1000.00")
    c.funds("A000001")["available"]

Money goes in and out as decimal strings (``"52.78"``), quantities as ints. An error answer
raises :class:`ApiError` with the contract's code, message and field.
"""

from __future__ import annotations

from typing import Any

import httpx

API = "/api/v1"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None) -> None:
        super().__init__(f"{status} {code}{f' [{field}]' if field else ''}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def _raise_for(resp: httpx.Response) -> None:
    if resp.status_code < 400:
        return
    try:
        err = resp.json()["error"]
        raise ApiError(resp.status_code, err["code"], err["message"], err.get("field"))
    except (ValueError, KeyError, TypeError):
        raise ApiError(resp.status_code, "HTTP_ERROR", resp.text[:200], None) from None


class Client:
    """A logged-in (or anonymous) session with the API."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        http: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http or httpx.Client(base_url=self.base_url, timeout=timeout)
        self.token = token

    @classmethod
    def login(
        cls, base_url: str, username: str, password: str, otp: str | None = None, **kw: Any
    ) -> Client:
        c = cls(base_url, **kw)
        c.authenticate(username, password, otp)
        return c

    def authenticate(self, username: str, password: str, otp: str | None = None) -> str:
        creds = {"username": username, "password": password}
        if otp is not None:
            creds["otp"] = otp
        body = self.post("/auth/token", creds)
        self.token = str(body["access_token"])
        return self.token

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- raw ------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """The raw response of ``method`` on ``/api/v1`` + ``path`` (no error raised)."""
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        if idempotency_key is not None:
            h["Idempotency-Key"] = idempotency_key
        return self.http.request(method, API + path, json=json, params=params, headers=h)

    def get(self, path: str, **params: Any) -> Any:
        p = {k.rstrip("_"): v for k, v in params.items() if v is not None}
        resp = self.request("GET", path, params=p)
        _raise_for(resp)
        return resp.json()

    def post(self, path: str, json: Any = None, *, idempotency_key: str | None = None) -> Any:
        resp = self.request("POST", path, json=json, idempotency_key=idempotency_key)
        _raise_for(resp)
        return resp.json()

    # --- auth and users -------------------------------------------------------------------
    def me(self) -> dict[str, Any]:
        return dict(self.get("/auth/me"))

    def logout(self) -> None:
        self.post("/auth/logout")
        self.token = None

    def create_user(
        self,
        username: str,
        password: str,
        role: str,
        account_id: str | None = None,
        permissions: list[str] | None = None,
        *,
        person: dict[str, str] | None = None,
        person_id: str | None = None,
    ) -> dict[str, Any]:
        """Request a login; it is ``pending_approval`` until another person approves it."""
        body: dict[str, Any] = {"username": username, "password": password, "role": role}
        if account_id is not None:
            body["account_id"] = account_id
        if permissions is not None:
            body["permissions"] = permissions
        if person is not None:
            body["person"] = person
        if person_id is not None:
            body["person_id"] = person_id
        return dict(self.post("/users", body))

    def users(self, **params: Any) -> list[dict[str, Any]]:
        return list(self.get("/users", **params)["data"])

    def approve_user(self, user_id: str, reason: str = "") -> dict[str, Any]:
        return dict(self.post(f"/users/{user_id}/approve", {"reason": reason}))

    def disable_user(self, user_id: str, reason: str) -> dict[str, Any]:
        return dict(self.post(f"/users/{user_id}/disable", {"reason": reason}))

    def enable_user(self, user_id: str, reason: str) -> dict[str, Any]:
        """Ask to re-enable a disabled login; another person approves (:meth:`approve_user`)."""
        return dict(self.post(f"/users/{user_id}/enable", {"reason": reason}))

    def change_role(
        self,
        user_id: str,
        role: str,
        account_id: str | None = None,
        permissions: list[str] | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"role": role}
        if account_id is not None:
            body["account_id"] = account_id
        if permissions is not None:
            body["permissions"] = permissions
        return dict(self.post(f"/users/{user_id}/role", body))

    # --- operations -----------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return dict(self.get("/health"))

    def metrics(self) -> str:
        resp = self.request("GET", "/metrics")
        _raise_for(resp)
        return resp.text

    def clock(self) -> dict[str, Any]:
        return dict(self.get("/ops/clock"))

    def advance_clock(self, seconds: int | None = None, to: str | None = None) -> dict[str, Any]:
        body = {"seconds": seconds} if to is None else {"to": to}
        return dict(self.post("/ops/clock/advance", body))

    # --- registry -------------------------------------------------------------------------
    def open_account(
        self, subject_type: str, name: str, id_code: str, province: str
    ) -> dict[str, Any]:
        body = {
            "subject_type": subject_type,
            "name": name,
            "id_code": id_code,
            "province": province,
        }
        return dict(self.post("/registry/accounts", body))

    def account(self, account_id: str) -> dict[str, Any]:
        return dict(self.get(f"/registry/accounts/{account_id}"))

    def accounts(self, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        return dict(self.get("/registry/accounts", limit=limit, offset=offset))

    def issue(
        self,
        account_id: str,
        product: str,
        quantity: int,
        reason: str = "",
        *,
        approver: Client | None = None,
    ) -> Any:
        """Ask for an issuance (a four-eyes request); with ``approver`` (another registry
        operator's client) it is approved at once and the decided request is returned."""
        body = {"account_id": account_id, "product": product, "quantity": quantity}
        req = self.post("/registry/issuances", {**body, "reason": reason})
        if approver is None:
            return req
        return approver.post(f"/registry/requests/{req['request_id']}/approve", {})

    def request_transfer(
        self, from_account: str, to_account: str, product: str, quantity: int, reason: str = ""
    ) -> dict[str, Any]:
        body = {
            "from_account": from_account,
            "to_account": to_account,
            "product": product,
            "quantity": quantity,
            "reason": reason,
        }
        return dict(self.post("/registry/transfers", body))

    def approve_transfer(self, request_id: str, reason: str = "") -> dict[str, Any]:
        return dict(self.post(f"/registry/transfers/{request_id}/approve", {"reason": reason}))

    def reject_transfer(self, request_id: str, reason: str = "") -> dict[str, Any]:
        return dict(self.post(f"/registry/transfers/{request_id}/reject", {"reason": reason}))

    def pending_requests(self) -> dict[str, Any]:
        return dict(self.get("/registry/requests"))

    def surrender(
        self, account_id: str, compliance_year: int, items: list[tuple[str, int]]
    ) -> dict[str, Any]:
        body = {
            "account_id": account_id,
            "compliance_year": compliance_year,
            "items": [{"product": p, "quantity": q} for p, q in items],
        }
        return dict(self.post("/registry/surrenders", body))

    def freeze(self, account_id: str, product: str, quantity: int, reason: str = "") -> Any:
        body = {"account_id": account_id, "product": product, "quantity": quantity}
        return self.post("/registry/freezes", {**body, "reason": reason})

    def unfreeze(self, account_id: str, product: str, quantity: int, reason: str = "") -> Any:
        body = {"account_id": account_id, "product": product, "quantity": quantity}
        return self.post("/registry/unfreezes", {**body, "reason": reason})

    def request_correction(self, tx_id: str, reason: str = "") -> dict[str, Any]:
        return dict(self.post("/registry/corrections", {"tx_id": tx_id, "reason": reason}))

    def approve_correction(self, request_id: str, reason: str = "") -> dict[str, Any]:
        return dict(self.post(f"/registry/corrections/{request_id}/approve", {"reason": reason}))

    def reject_correction(self, request_id: str, reason: str = "") -> dict[str, Any]:
        return dict(self.post(f"/registry/corrections/{request_id}/reject", {"reason": reason}))

    def report(self, product: str | None = None) -> dict[str, Any]:
        return dict(self.get("/registry/report", product=product))

    def statement(
        self, account_id: str, from_: str | None = None, to: str | None = None
    ) -> dict[str, Any]:
        return dict(self.get(f"/registry/accounts/{account_id}/statement", from_=from_, to=to))

    # --- funds ----------------------------------------------------------------------------
    def deposit(
        self, account_id: str, amount: str, *, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        body = {"account_id": account_id, "amount": amount}
        return dict(self.post("/funds/deposits", body, idempotency_key=idempotency_key))

    def withdraw(
        self, account_id: str, amount: str, *, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        body = {"account_id": account_id, "amount": amount}
        return dict(self.post("/funds/withdrawals", body, idempotency_key=idempotency_key))

    def funds(self, account_id: str) -> dict[str, Any]:
        return dict(self.get(f"/funds/{account_id}"))

    # --- trading and market data ------------------------------------------------------------
    def delete(self, path: str, **params: Any) -> Any:
        p = {k: v for k, v in params.items() if v is not None}
        resp = self.request("DELETE", path, params=p)
        _raise_for(resp)
        return resp.json()

    def instruments(self) -> dict[str, Any]:
        return dict(self.get("/instruments"))

    def post_listing(
        self,
        account_id: str,
        instrument: str,
        side: str,
        price: str,
        quantity: int,
        *,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """挂牌: post a buy or sell listing; price as a decimal string (``"52.80"``)."""
        body = {
            "account_id": account_id,
            "instrument": instrument,
            "side": side,
            "price": price,
            "quantity": quantity,
        }
        return dict(self.post("/listings", body, idempotency_key=idempotency_key))

    def take_listing(
        self,
        listing_id: str,
        account_id: str,
        quantity: int,
        *,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """摘牌: take ``quantity`` from a listing of the best five levels; returns the trade."""
        body = {"account_id": account_id, "quantity": quantity}
        return dict(
            self.post(f"/listings/{listing_id}/take", body, idempotency_key=idempotency_key)
        )

    def cancel_listing(self, listing_id: str, account_id: str | None = None) -> Any:
        return self.delete(f"/listings/{listing_id}", account_id=account_id)

    def depth(self, instrument: str) -> dict[str, Any]:
        return dict(self.get(f"/market/{instrument}/depth"))

    def best_listings(self, instrument: str) -> dict[str, Any]:
        """The anonymous listings of the best five levels per side: what a taker picks from."""
        return dict(self.get(f"/market/{instrument}/listings"))

    def tape(self, instrument: str) -> dict[str, Any]:
        return dict(self.get(f"/market/{instrument}/trades"))

    def bars(self, instrument: str, interval: str = "1d") -> dict[str, Any]:
        return dict(self.get(f"/market/{instrument}/bars", interval=interval))

    def daily_report(self, date: str, fmt: str = "json") -> Any:
        return self.get("/reports/daily", date=date, format=fmt)

    def end_of_day(self, force: bool = False) -> dict[str, Any]:
        return dict(self.post("/ops/eod", {"force": force}))

    def obligations(self, year: int) -> dict[str, Any]:
        return dict(self.get("/compliance/obligations", year=year))
