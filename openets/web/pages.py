"""The browser terminal: server-rendered pages over the public HTTP API, in Chinese and English.

``mount(app, services)`` adds the pages, their fragments and the static assets to the API's
FastAPI app. Every figure a page shows is fetched from ``/api/v1`` in-process with the
browser's own session cookie, so a page never shows what its user could not fetch itself (a
participant sees only its own account). Commands go from the browser straight to ``/api/v1``
with the cookie and the CSRF token (``static/app.js``); the live parts of a page are fragments
(``/frag/<name>``) that htmx fetches again after a command and every few seconds.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import jinja2
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from openets.api.deps import Services
from openets.api.security import SESSION_COOKIE
from openets.api.users import active_principal
from openets.compliance.plans import PRESETS as PLAN_PRESETS
from openets.web import errors, fmt, i18n
from openets.web.context import Ctx, Got, Viewer
from openets.web.views import FRAGMENTS, PAGES, Page, home_of, nav_for

WEB_DIR = Path(__file__).parent
LANG_COOKIE = "openets_lang"
LANG_MAX_AGE = 365 * 86_400
INTERNAL_BASE = "http://openets.internal"


SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}
"""Pages run only the terminal's own scripts (ECharts sets inline styles) and are never framed."""

DOCS_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
}
"""Swagger UI and ReDoc (vendored) set inline styles; ReDoc searches in a worker."""


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go to after login or a language switch (never another site)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ch.isspace() or ord(ch) < 32 for ch in target)
    ):
        return default
    return target


class Web:
    """The terminal's templates and its in-process access to the API."""

    def __init__(self, app: FastAPI, services: Services) -> None:
        self.app = app
        self.services = services
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.ChainableUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(fmt.FILTERS)
        self.env.filters["errtext"] = lambda err, t: errors.localise(getattr(t, "lang", "zh"), err)
        self.env.filters["evidence"] = errors.evidence
        self.env.filters["about"] = errors.about
        self.transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    # --- who and which language -------------------------------------------------------------
    def viewer(self, request: Request) -> Viewer | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        s = self.services.sessions.lookup(token)
        if s is None or s.csrf is None:
            return None
        p = active_principal(self.services.state, s.principal.username)
        if p is None:
            return None
        return Viewer(p.username, p.role.value, p.account_id, s.csrf, token)

    @staticmethod
    def lang(request: Request) -> str:
        return i18n.pick_lang(
            request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
        )

    # --- rendering --------------------------------------------------------------------------
    def base_context(self, request: Request, viewer: Viewer | None, lang: str) -> dict[str, Any]:
        now = self.services.clock.now()
        return {
            "lang": lang,
            "t": i18n.translator(lang),
            "v": viewer,
            "path": request.url.path,
            "full_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "market_now": fmt.fmt_datetime(now.isoformat(), lang),
            "market_iso": now.isoformat(),
            "clock_mode": "simulated" if self.services.simulated else "real",
            "nav": nav_for(viewer.role) if viewer else [],
            "js_strings": Markup(
                json.dumps(i18n.js_strings(lang), ensure_ascii=False).replace("</", "<\\/")
            ),
            "updown": i18n.UPDOWN[lang],
            "err_patterns": Markup(json.dumps(errors.js_patterns()).replace("</", "<\\/")),
            "provinces": i18n.PROVINCE_ORDER,
            "plans": list(PLAN_PRESETS),
        }

    def render(self, template: str, ctx: Mapping[str, Any], status: int = 200) -> HTMLResponse:
        html = self.env.get_template(template).render(**ctx)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def fragment_html(
        self, name: str, c: Ctx, data: Mapping[str, Any], base: dict[str, Any]
    ) -> str:
        frag = FRAGMENTS[name]
        ctx = {**base, "d": data, "p": c.params, "name": name}
        return self.env.get_template(frag.template).render(ctx)

    async def load(self, names: tuple[str, ...], c: Ctx) -> dict[str, dict[str, Any]]:
        """The data of the fragments the viewer's role may see (others stay empty)."""
        shown = [n for n in names if c.viewer.role in FRAGMENTS[n].roles]
        results = await asyncio.gather(*(FRAGMENTS[n].loader(c) for n in shown))
        return dict(zip(shown, results, strict=True))

    def client(self, viewer: Viewer) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.transport,
            base_url=INTERNAL_BASE,
            cookies={SESSION_COOKIE: viewer.token},
            timeout=30.0,
        )

    # --- handlers ---------------------------------------------------------------------------
    async def page(self, request: Request, page: Page) -> Response:
        viewer = self.viewer(request)
        lang = self.lang(request)
        if viewer is None:
            nxt = urlencode({"next": request.url.path})
            return RedirectResponse(f"/login?{nxt}", status_code=303)
        base = self.base_context(request, viewer, lang)
        base["page"] = page
        if viewer.role not in page.roles:
            return self.render("forbidden.html", base, status=403)
        params = {**request.query_params, **request.path_params}
        async with self.client(viewer) as http:
            c = Ctx(http, viewer, lang, params)
            extra = await page.prepare(c) if page.prepare else {}
            if extra.get("not_found"):
                return self.render("notfound.html", base, status=404)
            c.params.update(extra)
            data = await self.load(page.frags, c)
        base["p"] = c.params

        def frag(name: str) -> Markup:
            f = FRAGMENTS[name]
            if name not in data:
                return Markup("")
            inner = self.fragment_html(name, c, data[name], base)
            qs = urlencode({k: v for k, v in c.params.items() if k in f.params})
            trigger = ", ".join(
                [f"{e} from:body" for e in ("refresh", *f.on)]
                + ([f"every {f.poll}s"] if f.poll else [])
            )
            return Markup(
                '<div id="f-{n}" class="frag frag-{n}" hx-get="/frag/{n}{q}" hx-trigger="{tr}" '
                'hx-swap="innerHTML">{inner}</div>'
            ).format(n=name, q=("?" + qs) if qs else "", tr=trigger, inner=Markup(inner))

        base["frag"] = frag
        return self.render(page.template, base)

    async def fragment(self, request: Request, name: str) -> Response:
        f = FRAGMENTS.get(name)
        viewer = self.viewer(request)
        if f is None:
            return HTMLResponse("", status_code=404)
        if viewer is None:
            # htmx follows this header: the session has ended, go log in again
            return HTMLResponse("", status_code=401, headers={"HX-Redirect": "/login"})
        lang = self.lang(request)
        base = self.base_context(request, viewer, lang)
        if viewer.role not in f.roles:
            return HTMLResponse("", status_code=403)
        params = {k: v for k, v in request.query_params.items() if k in f.params}
        async with self.client(viewer) as http:
            c = Ctx(http, viewer, lang, params)
            data = await f.loader(c)
        base["p"] = c.params
        html = self.fragment_html(name, c, data, base)
        return HTMLResponse(html, headers=SECURITY_HEADERS)

    def not_found(self, request: Request) -> Response:
        viewer = self.viewer(request)
        base = self.base_context(request, viewer, self.lang(request))
        return self.render("notfound.html", base, status=404)

    def docs_page(self, request: Request, template: str) -> Response:
        base = self.base_context(request, self.viewer(request), self.lang(request))
        html = self.env.get_template(template).render(**base)
        return HTMLResponse(html, headers=DOCS_HEADERS)

    def login_page(self, request: Request) -> Response:
        lang = self.lang(request)
        viewer = self.viewer(request)
        base = self.base_context(request, None, lang)
        base["next"] = safe_next(request.query_params.get("next"), "/")
        base["already"] = viewer
        return self.render("login.html", base)

    async def home(self, request: Request) -> Response:
        """The first page of the viewer's role: a covered entity's participant lands on its
        compliance page, other participants on the trading page, staff on their console."""
        viewer = self.viewer(request)
        if viewer is None:
            return RedirectResponse("/login", status_code=303)
        kind = None
        if viewer.is_participant and viewer.account_id:
            async with self.client(viewer) as http:
                got = await Ctx(http, viewer, "zh", {}).get(
                    f"/registry/accounts/{viewer.account_id}"
                )
            kind = got.data.get("subject_type") if got.ok and isinstance(got.data, dict) else None
        return RedirectResponse(home_of(viewer.role, kind), status_code=303)

    def switch_lang(self, request: Request, code: str) -> Response:
        target = safe_next(request.query_params.get("next"), "/")
        resp = RedirectResponse(target, status_code=303)
        if code in i18n.LANGS:
            resp.set_cookie(LANG_COOKIE, code, max_age=LANG_MAX_AGE, path="/", samesite="lax")
        return resp


