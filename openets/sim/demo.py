"""The demo market: seed, serve, and drive the agents live through the server's one writer."""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import partial

from openets.api import logredact
from openets.api.auth import Role
from openets.api.deps import Services
from openets.api.server import mfa_notice
from openets.api.users import bootstrap_logins
from openets.bootstrap import open_market
from openets.compliance.plans import PRESETS, Plan
from openets.domain.clock import BEIJING, SimulatedClock
from openets.engine.collector import settle
from openets.engine.core import Engine
from openets.ops.surveillance import run_surveillance
from openets.presets import MarketRules, preset
from openets.rule_overrides import decode, encode
from openets.sim import CURRENT_YEAR, DEMO_ENTITIES
from openets.sim.demo_work import DemoWork, open_trader_accounts, seed_work
from openets.sim.live import LiveCycle
from openets.sim.seed_market import cycle_for
from openets.sim.simulate import Cast, SimConfig, cast, cycle_days, session_time
from openets.supervision.feed import rows_of
from openets.trading.rules import TradingRules


@dataclass(frozen=True, slots=True)
class DemoOptions:
    db: str
    host: str = "127.0.0.1"
    port: int = 8000
    entities: int = DEMO_ENTITIES
    seed: int = 1
    speed: float = 120.0
    year: int = CURRENT_YEAR
    run_seconds: float = 0.0


STAFF = (
    ("regop1", Role.REGISTRY_OPERATOR),
    ("regop2", Role.REGISTRY_OPERATOR),
    ("exchange", Role.EXCHANGE_OPERATOR),
    ("regulator", Role.REGULATOR),
    ("verifier", Role.VERIFIER),
    ("bank1", Role.SETTLEMENT_BANK),
)


def demo_users(services: Services, accounts: list[str]) -> list[tuple[str, str, str, str]]:
    """Logins for every role (password = username + "-demo"); participants act for accounts.

    These are a public sandbox's logins, printed for anyone to use: they are seeded directly,
    outside the password policy of :mod:`openets.api.password_policy` (which every login
    created over ``POST /users`` or ``openets users add`` must meet)."""
    wanted: list[tuple[str, Role, str | None]] = [(u, r, None) for u, r in STAFF]
    wanted += [(f"trader{i}", Role.PARTICIPANT, a) for i, a in enumerate(accounts, start=1)]
    bootstrap_logins(
        services.market.engine,
        services.side.connection,
        [(u, services.passwords.hash(f"{u}-demo"), role, a) for u, role, a in wanted],
    )
    services.side.commit_own()
    return [(u, f"{u}-demo", role.value, a or "") for u, role, a in wanted]


REENABLE_LOGIN = "trader1b"
"""A second login of trader1's account, disabled, whose re-enabling waits on the users page."""


def leave_reenabling(services: Services, account_id: str) -> str:
    """Leave a four-eyes request on the registry's desk: :data:`REENABLE_LOGIN` (bound to
    ``account_id``) was disabled and ``regop1`` asked to re-enable it; ``regop2``, another
    person, approves it on the users page. Returns the printed line."""
    from openets.domain.rejection import Rejection
    from openets.identity.model import DisableUser, RequestEnable

    name, engine = REENABLE_LOGIN, services.market.engine
    pw = services.passwords.hash(f"{name}-demo")
    bootstrap_logins(engine, services.side.connection, [(name, pw, Role.PARTICIPANT, account_id)])
    services.side.commit_own()
    for cmd in (DisableUser(name, "授权书到期"), RequestEnable(name, "已续签授权书")):
        r = engine.submit(cmd, "regop1")
        if isinstance(r, Rejection):
            raise RuntimeError(f"demo: {type(cmd).__name__} {name}: {r}")
    return (
        f"registry: {name} (a second login of {account_id}, password {name}-demo) was "
        f"disabled; regop1 asked to re-enable it: regop2 approves it on the users page"
    )


