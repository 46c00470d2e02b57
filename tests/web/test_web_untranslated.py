"""Every page in Chinese is in Chinese: no English word left in what a page shows.

Each role's pages are fetched with a Chinese session over a market with trades, listings, a
block request, an auction, a four-eyes request and surveillance alerts, and the visible text
(not scripts, attributes, identifiers, usernames or the language switch) is searched for Latin
words. Instrument codes, identifiers and the product's name are allowed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import LiveWeb, live_web

from openets.compliance.mrv import AppointVerifier
from openets.compliance.run_messages import SubmitEmissionReport
from openets.compliance.state import SYSTEM_ACTOR, ReportLine
from openets.supervision import messages as sm
from openets.supervision.risk import Limit
from openets.web.views import nav_for

ALLOWED = {"OpenETS", "CEA", "CCER", "MA", "K", "CSV", "API", "OTP", "TOTP", "ID", "USCC"}
LATIN = re.compile(r"[A-Za-z][A-Za-z'’]+")
SKIP_TAGS = {"script", "style", "title"}
SKIP_CLASSES = {"id", "lang", "acct", "who", "code", "raw", "memo", "user"}
"""Identifiers, usernames, free text people typed (reasons, memos) and the language switch."""


class VisibleText(HTMLParser):
    """The text a reader sees, outside skipped elements (identifiers, the language switch)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.words: list[str] = []

    VOID = frozenset({"input", "br", "meta", "link", "img", "hr", "col", "source", "wbr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        cls = set((dict(attrs).get("class") or "").split())
        skip = (
            tag in SKIP_TAGS
            or bool(cls & SKIP_CLASSES)
            or any((k in ("data-raw", "lang") and v == "en") or k == "data-raw" for k, v in attrs)
        )
        self.stack.append(skip or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1]:
            return
        self.words += [w for w in LATIN.findall(data) if not _allowed(w)]


def _allowed(word: str) -> bool:
    return word in ALLOWED or (word.isupper() and len(word) <= 5)


def english_words(html: str) -> list[str]:
    p = VisibleText()
    p.feed(html)
    return p.words


@pytest.fixture(scope="module")
def busy(web: LiveWeb) -> LiveWeb:
    web.instrument("CEA19-20", "48.00")
    s = web.participant("中文卖方电厂", tonnes=300_000)
    b = web.participant("中文买方电厂", yuan_fen=10_000_000_000)
    web.users = {"participant": s.username}  # type: ignore[attr-defined]
    cs, cb = web.client(s.username), web.client(b.username)
    lid = cs.post_listing(s.account_id, "CEA19-20", "sell", "48.00", 5_000)["listing_id"]
    cb.take_listing(lid, b.account_id, 1_000)
    cs.post_listing(s.account_id, "CEA19-20", "sell", "48.50", 2_000)
    cb.post_listing(b.account_id, "CEA19-20", "buy", "47.50", 2_000)
    web.client("regop").request_transfer(s.account_id, b.account_id, "CEA19-20", 10, "合并")
    _compliance_cycle(web, s.account_id, b.account_id)
    cs.post("/finance/pledges", {
        "pledgor": s.account_id, "lender": b.account_id, "product": "CEA19-20", "quantity": 100,
        "loan": "1000.00", "maturity": "2099-06-30", "reference": "贷-1",
    })  # fmt: skip
    exop = web.client("exop")
    exop.post(
        "/auctions",
        {
            "initiator": s.account_id,
            "side": "sell",
            "instrument": "CEA19-20",
            "quantity": 1_000,
            "reserve_price": "45.00",
            "closes_at": "2021-07-16T14:30+08:00",
        },
    )
    return web


def _compliance_cycle(web: LiveWeb, seller: str, buyer: str) -> None:
    """Every state of the cycle on some page: reports submitted, verified and approved, an
    allocation run, a pledge, an account status request."""
    web.submit(AppointVerifier("verifier", ("山东",)), SYSTEM_ACTOR)
    regop, reg = web.client("regop"), web.client("regulator")
    for eid, acct in (("E1", seller), ("E2", buyer)):
        regop.post("/compliance/entities", {
            "entity_id": eid, "name": f"{eid} 电厂", "province": "山东", "account_id": acct,
            "sector": "power",
        })  # fmt: skip
        regop.post(f"/compliance/entities/{eid}/installations", {
            "unit_id": "G1", "sector": "power", "category": "coal_300_plus", "cooling": "air",
        })  # fmt: skip
    line = {"unit_id": "G1", "supply_mwh": 100_000, "load_factor": "0.9", "emissions_t": 90_000}
    reg.post("/compliance/allocations/preallocate", {
        "plan": "2019-2020", "year": 2019,
        "prior": [{"entity_id": "E1", "lines": [line]}, {"entity_id": "E2", "lines": [line]}],
    })  # fmt: skip
    ver = web.client("verifier")
    report = (ReportLine("G1", 90_000, 100_000_000, 0, 0, 900_000),)
    for eid in ("E1", "E2"):
        web.submit(SubmitEmissionReport(eid, 2019, report), "op")
    ver.post("/compliance/reports/E1/2019/verify", {"lines": [line]})
    ver.post(
        "/compliance/reports/E2/2019/verify",
        {"lines": [{**line, "emissions_t": 91_000}], "reason": "复核"},
    )
    reg.post("/compliance/reports/E1/2019/approve")
    reg.post("/compliance/allocations/finalize", {"plan": "2019-2020", "year": 2019})
    web.submit(
        SubmitEmissionReport("E1", 2020, (ReportLine("G1", 80_000, 90_000_000, 0, 0, 900_000),)),
        "op",
    )
    web.client("regop").post("/registry/accounts/" + buyer + "/restrict", {"reason": "协查"})


@pytest.mark.parametrize(
    "role", ["participant", "registry_operator", "exchange_operator", "regulator", "verifier"]
)
def test_no_english_is_left_on_the_chinese_pages(busy: LiveWeb, role: str) -> None:
    user = {
        "participant": busy.users["participant"],  # type: ignore[attr-defined]
        "registry_operator": "regop2",
        "exchange_operator": "exop",
        "regulator": "regulator",
        "verifier": "verifier",
    }[role]
    paths = [p.path for p in nav_for(role)] + ["/notifications"]
    if role != "verifier":
        paths.append("/trade/CEA19-20")
    found: dict[str, list[str]] = {}
    with busy.http(user, lang="zh") as h:
        for path in paths:
            r = h.get(path)
            assert r.status_code == 200, (path, r.status_code)
            words = english_words(r.text)
            for m in re.finditer(r'hx-get="(/frag/[^"]+)"', r.text):
                if "/frag/bell" in m.group(1):
                    words += english_words(h.get(m.group(1).replace("&amp;", "&")).text)
            if words:
                found[path] = sorted(set(words))
    assert found == {}


def test_no_english_is_left_on_the_chinese_case_holder_and_closed_market_pages(
    tmp_path: Path,
) -> None:
    """The regulator's cases at every step (open, under review, closed with a finding), the
    large-holder reports, restricted accounts and an account's positions, and the market watch
    and trade page after the end of day."""
    with live_web(tmp_path) as web:
        web.instrument("CEA19-20", "48.00")
        s = web.participant("中文案件卖方", tonnes=50_000)
        b = web.participant("中文案件买方", yuan_fen=10_000_000_000)
        web.client("exop").advance_clock(to="2021-07-16T13:30+08:00")
        for _ in range(2):
            lid = web.client(s.username).post_listing(
                s.account_id, "CEA19-20", "sell", "48.00", 10_000
            )["listing_id"]
            web.client(b.username).take_listing(lid, b.account_id, 10_000)
        web.client("exop").advance_clock(to="2021-07-16T15:30+08:00")
        web.client("exop").end_of_day()
        reg = web.client("regulator")
        alerts = reg.post("/supervision/surveillance", {"day": "2021-07-16"})["alerts"]
        cases = [reg.post("/supervision/cases", {"alert_ids": [a["alert_id"]], "title": "集中"})
                 for a in alerts[:2]]  # fmt: skip
        for c in cases:
            reg.post(f"/supervision/cases/{c['case_id']}/review", {"note": "调取记录"})
        reg.post(f"/supervision/cases/{cases[0]['case_id']}/close",
                 {"finding": "no_violation", "note": "正常交易"})  # fmt: skip
        reg.post("/supervision/restrictions", {
            "account_id": s.account_id, "trading": True, "transfer": True, "reason": "协查",
        })  # fmt: skip
        web.submit(sm.SetRiskRules("t", (), (Limit("entity", 1_000, False),), "测试"), "regulator")
        reg.post("/supervision/large-holders/scan")
        found: dict[str, list[str]] = {}
        pages = {
            "regulator": ["/regulator/alerts", f"/regulator/holders?account={s.account_id}"],
            s.username: ["/market", "/trade/CEA19-20"],
        }
        for user, paths in pages.items():
            with web.http(user, lang="zh") as h:
                for path in paths:
                    r = h.get(path)
                    assert r.status_code == 200, (path, r.status_code)
                    if words := english_words(r.text):
                        found[path] = sorted(set(words))
        assert len(cases) == 2
    assert found == {}
