"""What a page's loaders work with: the viewer, its language, the page's parameters, and GET
access to the API as the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

API = "/api/v1"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in user of a page."""

    username: str
    role: str
    account_id: str | None
    csrf: str
    token: str

    @property
    def is_participant(self) -> bool:
        return self.role == "participant"


@dataclass(frozen=True, slots=True)
class Got:
    """One API answer: the JSON body when ``ok``, else the contract's error."""

    status: int
    data: Any
    error: dict[str, Any] | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def rows(self) -> list[Any]:
        """The list in a ``{data: [...]}`` answer (or the answer itself if it is a list)."""
        if not self.ok:
            return []
        if isinstance(self.data, list):
            return self.data
        if isinstance(self.data, dict):
            inner = self.data.get("data")
            if isinstance(inner, list):
                return inner
        return []

    @property
    def missing(self) -> bool:
        """The endpoint does not exist on this server (an older or partial deployment)."""
        if self.error is None or self.status not in (404, 405):
            return False
        message = str(self.error.get("message", ""))
        return message.startswith(("no such path", "method not allowed"))


class Ctx:
    """One page (or fragment) request: loaders call :meth:`get` for the API's answers."""

    def __init__(
        self, http: httpx.AsyncClient, viewer: Viewer, lang: str, params: dict[str, str]
    ) -> None:
        self.http = http
        self.viewer = viewer
        self.lang = lang
        self.params = dict(params)

    async def get(self, path: str, **query: Any) -> Got:
        q = {k: v for k, v in query.items() if v is not None and v != ""}
        try:
            r = await self.http.get(API + path, params=q)
        except httpx.HTTPError as exc:  # the in-process call itself failed: show, don't crash
            return Got(0, None, {"code": "UNAVAILABLE", "message": str(exc), "field": None})
        try:
            body = r.json()
        except ValueError:
            body = None
        if r.status_code >= 400:
            err = body.get("error") if isinstance(body, dict) else None
            if not isinstance(err, dict):
                err = {"code": "HTTP_ERROR", "message": r.text[:200], "field": None}
            return Got(r.status_code, None, err)
        return Got(r.status_code, body, None)

    def param(self, name: str, default: str = "") -> str:
        return str(self.params.get(name, default) or default)