def leave_issuance(services: Services, account_id: str, product: str = "CEA19-20") -> str:
    """Leave an issuance on the registry's desk: ``regop1`` asked to issue 5,000 t of
    ``product`` into ``account_id``; ``regop2``, another person, approves it on the approvals
    page (four eyes). Returns the printed line."""
    from openets.domain.rejection import Rejection
    from openets.registry.commands import RequestIssuance

    cmd = RequestIssuance(account_id, product, 5_000, "演示：补发配额")
    r = services.market.engine.submit(cmd, "regop1")
    if isinstance(r, Rejection):
        raise RuntimeError(f"demo: RequestIssuance {account_id}: {r}")
    return (
        f"registry: regop1 asked to issue 5,000 t {product} into {account_id}: regop2 approves "
        "it on the approvals page (an issuance takes four eyes)"
    )


def leave_bank_reports(services: Services, account_id: str) -> str:
    """Show the settlement bank's reports: ``bank1`` (the bank's service identity) reported
    10,000.00 yuan paid into ``account_id`` on a reference of its own, and a 2,000.00 yuan
    withdrawal of that account waits for the bank's report (bank1 reports it on the bank
    reports page, or ``POST /api/v1/bank/reports``). Returns the printed line."""
    from openets.clearing import funds
    from openets.domain.rejection import Rejection

    engine = services.market.engine
    for cmd, actor in (
        (funds.Deposit(account_id, 1_000_000, "DEMO-BANK-0001"), "bank1"),
        (funds.RequestWithdrawal(account_id, 200_000, "DEMO-WDR-0001"), "trader1"),
    ):
        r = engine.submit(cmd, actor)
        if isinstance(r, Rejection):
            raise RuntimeError(f"demo: {type(cmd).__name__} {account_id}: {r}")
    return (
        f"clearing: bank1 reported 10,000.00 yuan paid into {account_id} (DEMO-BANK-0001); "
        f"its withdrawal DEMO-WDR-0001 of 2,000.00 yuan waits for the bank: bank1 reports it "
        "paid on /clearing/bank-reports (or POST /api/v1/bank/reports), where the exchange sees it"
    )


DEMO_PLEDGE_T = 20_000
"""Tonnes trader1 pledges to trader2's account (a loan the demo leaves for trader2 to release)."""
DEMO_REPORTING_T = 150_000
"""The demo's illustrative large-holder reporting line for institutions (the national one is
not published): the traders' 200,000 t pass it."""


def leave_pledge_and_holder_reports(
    services: Services, traders: list[str], product: str, today: date
) -> list[str]:
    """Work for participants: trader1 pledged allowances to trader2's account (trader2, the
    lender, releases the pledge on its account page once the loan is repaid); and under an
    illustrative reporting line the regulator's scan left each trader a large-holder report
    to file (their first page counts it, the account page files it). Returns the lines."""
    from openets.domain.rejection import Rejection
    from openets.supervision import messages as sm
    from openets.supervision.finance import RegisterPledge
    from openets.supervision.risk import Limit

    maturity = (today + timedelta(days=365)).isoformat()
    line = (Limit("institution", DEMO_REPORTING_T, False),)
    engine = services.market.engine
    for cmd, actor in (
        (RegisterPledge(traders[0], traders[1], product, DEMO_PLEDGE_T, 80_000_000, maturity,
                        "DEMO-PLEDGE-0001"), "trader1"),
        (sm.SetRiskRules("demo", (), line, "演示：示意大户报告线（全国标准未公布）[U]"),
         "regulator"),
        (sm.ScanPositions(), "regulator"),
    ):  # fmt: skip
        r = engine.submit(cmd, actor)
        if isinstance(r, Rejection):
            raise RuntimeError(f"demo: {type(cmd).__name__}: {r}")
    return [
        f"finance: trader1 pledged {DEMO_PLEDGE_T:,} t {product} to trader2's account "
        f"{traders[1]} for a loan of 800,000.00 yuan (DEMO-PLEDGE-0001, due {maturity}): "
        "it waits for trader2 (its first page counts it), who releases it on the account page "
        "once the loan is repaid",
        f"supervision: the demo's illustrative reporting line is {DEMO_REPORTING_T:,} t for "
        "institutions; the regulator's scan left trader1-3 a large-holder report each to file "
        "on the account page (the regulator scans again on /regulator/holders)",
    ]


