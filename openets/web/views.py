"""The terminal's pages and fragments, by role: which template, which data, who may see it.

A page is a layout of fragments; a fragment is a template fed by one loader (API calls as the
viewer) and can be fetched alone at ``/frag/<name>`` to refresh it. The API decides what data a
user may read; the roles here only choose which pages a user is offered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from openets.web import loaders_account as la
from openets.web import loaders_accounts as lx
from openets.web import loaders_cycle as lc
from openets.web import loaders_market as lm
from openets.web import loaders_notes as ln
from openets.web import loaders_reserves as lr
from openets.web import loaders_staff as ls
from openets.web import loaders_supervision as lv
from openets.web import loaders_work as lw
from openets.web.context import Ctx

P, R, X, G, V = "participant", "registry_operator", "exchange_operator", "regulator", "verifier"
B = "settlement_bank"
ALL = frozenset({P, R, X, G, V, B})
STAFF = frozenset({R, X, G, V})

Loader = Callable[[Ctx], Awaitable[dict[str, Any]]]
STALE = ("stale",)
FEED = ("feed", "stale")
MINE = ("mine", "stale")


@dataclass(frozen=True, slots=True)
class Frag:
    name: str
    loader: Loader
    roles: frozenset[str]
    params: tuple[str, ...] = ()
    """Page parameters the fragment needs (kept in its refresh URL)."""
    poll: int | None = None
    """Seconds between refreshes; others refresh after a command."""
    on: tuple[str, ...] = ()
    """Body events that fetch it again besides ``refresh`` (after a command): ``stale``, the
    market feed is down (``static/live.js`` fires it every few seconds then); ``feed``, the
    market feed pushed a change the fragment shows but the feed does not carry; ``mine``, the
    participant's own listings changed in a way their private feed does not carry (a new
    listing's row, a gap in the feed) or while that feed is down."""

    @property
    def template(self) -> str:
        return f"frag/{self.name}.html"


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    path: str
    roles: frozenset[str]
    frags: tuple[str, ...]
    nav: bool = True
    prepare: Loader | None = None
    """Fills page parameters before the fragments load (e.g. the default instrument)."""
    group: str = field(default="")

    @property
    def template(self) -> str:
        return f"page/{self.name.replace('.', '_')}.html"


FRAGMENT_LIST = (
    # the market's figures come from the live feed (static/live.js), in place
    Frag("overview", lm.overview, ALL, on=STALE),
    Frag("quote", lm.quote, ALL, ("instrument",), on=STALE),
    Frag("depth", lm.depth, ALL, ("instrument",), on=STALE),
    Frag("best_listings", lm.best_listings, frozenset({P, X, G}), ("instrument",), on=FEED),
    Frag("tape", lm.tape, ALL, ("instrument",), on=STALE),
    # updated in place from the private feed's listing messages (static/live.js)
    Frag("my_listings", lm.my_listings, frozenset({P}), ("instrument",), on=MINE),
    Frag("entry", lm.entry, frozenset({P}), ("instrument",), on=FEED),
    Frag("my_trades", lm.my_trades, frozenset({P})),
    Frag(
        "order_history",
        lm.order_history,
        frozenset({P}),
        ("status", "instrument", "side", "from", "to", "offset"),
        poll=10,
    ),
    Frag("block_requests", lm.block_requests, frozenset({P}), poll=5),
    Frag("auctions", lm.auctions, ALL, poll=5),
    Frag("holdings", la.holdings, frozenset({P})),
    Frag("funds", la.funds, frozenset({P})),
    Frag("statement", la.statement, frozenset({P, R, X, G}), ("from", "to", "ref", "account_id")),
    Frag("account_detail", lx.account_detail, frozenset({R, X, G}), ("account_id",)),
    Frag("obligations", la.obligations, frozenset({P}), ("year",)),
    Frag("accounts", ls.accounts, frozenset({R, X, G}), ("q", "status", "cursor")),
    Frag("my_cycle", lc.my_cycle, frozenset({P}), ("year",)),
    Frag("entities", lc.entities, frozenset({R, G, V})),
    Frag("verify_queue", lc.verify_queue, frozenset({V})),
    Frag("approval_queue", lc.approval_queue, frozenset({G})),
    Frag("runs", lc.runs, frozenset({R, G})),
    Frag("milestones", lc.milestones, frozenset({G, V}), ("year",)),
    Frag("calendar", lc.calendar, frozenset({P, R, G, V}), ("year",)),
    Frag("carry_over", lc.carry_over, frozenset({P, G, V})),
    Frag("pledges", lc.pledges, frozenset({P, R, G})),
    Frag("registry_totals", ls.registry_totals, frozenset({R, G})),
    Frag("frozen", ls.frozen, frozenset({R, G})),
    Frag("requests", ls.requests, frozenset({R, G})),
    Frag("users", ls.users, frozenset({R})),
    Frag("instruments_admin", ls.instruments_admin, frozenset({X})),
    Frag("trading_day", ls.trading_day, frozenset({X, G})),
    Frag("clock", ls.clock, ALL),
    Frag("provinces", ls.provinces, frozenset({R, G, V}), ("year",)),
    Frag("alerts", ls.alerts, frozenset({G}), poll=10),
    Frag("bank_reports", ls.bank_reports, frozenset({X, G, B}), params=("bank_ref",), poll=10),
    Frag("large_holders", lv.large_holders, frozenset({P, G})),
    Frag("links", lv.links, frozenset({G})),
    Frag("restrictions", lv.restrictions, frozenset({G})),
    Frag("positions", lv.positions, frozenset({G}), ("account",)),
    Frag("daily_report", ls.daily_report, frozenset({X, G}), ("date",)),
    Frag("reserves", lr.reserves, frozenset({G})),
    Frag("bell", ln.bell, ALL),
    Frag("work", lw.work, ALL, poll=15),
    Frag("notes", ln.notes, ALL, ("unread",)),
)
FRAGMENTS = {f.name: f for f in FRAGMENT_LIST}

