"""The terminal's pages over HTTP (no browser): login, language, roles, what a user may see."""

from __future__ import annotations

import re

import pytest
from conftest import STAFF, LiveWeb

from openets.api.security import SESSION_COOKIE
from openets.web import i18n
from openets.web.views import PAGES, nav_for

ROLE_USER = {role: user for user, role in reversed(list(STAFF.items()))}


def plain_pages(role: str) -> list[str]:
    return [p.path for p in nav_for(role) if "{" not in p.path]


@pytest.fixture(scope="module", autouse=True)
def listed(web: LiveWeb) -> None:
    web.instrument("CEA19-20", "48.00")


def test_a_page_sends_a_visitor_without_a_session_to_the_login(web: LiveWeb) -> None:
    with web.http() as h:
        r = h.get("/market")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fmarket"


def test_login_page_is_chinese_by_default_and_english_by_cookie(web: LiveWeb) -> None:
    with web.http() as h:
        zh = h.get("/login").text
    with web.http(lang="en") as h:
        en = h.get("/login").text
    assert i18n.ZH["login.title"] in zh and 'lang="zh-CN"' in zh
    assert i18n.EN["login.intro"] in en and '<html lang="en"' in en


def test_language_switch_sets_the_cookie_and_returns_to_the_page(web: LiveWeb) -> None:
    with web.http() as h:
        r = h.get("/lang/en", params={"next": "/market?x=1"})
    assert r.status_code == 303
    assert r.headers["location"] == "/market?x=1"
    assert "openets_lang=en" in r.headers["set-cookie"]


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "\\\\evil", "/\t/evil.example/"]
)
def test_language_switch_never_sends_the_user_off_the_site(web: LiveWeb, target: str) -> None:
    with web.http() as h:
        r = h.get("/lang/zh", params={"next": target})
    assert r.headers["location"] == "/"


@pytest.mark.parametrize("role", sorted(ROLE_USER))
def test_every_page_of_a_role_says_who_is_logged_in_and_the_role(web: LiveWeb, role: str) -> None:
    user = ROLE_USER[role]
    with web.http(user) as h:
        for path in plain_pages(role):
            r = h.get(path)
            assert r.status_code == 200, (path, r.text[:500])
            assert f'data-username="{user}"' in r.text, path
            assert i18n.ZH[f"role.{role}"] in r.text, path
            assert "Traceback" not in r.text


def test_every_participant_page_renders_in_english(web: LiveWeb) -> None:
    firm = web.participant("英文测试电厂", tonnes=1000)
    with web.http(firm.username, lang="en") as h:
        for path in plain_pages("participant"):
            r = h.get(path)
            assert r.status_code == 200, path
            assert i18n.EN["role.participant"] in r.text
            assert 'data-lang="en"' in r.text
            assert not re.search(r"[\u4e00-\u9fff]", strip_user_data(r.text, firm.name)), path


def strip_user_data(html: str, *names: str) -> str:
    """The page without the language switch and the data users typed (names in Chinese)."""
    html = html.replace("中文", "")
    for n in names:
        html = html.replace(n, "")
    return html


def test_the_home_page_depends_on_the_role(web: LiveWeb) -> None:
    with web.http("regop") as h:
        assert h.get("/").headers["location"] == "/registry/accounts"
    with web.http("exop") as h:
        assert h.get("/").headers["location"] == "/exchange/instruments"


def test_a_participant_is_refused_the_operator_pages(web: LiveWeb) -> None:
    firm = web.participant("越权测试电厂")
    staff_only = [p.path for p in PAGES if "participant" not in p.roles]
    with web.http(firm.username) as h:
        for path in staff_only:
            r = h.get(path)
            assert r.status_code == 403, path
            assert i18n.ZH["forbidden.title"] in r.text


def test_a_participant_sees_only_its_own_account(web: LiveWeb) -> None:
    me = web.participant("本方电厂", tonnes=5000, yuan_fen=10_000_000)
    other = web.participant("他方电厂", province="广东", tonnes=7000, yuan_fen=20_000_000)
    with web.http(me.username) as h:
        for path in plain_pages("participant"):
            text = h.get(path).text
            assert other.account_id not in text, path
            assert other.name not in text, path
        assert me.account_id in h.get("/account").text


def test_pages_forbid_framing_and_foreign_scripts(web: LiveWeb) -> None:
    with web.http("regop") as h:
        r = h.get("/registry/accounts")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_a_page_carries_the_sessions_csrf_token(web: LiveWeb) -> None:
    with web.http("regop") as h:
        text = h.get("/registry/accounts").text
        assert f'<meta name="csrf-token" content="{h.headers["X-CSRF-Token"]}">' in text