PAID_AUCTION = "shanghai-2024"
"""The pilot paid auction the demo runs (:mod:`openets.sim.paid_auction`)."""

DESK_ENTITIES = 12
"""Entities whose cycle the demo leaves on its roles' desks (the others' is run at seeding)."""

BAND_TOP_BPS = 9_700
"""The demo band's top, in basis points of the cycle's opening price."""
BAND_BOTTOM_BPS = 7_500
"""The demo band's bottom, in basis points of the cycle's opening price."""
BAND_DAYS = 3
"""Closes outside the demo band before the reserve acts."""
BAND_QUANTITY_T = 100_000
"""Tonnes the reserve releases (or buys back) per operation; the reserve is seeded with it."""


def demo_band(year: int) -> tuple[int, int]:
    """The demo's band reserve (low, high) in fen: drawn around the cycle's opening price so
    that the price leaves it within the first days and the regulator's reserves page shows the
    reserve at work. cn-demo's own band (40-120 yuan, 10 closes) is an illustration of the
    unpublished national numbers that today's prices (about 48-100 yuan) never leave."""
    opening = cycle_for(year).reference_fen
    return opening * BAND_BOTTOM_BPS // 10_000, opening * BAND_TOP_BPS // 10_000


def demo_config(opts: DemoOptions) -> SimConfig:
    """The demo's scenario: the cn-demo market with the demo band and a stocked reserve."""
    low, high = demo_band(opts.year)
    band = {"low": low, "high": high, "days": BAND_DAYS, "quantity": BAND_QUANTITY_T}
    return SimConfig(
        entities=opts.entities,
        year=opts.year,
        seed=opts.seed,
        preset="cn-demo",
        desk_entities=DESK_ENTITIES,
        paid_auction=PAID_AUCTION,
        reserve_t=BAND_QUANTITY_T,
        rules=encode([("reserves.band", band)]),
    )


def band_line(config: SimConfig) -> str:
    """What the demo's band reserve does, for the start-up notes."""
    band = dict(decode(config.rules))["reserves.band"]
    assert isinstance(band, dict)
    return (
        f"regulator: the demo's band reserve is {band['low'] / 100:.2f}-"
        f"{band['high'] / 100:.2f} yuan; after {band['days']} composite closes outside it the "
        f"end of day releases (or buys back) {band['quantity']:,} t; the reserves page shows it"
    )


def _entities(c: Cast, count: int = DESK_ENTITIES) -> list[tuple[str, str, str]]:
    """The covered entities whose reports of the cycle's first year the demo puts on the
    roles' desks (the first of the roster: power plants)."""
    from openets.sim.population_geo import province_by_code

    accounts = {a.entity_id: a.account_id for a in c.agents}
    out = []
    for pos in c.positions[:count]:
        e = pos.entity
        out.append((e.entity_id, accounts[e.entity_id], province_by_code(e.province).short))
    return out


def _session_minutes(rules: TradingRules) -> int:
    first = min(a for a, _ in rules.listing_sessions)
    last = max(b for _, b in rules.listing_sessions)
    return (last.hour * 60 + last.minute) - (first.hour * 60 + first.minute)


def _windows(ws: tuple[tuple[dtime, dtime], ...]) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in ws)