PAGES = (
    # participants
    Page("market", "/market", ALL, ("overview",)),
    Page(
        "trade",
        "/trade",
        ALL,
        ("work", "quote", "depth", "best_listings", "tape", "my_listings", "entry"),
        prepare=lm.pick,
    ),
    Page(
        "trade",
        "/trade/{instrument}",
        ALL,
        ("quote", "depth", "best_listings", "tape", "my_listings", "entry"),
        nav=False,
        prepare=lm.pick,
    ),
    Page("orders", "/orders", frozenset({P}), ("order_history",), prepare=lm.instruments_param),
    Page("trades", "/trades", frozenset({P}), ("my_trades",)),
    Page("block", "/block", frozenset({P}), ("block_requests",), prepare=lm.instruments_param),
    Page("auctions", "/auctions", frozenset({P}), ("auctions",)),
    Page(
        "account", "/account", frozenset({P}), ("holdings", "funds", "pledges", "large_holders")
    ),
    Page("statements", "/statements", frozenset({P}), ("statement",)),
    Page(
        "compliance",
        "/compliance",
        frozenset({P}),
        ("work", "calendar", "my_cycle", "obligations", "carry_over", "holdings"),
        prepare=la.year_products,
    ),
    # registry operators
    Page(
        "reg.accounts",
        "/registry/accounts",
        frozenset({R}),
        ("work", "accounts"),
        prepare=ls.account_query,
    ),
    Page(
        "acct.detail",
        "/registry/accounts/{account_id}",
        frozenset({R, X, G}),
        ("account_detail",),
        nav=False,
        prepare=lx.account_exists,
    ),
    Page(
        "acct.statement",
        "/registry/accounts/{account_id}/statement",
        frozenset({R, X, G}),
        ("statement",),
        nav=False,
        prepare=lx.account_exists,
    ),
    Page("reg.entities", "/registry/entities", frozenset({R}), ("entities",)),
    Page("reg.issuance", "/registry/issuance", frozenset({R}), ("registry_totals", "runs")),
    Page("reg.freezes", "/registry/freezes", frozenset({R}), ("frozen",)),
    Page("reg.approvals", "/registry/approvals", frozenset({R}), ("requests", "pledges")),
    Page("reg.users", "/registry/users", frozenset({R}), ("users",)),
    # exchange operators
    Page("ex.instruments", "/exchange/instruments", frozenset({X}), ("work", "instruments_admin")),
    Page(
        "ex.auctions",
        "/exchange/auctions",
        frozenset({X}),
        ("auctions",),
        prepare=lm.instruments_param,
    ),
    Page(
        "ex.eod",
        "/exchange/eod",
        frozenset({X}),
        ("trading_day", "daily_report"),
        prepare=ls.report_date,
    ),
    Page("ex.clock", "/exchange/clock", frozenset({X}), ("clock",)),
    Page("clr.bank_reports", "/clearing/bank-reports", frozenset({X, G, B}), ("bank_reports",)),
    Page("acct.list", "/accounts", frozenset({X, G}), ("accounts",), prepare=ls.account_query),
    # the regulator (and verifiers, for compliance)
    Page(
        "sup.dashboard",
        "/regulator",
        frozenset({G}),
        ("work", "overview", "daily_report", "alerts"),
        prepare=ls.dashboard,
    ),
    Page(
        "sup.compliance",
        "/regulator/compliance",
        frozenset({G, V}),
        ("calendar", "provinces", "milestones", "carry_over"),
        prepare=la.year,
    ),
    Page(
        "sup.cycle",
        "/regulator/cycle",
        frozenset({G}),
        ("approval_queue", "runs"),
        prepare=la.year,
    ),
    Page("verifier", "/verifier", frozenset({V}), ("work", "verify_queue")),
    Page("sup.alerts", "/regulator/alerts", frozenset({G}), ("alerts",), prepare=ls.report_date),
    Page(
        "sup.report", "/regulator/report", frozenset({G}), ("daily_report",), prepare=ls.report_date
    ),
    Page(
        "sup.holders",
        "/regulator/holders",
        frozenset({G}),
        ("large_holders", "restrictions", "links", "positions"),
        prepare=lv.account_param,
    ),
    Page("sup.reserves", "/regulator/reserves", frozenset({G}), ("reserves",), prepare=lr.params),
    Page("notifications", "/notifications", ALL, ("notes",), nav=False),
    Page("security", "/security", ALL, ()),
)

HOME = {
    P: "/trade",
    R: "/registry/accounts",
    X: "/exchange/instruments",
    G: "/regulator",
    V: "/verifier",
    B: "/clearing/bank-reports",
}
COVERED_ENTITY_HOME = "/compliance"


def home_of(role: str, subject_type: str | None = None) -> str:
    """The first page after login: the role's console; a participant trading for a covered
    entity (``subject_type`` ``entity``) starts on its compliance page."""
    if role == P and subject_type == "entity":
        return COVERED_ENTITY_HOME
    return HOME.get(role, "/market")


def nav_for(role: str) -> list[Page]:
    """The pages offered to ``role``, in menu order."""
    return [p for p in PAGES if p.nav and role in p.roles]
