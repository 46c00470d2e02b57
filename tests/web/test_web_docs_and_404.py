"""The API's documentation served from vendored files (works offline), and 404s: a page for
browsers, the JSON error for the API, a 404 for a trade page of no instrument."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveWeb
from tabs import Tab


def test_docs_load_swagger_ui_from_the_server_itself(web: LiveWeb) -> None:
    with web.http() as h:
        html = h.get("/docs").text
        assert "/static/vendor/swagger-ui-bundle.js" in html
        assert "cdn" not in html.lower() and "https://" not in html
        assert h.get("/static/vendor/swagger-ui-bundle.js").status_code == 200
        assert h.get("/static/vendor/swagger-ui.css").status_code == 200


def test_redoc_loads_from_the_server_itself(web: LiveWeb) -> None:
    with web.http() as h:
        html = h.get("/redoc").text
        assert "/static/vendor/redoc.standalone.js" in html and "https://" not in html
        assert h.get("/static/vendor/redoc.standalone.js").status_code == 200


def test_an_unknown_path_gives_browsers_a_404_page(web: LiveWeb) -> None:
    with web.http(lang="zh") as h:
        r = h.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml"})
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("text/html")
        assert "页面不存在" in r.text


def test_an_unknown_api_path_keeps_the_json_error(web: LiveWeb) -> None:
    with web.http() as h:
        r = h.get("/api/v1/no/such", headers={"Accept": "text/html"})
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "NOT_FOUND"


def test_a_trade_page_of_an_unknown_instrument_is_not_found(web: LiveWeb) -> None:
    firm = web.participant("未知品种电厂")
    with web.http(firm.username, lang="en") as h:
        r = h.get("/trade/NOPE")
        assert r.status_code == 404
        assert "Page not found" in r.text
        assert "post-listing" not in r.text


@pytest.mark.browser
def test_swagger_ui_and_redoc_render_offline(web: LiveWeb, browser: Any) -> None:
    tab = Tab(browser, web)
    tab.context.route("**/*", _local_only(web.base_url))
    tab.go("/docs")
    tab.page.locator(".swagger-ui .opblock").first.wait_for()
    tab.shot("api_docs_swagger")
    tab.go("/redoc")
    tab.page.locator("redoc .api-content, [role=main], .menu-content").first.wait_for()
    # ReDoc's "API docs by Redocly" badge points at its CDN: the policy blocks it, nothing else
    tab.errors = [e for e in tab.errors if "cdn.redoc.ly" not in e]
    tab.close()


def _local_only(base: str) -> Any:
    def route(r: Any) -> None:
        if r.request.url.startswith(base) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            r.abort()

    return route