def what_waits(
    work: DemoWork, speed: float, market: MarketRules, deadline: str = "2021-12-31 17:00"
) -> list[str]:
    """The printed summary: what each role finds waiting, and how the demo's time runs."""
    rules = market.trading
    return [
        f"trader1-3 trade on accounts of their own; agents trade on the other accounts; "
        f"the clock runs {speed:g}x real time: listing {_windows(rules.listing_sessions)}, "
        f"block {_windows(market.block.sessions)} (a trading day lasts "
        f"{_session_minutes(rules) * 60 / speed / 60:.1f} real minutes)",
        f"compliance {work.year} (deadline {deadline}): {len(work.entities)} entities registered "
        f"and pre-allocated; reports waiting for verifier ({work.submitted}, provinces "
        f"{'、'.join(work.provinces)}), for the regulator's approval ({work.verified}), "
        f"approved ({work.approved}); the final allocation is the regulator's to run",
    ]


def calendar_lines(plan: Plan | None, year: int, now: datetime) -> list[str]:
    """The printed calendar of the demo's cycle: each dated step (Beijing time), the next one
    still to come, and the carry-over where the cycle's obligations meet it."""
    if plan is None:
        return []
    steps = " · ".join(f"{s.key} {s.due_text}" for s in plan.steps)
    nxt = next((s for s in plan.steps if s.due_at >= now), None)
    out = [
        f"calendar {plan.name} (Beijing time): {steps}; next: "
        + (f"{nxt.key} {nxt.due_text}" if nxt else "none")
        + f" (GET /compliance/calendar?year={year}, the compliance pages, the notifications)"
    ]
    if any(p.carry_over and year > p.carry_over.last_vintage_year for p in PRESETS.values()):
        out.append(
            "carry-over: vintages up to CEA24 serve 2025+ obligations up to 10,000 t + 1.5 × "
            "net sales 2019-2024 by trade date (GET /compliance/carry-over, the compliance page; "
            "POST /compliance/carry-over/apply after the 2024 deadline)"
        )
    return out


@dataclass
class Surveyor:
    """Runs the detectors over each trading day the demo closes, as the regulator's desk finds
    them the next morning (alerts without a case, on /regulator/alerts). It reads only the
    journal written since the last day it surveyed."""

    engine: Engine
    day: str = ""
    since: int = 0

    @classmethod
    def from_now(cls, engine: Engine) -> Surveyor:
        """Watching from here: the days closed at seeding are not surveyed."""
        return cls(engine, engine.state.trading.day, engine.state.last_seq)

    def after_step(self) -> None:
        t = self.engine.state.trading
        if t.phase != "idle" or not t.day or t.day == self.day:
            return
        rows = rows_of(self.engine.journal.read(after_seq=self.since))
        run_surveillance(self.engine, t.day, rows=rows)
        self.day, self.since = t.day, self.engine.state.last_seq


def _step(
    live: LiveCycle, clock: SimulatedClock, target: datetime, surveyor: Surveyor, _writer: object
) -> None:
    """In the writer: the agents' actions due by ``target``, then the clock to ``target``;
    after a day's close, the surveillance of that day."""
    live.advance_to(target)
    if clock.now() < target:
        clock.advance(to=target)
    surveyor.after_step()