def _page_handler(web: Web, page: Page) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        return await web.page(request, page)

    handler.__name__ = f"page_{page.name.replace('.', '_')}"
    return handler


def mount(app: FastAPI, services: Services) -> Web:
    """Add the browser terminal (pages, fragments, static assets) to ``app``."""
    web = Web(app, services)
    app.state.web = web
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")

    async def home(request: Request) -> Response:
        return await web.home(request)

    async def login(request: Request) -> Response:
        return web.login_page(request)

    async def lang(request: Request, code: str) -> Response:
        return web.switch_lang(request, code)

    async def fragment(request: Request, name: str) -> Response:
        return await web.fragment(request, name)

    async def refusals(request: Request, code: str) -> Response:
        if code not in i18n.LANGS:
            return Response(status_code=404)
        return Response(
            errors.js_shapes(code),
            media_type="application/json",
            headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    routes: list[tuple[str, Callable[..., Any]]] = [
        ("/", home),
        ("/login", login),
        ("/lang/{code}", lang),
        ("/frag/{name}", fragment),
        ("/i18n/refusals/{code}.json", refusals),
    ]

    async def swagger(request: Request) -> Response:
        return web.docs_page(request, "swagger.html")

    async def redoc(request: Request) -> Response:
        return web.docs_page(request, "redoc.html")

    # the API's documentation from the vendored Swagger UI and ReDoc, never a CDN
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") != "/docs"]
    routes += [("/docs", swagger), ("/redoc", redoc)]
    routes += [(page.path, _page_handler(web, page)) for page in PAGES]
    for path, fn in routes:
        app.add_api_route(path, fn, methods=["GET"], include_in_schema=False)
    install_not_found_page(app, web)
    return web


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, not a script or a file)."""
    path = request.url.path
    if path.startswith(("/api/", "/static/", "/frag/")) or path in ("/openapi.json", "/metrics"):
        return False
    return "text/html" in request.headers.get("accept", "")


def install_not_found_page(app: FastAPI, web: Web) -> None:
    """Unknown paths answer a browser with the terminal's 404 page; the API keeps its JSON."""
    api_handler = app.exception_handlers.get(StarletteHTTPException)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404 and wants_html(request):
            return web.not_found(request)
        assert api_handler is not None
        answer = api_handler(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(StarletteHTTPException, on_http)


__all__ = ["Ctx", "Got", "Viewer", "Web", "mount", "safe_next"]