def test_a_fragment_refreshes_alone_and_ends_with_the_session(web: LiveWeb) -> None:
    with web.http("exop") as h:
        r = h.get("/frag/overview")
        assert r.status_code == 200
        assert "<html" not in r.text and "CEA19-20" in r.text
        h.post("/api/v1/auth/logout")
        assert SESSION_COOKIE not in h.cookies
        r = h.get("/frag/overview")
    assert r.status_code == 401
    assert r.headers["HX-Redirect"] == "/login"


def test_front_end_libraries_are_served_locally_not_from_a_cdn(web: LiveWeb) -> None:
    with web.http("regulator") as h:
        for asset in ("vendor/echarts.min.js", "vendor/htmx.min.js", "app.js", "app.css"):
            assert h.get(f"/static/{asset}").status_code == 200, asset
        page = h.get("/regulator").text
    assert re.findall(r"""(?:src|href)=["']https?://""", page) == []
    assert "/static/vendor/echarts.min.js" in page


def test_market_overview_shows_prices_with_two_decimals_and_the_bands(web: LiveWeb) -> None:
    with web.http("regulator") as h:
        text = h.get("/market").text
    row = re.search(r'<tr data-instrument="CEA19-20">(.*?)</tr>', text, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[2:5] == ["48.00", "43.20", "52.80"]


def test_a_listing_posted_and_taken_with_the_cookie_shows_on_both_sides(web: LiveWeb) -> None:
    seller = web.participant("卖方电厂", tonnes=20_000)
    buyer = web.participant("买方电厂", yuan_fen=100_000_000)
    with web.http(seller.username) as s, web.http(buyer.username) as b:
        posted = s.post(
            "/api/v1/listings",
            json={
                "account_id": seller.account_id,
                "instrument": "CEA19-20",
                "side": "sell",
                "price": "50.00",
                "quantity": 12_000,
            },
        )
        assert posted.status_code == 201, posted.text
        lid = posted.json()["listing_id"]
        assert f'data-listing="{lid}"' in b.get("/trade/CEA19-20").text
        taken = b.post(
            f"/api/v1/listings/{lid}/take", json={"account_id": buyer.account_id, "quantity": 2500}
        )
        assert taken.status_code == 201, taken.text
        trade_id = taken.json()["trade_id"]
        assert f'data-trade="{trade_id}"' in b.get("/trades").text
        assert f'data-trade="{trade_id}"' in b.get("/frag/tape?instrument=CEA19-20").text
        holdings = s.get("/account").text
    # 8,000 free; 9,500 locked on the listing; 2,500 sold, to deliver at settlement
    assert bucket(holdings, "available") == "8,000"
    assert bucket(holdings, "locked") == "9,500"
    assert bucket(holdings, "to_deliver") == "2,500"


def bucket(html: str, name: str, product: str = "CEA19-20") -> str:
    row = re.search(rf'<tr data-product="{product}">(.*?)</tr>', html, re.S)
    assert row is not None, html
    cell = re.search(rf'data-bucket="{name}">([^<]*)<', row.group(1))
    assert cell is not None
    return cell.group(1)


def test_money_fields_are_hinted_as_amounts_in_yuan_not_as_prices(web: LiveWeb) -> None:
    me = web.participant("金额提示电厂", yuan_fen=10_000_000)
    with web.http(me.username) as h:
        page = h.get("/account").text
    amounts = re.findall(r'<input name="(?:amount|loan)"[^>]*placeholder="([^"]*)"', page)
    assert amounts and set(amounts) == {i18n.ZH["ph.amount"]}


def test_calendar_lists_are_separated_in_the_pages_language(web: LiveWeb) -> None:
    with web.http("regulator", lang="en") as h:
        en = h.get("/frag/calendar?year=2021").text
    with web.http("regulator", lang="zh") as h:
        zh = h.get("/frag/calendar?year=2021").text
    assert "data-step" in en and "、" in zh
    assert "、" not in en and "（" not in en


def test_users_page_names_the_set_up_in_the_pages_language_not_as_system(web: LiveWeb) -> None:
    with web.http("regop", lang="zh") as h:
        rows = h.get("/frag/users").text
    assert 'data-by="system"' in rows and i18n.ZH["actor.system"] in rows
    assert ">system<" not in rows


def test_a_year_without_entities_shows_no_compliance_rate_rather_than_a_full_one(
    web: LiveWeb,
) -> None:
    with web.http("regulator") as h:
        national = h.get("/frag/provinces?year=2040").text
    assert "figures national" in national and "100.00%" not in national
