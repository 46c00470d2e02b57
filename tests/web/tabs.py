"""Shared pieces of the browser tests: chromium through Playwright, one user's tab."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import PASSWORD, SCREENSHOTS, LiveWeb

TIMEOUT_MS = 15_000
WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
"""Waits two animation frames: the charts have drawn their first frame."""


class Tab:
    """One user's browser tab; records the page's script errors."""

    def __init__(
        self, browser: Any, web: LiveWeb, lang: str = "zh", viewport: dict[str, int] | None = None
    ) -> None:
        self.web = web
        self.context = browser.new_context(viewport=viewport or WIDE, locale="zh-CN")
        self.context.add_cookies([{"name": "openets_lang", "value": lang, "url": web.base_url}])
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)

    def _dialog(self, d: Any) -> None:
        self.dialogs.append(str(d.message))
        d.accept()

    def _console(self, msg: Any) -> None:
        if msg.type == "error" and "Content Security Policy" in msg.text:
            self.errors.append(msg.text)

    def login(self, username: str) -> None:
        """Signs in as the login page's script does (POST /api/v1/auth/session; the tab keeps the
        session cookie), then opens "/", where the login page sends the user: its first page.
        The login form itself is driven by :meth:`login_in_form` (the day walk, the first pages)."""
        body = {"username": username, "password": PASSWORD}
        r = self.context.request.post(self.web.base_url + "/api/v1/auth/session", data=body)
        assert r.ok, (r.status, r.text())
        self.page.goto(self.web.base_url + "/")
        self.page.wait_for_url(re.compile(r"^(?!.*/login).*$"))

    def login_in_form(self, username: str) -> None:
        """Signs in through the login page's form."""
        self.page.goto(self.web.base_url + "/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("#login-form button[type=submit]")
        self.page.wait_for_url(re.compile(r"^(?!.*/login).*$"))

    def go(self, path: str) -> None:
        self.page.goto(self.web.base_url + path)

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # let the charts finish their first frame (two animation frames, not a fixed wait)
        self.page.evaluate(TWO_FRAMES)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def toast(self, text: str) -> None:
        self.page.locator("#toast .t", has_text=text).first.wait_for()

    def close(self) -> None:
        assert self.errors == [], self.errors
        self.context.close()


def refused_transfer(
    browser: Any, web: LiveWeb, lang: str, src: str, dst: str, qty: str
) -> tuple[str | None, str]:
    """The registry operator's transfer form sent in ``lang`` with what the server refuses:
    the refusal's code and the words the page shows (the page must log no script error)."""
    tab = Tab(browser, web, lang)
    try:
        tab.login_in_form("regop")
        tab.go("/registry/approvals")
        tab.page.wait_for_load_state("networkidle")
        form = tab.page.locator("form.transfer")
        form.locator("input[name=from_account]").fill(src)
        form.locator("input[name=to_account]").fill(dst)
        form.locator("input[name=product]").fill("CEA19-20")
        form.locator("input[name=quantity]").fill(qty)
        form.locator("button[type=submit]").click()
        msg = form.locator(".form-msg.err")
        msg.wait_for()
        return msg.get_attribute("data-code"), msg.inner_text()
    finally:
        tab.close()