def _deadline_time(plan: object) -> str:
    """The deadline day's closing time as the plan gives it (17:00 by default, as cycle 1)."""
    t = getattr(plan, "deadline_time", None)
    return "17:00" if t is None else f"{t:%H:%M}"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_demo(opts: DemoOptions) -> None:
    import uvicorn

    from openets.api.app import create_app

    config = demo_config(opts)
    days = cycle_days(config)
    clock = SimulatedClock(session_time(days[0], dtime(9, 0)))
    market = open_market(opts.db, clock, preset="cn-demo", synchronous="NORMAL", rules=config.rules)
    _say(f"seeding {opts.entities} entities of the {opts.year} cycle …")
    t0 = time.perf_counter()
    c = cast(config, market.engine, clock)
    _say(f"seeded in {time.perf_counter() - t0:.1f} s: journal at seq {market.state.last_seq}")
    with market.engine.batch():
        traders = open_trader_accounts(market.engine, 3, c.desk.product)
    live = LiveCycle(c)
    app = create_app(market)
    services: Services = app.state.services
    services.extras["clock_speed"] = opts.speed  # the first pages say how fast the day runs
    logins = demo_users(services, traders)
    reenabling = leave_reenabling(services, traders[0])
    issuance = leave_issuance(services, traders[1], c.cycle.product)
    bank = leave_bank_reports(services, traders[0])
    today = clock.now().astimezone(BEIJING).date()
    desk = leave_pledge_and_holder_reports(services, traders, c.desk.product, today)
    first_year, first_plan = c.cycle.plans[0]
    with market.engine.batch():  # the logins exist: appoint them and leave work waiting
        work = seed_work(market.engine, _entities(c), "verifier", first_plan, first_year)
    url = f"http://{opts.host}:{opts.port}/"
    print(f"OpenETS demo market: {url}  (API {url}api/v1, docs {url}docs)", flush=True)
    for username, password, role, acct in logins:
        where = f", account {acct}" if acct else ""
        print(f"  login {username:<10} password {password:<16} ({role}{where})", flush=True)
    print(f"  {mfa_notice(services)}", flush=True)
    plan = market.state.compliance.plans.get(first_plan)
    due = f"{c.cycle.deadline} {_deadline_time(plan)}"
    waits = what_waits(work, opts.speed, preset("cn-demo"), due)
    auction = (
        f"exchange: a pilot paid auction ({PAID_AUCTION}: floor 1.2 × the six-month listing "
        "average, price then time priority, covered entities only, 09:30-11:30) is announced "
        f"on trading day {config.paid_auction_day + 1} at 09:05 for the registry's auction "
        "account; the auctions page shows it"
    )
    waits += calendar_lines(plan, first_year, clock.now())
    watch = (
        "supervision: after each trading day's close the detectors run over the day; their "
        "alerts wait for the regulator on /regulator/alerts (a case is opened from an alert)"
    )
    for line in [*waits, reenabling, issuance, bank, *desk, auction, band_line(config), watch]:
        print(f"  {line}", flush=True)
    surveyor = Surveyor.from_now(market.engine)
    settle()  # the seeded market frozen, the collector's young generation as the server's
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=opts.host,
            port=opts.port,
            access_log=False,
            log_level="warning",
            lifespan="on",
            proxy_headers=False,  # no X-Forwarded-For is believed
        )
    )
    logredact.install()  # after uvicorn set its logging up

    async def drive() -> None:
        while not services.sequencer.running:
            await asyncio.sleep(0.05)
        started = last_print = time.monotonic()
        tick = 0.25
        while not server.should_exit:
            await asyncio.sleep(tick)
            target = live.skip_target(clock.now() + timedelta(seconds=opts.speed * tick))
            await services.sequencer.run(partial(_step, live, clock, target, surveyor))
            now = time.monotonic()
            if now - last_print >= 5:
                last_print = now
                t = market.state.trading
                inst = t.instruments.get(c.desk.instrument)
                close = f"{inst.prev_close / 100:.2f}" if inst else "-"
                _say(
                    f"[demo] {clock.now():%Y-%m-%d %H:%M} day {live.day + 1}/{len(days)} "
                    f"trades {t.trade_count} prev close {close} events {market.state.last_seq}"
                )
            if live.done:
                _say("[demo] the compliance cycle is over; the market stays open for you")
                break
            if opts.run_seconds and now - started > opts.run_seconds:
                server.should_exit = True

    async def main() -> None:
        driver = asyncio.create_task(drive())
        await server.serve()
        driver.cancel()

    try:
        asyncio.run(main())
    finally:
        market.engine.journal.close()
