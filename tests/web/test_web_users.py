"""Users and two-factor login in a real browser: a registry operator asks for a staff login in
the users page, it waits there, another operator approves it; the new user turns two-factor
login on from its own page. In Chinese, and the page in English."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pyotp
import pytest
from conftest import PASSWORD, LiveWeb
from test_web_browser import Session, browser  # noqa: F401 - the module's browser fixture

from openets.api import mfa

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_staff_login_made_in_the_users_page_waits_for_another_person(
    web: LiveWeb,
    browser: Any,  # noqa: F811
) -> None:
    name = f"staff{secrets.token_hex(3)}"
    first = Session(browser, web)
    first.login("regop")
    first.go("/registry/users")
    form = first.page.locator("form.create-user")
    form.locator("input[name=username]").fill(name)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("select[name=role]").select_option("exchange_operator")
    form.locator("input[name='person.name']").fill("王小明")
    form.locator("input[name='person.id_number']").fill(secrets.token_hex(9).upper())
    form.locator("button[type=submit]").click()
    first.toast("已提交")
    row = first.page.locator(f'#f-users tr[data-user="{name}"]')
    row.wait_for()
    assert row.get_attribute("data-status") == "pending_approval"
    assert row.locator("form[data-api$='/approve']").count() == 0  # not by its requester
    first.shot("registry_users_zh")
    first.close()

    second = Session(browser, web)
    second.login("regop2")
    second.go("/registry/users")
    row = second.page.locator(f'#f-users tr[data-user="{name}"]')
    row.locator("form[data-api$='/approve'] button").click()
    second.toast("已批准")
    second.page.locator(f'#f-users tr[data-user="{name}"][data-status="active"]').wait_for()
    second.close()

    me = Session(browser, web)
    me.login(name)
    me.go("/security")
    me.page.locator("form.mfa-enroll button").click()
    secret_el = me.page.locator("#mfa-secret [data-field=secret]")
    secret_el.wait_for()
    secret = secret_el.inner_text().strip()
    assert len(secret) >= 16
    step = int(time.time()) // mfa.STEP_SECONDS
    me.page.fill("form.mfa-confirm input[name=otp]", mfa.code_at(secret, step))
    me.page.click("form.mfa-confirm button[type=submit]")
    me.toast("双重验证已开启")
    assert web.server.services.state.identity.users[name].mfa is True
    assert pyotp.TOTP(secret).verify(mfa.code_at(secret, step), for_time=step * 30)
    me.close()


def test_a_disabled_login_is_re_enabled_in_the_users_page_only_by_another_person(
    web: LiveWeb,
    browser: Any,  # noqa: F811
) -> None:
    name = web.participant("复用电厂").username
    web.client("regop2").disable_user(name, "授权到期")
    first = Session(browser, web)
    first.login("regop")
    first.go("/registry/users")
    row = first.page.locator(f'#f-users tr[data-user="{name}"]')
    assert row.get_attribute("data-status") == "disabled"
    row.locator("form[data-api$='/enable'] button").click()
    first.toast("已申请重新启用")
    asked = first.page.locator(f'#f-users tr[data-user="{name}"][data-pending-enable="1"]')
    asked.wait_for()
    assert "待复核启用" in asked.inner_text()
    assert asked.locator("form[data-api$='/approve']").count() == 0  # not by its requester
    assert asked.locator("form.withdraw-enable").count() == 1  # the request can be withdrawn
    first.close()
    u = web.server.services.state.identity.users[name]
    assert (u.status.value, u.pending_by) == ("disabled", "regop")

    second = Session(browser, web, lang="en")
    second.login("regop2")
    second.go("/registry/users")
    row = second.page.locator(f'#f-users tr[data-user="{name}"]')
    assert "re-enabling waits for approval" in row.inner_text()
    row.locator("form[data-api$='/approve'] button").click()
    second.page.locator(f'#f-users tr[data-user="{name}"][data-status="active"]').wait_for()
    active = second.page.locator(f'#f-users tr[data-user="{name}"]')
    assert active.locator("form[data-api$='/enable']").count() == 0
    assert active.locator("form[data-api$='/disable']").count() == 1
    second.close()
    u = web.server.services.state.identity.users[name]
    assert (u.status.value, u.enable_requested_by, u.approved_by) == ("active", "regop", "regop2")
    assert web.client(name).me()["username"] == name  # the login works again


def test_login_security_page_speaks_english(web: LiveWeb, browser: Any) -> None:  # noqa: F811
    s = Session(browser, web, lang="en")
    s.login("regop")
    s.go("/security")
    assert "Two-factor login" in s.page.inner_text("main")
    s.go("/registry/users")
    s.page.locator("#f-users table").wait_for()
    text = s.page.inner_text("main")
    assert "Requested by" in text and "Approved by" in text
    s.close()


@pytest.mark.parametrize(
    ("lang", "asked"), [("zh", "已申请变更角色"), ("en", "Role change requested")]
)
def test_a_role_change_asked_in_the_users_page_takes_effect_when_another_person_approves(
    web: LiveWeb,
    browser: Any,  # noqa: F811
    lang: str,
    asked: str,
) -> None:
    name = f"staff{secrets.token_hex(3)}"
    person = {"name": "李四", "id_number": secrets.token_hex(9).upper()}
    web.client("regop").create_user(name, PASSWORD, "exchange_operator", person=person)
    web.client("regop2").approve_user(name)
    first = Session(browser, web, lang=lang)
    first.login("regop")
    first.go("/registry/users")
    form = first.page.locator("form.change-role")
    form.locator("input[name=user_id]").fill(name)
    form.locator("select[name=role]").select_option("participant")  # no account: refused
    form.locator("button[type=submit]").click()
    form.locator(".form-msg.err").wait_for()
    form.locator("input[name=account_id].invalid").wait_for()
    form.locator("select[name=role]").select_option("regulator")
    form.locator("button[type=submit]").click()
    first.toast(asked)
    row = first.page.locator(f'#f-users tr[data-user="{name}"]')
    row.locator("form[data-api$='/disable']").wait_for()
    assert row.locator("form[data-api$='/approve']").count() == 0  # not by its requester
    first.close()
    u = _user(web, name)
    assert (u["role"], u["pending_role"], u["pending_by"]) == (
        "exchange_operator",
        "regulator",
        "regop",
    )
    second = Session(browser, web, lang=lang)
    second.login("regop2")
    second.go("/registry/users")
    row = second.page.locator(f'#f-users tr[data-user="{name}"]')
    row.locator("form[data-api$='/approve'] button").click()
    row.locator("form[data-api$='/approve']").wait_for(state="detached")
    second.close()
    u = _user(web, name)
    assert (u["role"], u["pending_role"]) == ("regulator", None)


def _user(web: LiveWeb, name: str) -> dict[str, Any]:
    return next(u for u in web.client("regop").get("/users")["data"] if u["username"] == name)
