"""The simulation report: figures, the comparison with the real cycle, plots, Markdown and HTML.

``summary(result)`` gives the figures as plain values (decimal strings for money, as the API
does); ``write_report(result, out_dir)`` writes ``report.md``, ``report.html``,
``summary.json``, ``daily.csv`` and the PNG plots (matplotlib with the Agg backend, no
display needed). Display values (percentages, Mt) are formatted here, at the edge.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from openets.domain.money import format_yuan, round_half_up_div
from openets.sim.report_calibration import markdown_section
from openets.sim.simulate import SimResult

REAL_FIGURES: dict[int, dict[str, Any]] = {
    # Cycle 1 (reference §8.4, §9.2 [V]): 2021-07-16 to 2021-12-31, 114 trading days.
    2021: {
        "label": "cycle 1 (2019-2020 obligations)",
        "volume_t": 179_000_000,
        "value_fen": 766_100_000_000,
        "average_fen": 4285,
        "close_fen": 5422,
        "compliance_ppm": 995_000,
        # Block trades: about 83% of volume since the launch on average (§13 [V]).
        "block_share_ppm": 830_000,
    },
    # 2024 (§9.2 [V]); completion of the 2023 vintage by end-2024 about 99.98% (§8.4).
    2024: {
        "label": "2024 (2023 vintage)",
        "volume_t": 189_000_000,
        "value_fen": 1_811_400_000_000,
        "average_fen": 9584,  # 18.114 bn / 189 Mt
        "close_fen": 9749,
        "compliance_ppm": 999_800,
        "block_share_ppm": None,
    },
    # 2025 (§9.2 [V-secondary]); compliance not found.
    2025: {
        "label": "2025 (2024 vintage)",
        "volume_t": 235_000_000,
        "value_fen": 1_463_000_000_000,
        "average_fen": 6236,
        "close_fen": 7463,  # year-end close (§13)
        "compliance_ppm": None,
        "block_share_ppm": None,
    },
}


def _mt(t: int | None) -> str:
    return "–" if t is None else f"{t / 1e6:,.2f} Mt"


def _pct(ppm: int | None) -> str:
    return "–" if ppm is None else f"{ppm / 10_000:.2f}%"


def _yuan(fen: int | None) -> str:
    return "–" if fen is None else format_yuan(fen)


def _bn(fen: int | None) -> str:
    """Money at a readable scale: billions, millions, or yuan with thousands separators."""
    if fen is None:
        return "–"
    if abs(fen) >= 10**11:
        return f"RMB {Decimal(fen) / 10**11:,.3f} bn"
    if abs(fen) >= 10**8:
        return f"RMB {Decimal(fen) / 10**8:,.2f} M"
    return f"RMB {Decimal(fen) / 100:,.2f}"


METHOD_COLOURS = {"listing": "#1f77b4", "block": "#ff7f0e", "auction": "#2ca02c"}
"""One colour per trading method, the same in every chart."""


def monthly_volume(result: SimResult) -> dict[str, dict[str, int]]:
    """Tonnes per calendar month and trading method."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, method, _price, qty, _ in result.trades:
        out[day[:7]][method] += qty
    return {m: dict(v) for m, v in sorted(out.items())}


def summary(result: SimResult) -> dict[str, Any]:
    """Every headline figure of the run, and the real ones to compare with."""
    volume = sum(t[3] for t in result.trades)
    value = sum(t[2] * t[3] for t in result.trades)
    block = sum(t[3] for t in result.trades if t[1] == "block")
    bars = result.bars
    p = result.penalties
    return {
        "year": result.config.year,
        "entities": result.config.entities,
        "covered_entities": len(result.outcomes),
        "vintage_volume_t": result.vintage_volume,
        "seed": result.config.seed,
        "preset": result.config.preset,
        "instrument": result.instrument,
        "trading_days": len(result.days),
        "first_day": result.days[0].isoformat(),
        "last_day": result.days[-1].isoformat(),
        "reference_fen": result.cycle.reference_fen,
        "volume_t": volume,
        "value_fen": value,
        "trades": len(result.trades),
        "average_fen": round_half_up_div(value, volume) if volume else None,
        "first_close_fen": bars[0].close if bars else None,
        "close_fen": bars[-1].close if bars else None,
        "high_fen": max((b.high for b in bars if b.high is not None), default=None),
        "low_fen": min((b.low for b in bars if b.low is not None), default=None),
        "block_volume_t": block,
        "block_share_ppm": block * 1_000_000 // volume if volume else 0,
        "compliance_ppm": result.compliance_ppm,
        "compliant_entities": result.compliant_entities,
        "obligation_t": result.totals["obligation_t"],
        "allocation_t": result.totals["allocation_t"],
        "gap_t": result.totals["gap_t"],
        "surplus_t": result.totals["surplus_t"],
        "penalties": {
            "regime": p.regime,
            "non_compliant_entities": p.non_compliant,
            "shortfall_t": p.shortfall_t,
            "fine_min_fen": p.fine_min_fen,
            "fine_max_fen": p.fine_max_fen,
            "deduction_t": p.deduction_t,
            "month_average_fen": p.month_average_fen,
            "assessed_fen": p.assessed_fen,
        },
        "monthly_volume_t": monthly_volume(result),
        "seconds": round(result.seconds, 3),
        "events": result.events,
        "commands": result.commands,
        "rejections": result.rejections,
        "state_hash": result.state_hash,
        "journal_hash": result.journal_hash,
        "violations": result.violations,
        "real": REAL_FIGURES.get(result.config.year),
    }


def comparison_rows(s: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(figure, simulated, real) rows of the comparison table."""
    real = s["real"] or {}
    return [
        ("Volume", _mt(s["volume_t"]), _mt(real.get("volume_t"))),
        ("Value", _bn(s["value_fen"]), _bn(real.get("value_fen"))),
        ("Average price (RMB/t)", _yuan(s["average_fen"]), _yuan(real.get("average_fen"))),
        ("Close on the last day (RMB/t)", _yuan(s["close_fen"]), _yuan(real.get("close_fen"))),
        ("Compliance (by quantity)", _pct(s["compliance_ppm"]), _pct(real.get("compliance_ppm"))),
        ("Block share of volume", _pct(s["block_share_ppm"]), _pct(real.get("block_share_ppm"))),
    ]


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def markdown(s: dict[str, Any], plots: list[str]) -> str:
    p = s["penalties"]
    real = s["real"] or {}
    months = s["monthly_volume_t"]
    methods = sorted({m for v in months.values() for m in v})
    month_rows = [
        (m, *(_mt(v.get(k, 0)) for k in methods), _mt(sum(v.values()))) for m, v in months.items()
    ]
    parts = [
        f"# Simulated compliance cycle {s['year']}",
        "",
        f"{s['entities']} covered entities, seed {s['seed']}, preset `{s['preset']}`, "
        f"instrument {s['instrument']}, {s['trading_days']} trading days "
        f"({s['first_day']} to {s['last_day']}), reference price {_yuan(s['reference_fen'])}.",
        "",
        "## Compared with the real market" + (f": {real['label']}" if real else ""),
        "",
        _table(("Figure", "Simulated", "Real"), [tuple(r) for r in comparison_rows(s)]),
        "",
        *markdown_section(s, _table),
        "## Market",
        "",
        _table(
            ("Figure", "Value"),
            [
                ("Trades", f"{s['trades']:,}"),
                ("First close", _yuan(s["first_close_fen"])),
                ("High / low (listing)", f"{_yuan(s['high_fen'])} / {_yuan(s['low_fen'])}"),
                ("Block volume", _mt(s["block_volume_t"])),
                ("Allocation issued", _mt(s["allocation_t"])),
                ("Obligations", _mt(s["obligation_t"])),
                ("Gap of short entities", _mt(s["gap_t"])),
                ("Surplus of long entities", _mt(s["surplus_t"])),
            ],
        ),
        "",
        "## Monthly volume by trading method",
        "",
        _table(("Month", *methods, "total"), month_rows),
        "",
        "## Compliance and penalties",
        "",
        "Obligations and surrenders are the market's own records: the regulator's final "
        "allocation run recorded each obligation and every surrender went through the registry, "
        "so `openets compliance report --year Y` on this run's database gives the same figures.",
        "",
        _table(
            ("Figure", "Value"),
            [
                ("Compliance by quantity", _pct(s["compliance_ppm"])),
                ("Entities fully compliant", f"{s['compliant_entities']} of {s['entities']}"),
                ("Penalty regime", p["regime"]),
                ("Non-compliant entities", str(p["non_compliant_entities"])),
                ("Unsurrendered", _mt(p["shortfall_t"])),
                ("Fines (range, total)", f"{_bn(p['fine_min_fen'])} – {_bn(p['fine_max_fen'])}"),
                (
                    "Fines assessed by the regulator's runs (lowest of each range)",
                    "not yet (the run stopped before the deadline)"
                    if p["assessed_fen"] is None
                    else _bn(p["assessed_fen"]),
                ),
                ("Next-year allocation deducted", _mt(p["deduction_t"])),
                ("Average price of the month before the deadline", _yuan(p["month_average_fen"])),
            ],
        ),
        "",
        "## Run",
        "",
        f"{s['seconds']:.1f} s, {s['commands']:,} commands, {s['events']:,} events; "
        f"refused commands by reason: {s['rejections'] or 'none'}.",
        f"State hash `{s['state_hash']}`, last journal record hash `{s['journal_hash']}`.",
        f"Invariant violations: {len(s['violations'])}.",
        "",
        *[f"![{name}]({name})" for name in plots],
        "",
    ]
    return "\n".join(parts)


def _inline(text: str) -> str:
    """Escaped text with Markdown's `code` spans as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _html(md_text: str) -> str:
    """A plain HTML page for the report: tables and images rendered, the rest as paragraphs."""
    out = [
        "<!doctype html><meta charset='utf-8'><title>OpenETS simulation</title>",
        "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}</style>",
    ]
    table: list[list[str]] = []
    for line in [*md_text.splitlines(), ""]:
        if line.startswith("|"):
            if not line.startswith("|---"):
                table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if table:
            head, *body = table
            out.append("<table><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in body]
            out.append("</table>")
            table = []
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{_inline(line.lstrip('# '))}</h{level}>")
        elif line.startswith("!["):
            src = line[line.index("(") + 1 : -1]
            out.append(f"<p><img src='{html.escape(src)}' width='900'></p>")
        elif line:
            out.append(f"<p>{_inline(line)}</p>")
    return "\n".join(out)


def daily_csv(result: SimResult) -> str:
    """A row per day and trading method. The day's prices (open, high, low, close) are those
    of listing trades, the market's price: they are given on the listing row only, and the
    block and auction rows carry their volume and turnover."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["day", "method", "open", "high", "low", "close", "volume_t", "turnover"])
    for b in result.bars:
        for method, vol, turnover in b.volumes:
            prices = (
                [_cell(b.open), _cell(b.high), _cell(b.low), _cell(b.close)]
                if method == "listing"
                else ["", "", "", ""]
            )
            w.writerow([b.day, method, *prices, vol, format_yuan(turnover)])
    return buf.getvalue()


def _cell(fen: int | None) -> str:
    return "" if fen is None else format_yuan(fen)


def _plot_kline(result: SimResult, ax: Any, vax: Any) -> None:
    xs = range(len(result.bars))
    for x, b in zip(xs, result.bars, strict=True):
        if b.open is None or b.high is None or b.low is None:
            ax.plot([x - 0.3, x + 0.3], [b.close / 100] * 2, color="grey", lw=1)
            continue
        up = b.close >= b.open
        color = "#d62728" if up else "#2ca02c"  # red rises, green falls
        ax.vlines(x, b.low / 100, b.high / 100, color=color, lw=0.8)
        lo, hi = sorted((b.open, b.close))
        ax.bar(x, max(hi - lo, 1) / 100, bottom=lo / 100, width=0.7, color=color)
    ax.set_ylabel("RMB/t")
    ax.grid(alpha=0.3)
    listing = [sum(v for m, v, _ in b.volumes if m == "listing") / 1e6 for b in result.bars]
    block = [sum(v for m, v, _ in b.volumes if m == "block") / 1e6 for b in result.bars]
    vax.bar(xs, listing, color=METHOD_COLOURS["listing"], label="listing")
    vax.bar(xs, block, bottom=listing, color=METHOD_COLOURS["block"], label="block")
    vax.set_ylabel("Mt")
    vax.set_xlabel("trading day (month-day)")
    vax.legend(loc="upper left")
    step = max(1, len(result.bars) // 8)
    vax.set_xticks(list(xs)[::step], [b.day[5:] for b in result.bars][::step])


def plot_all(result: SimResult, out_dir: Path) -> list[Path]:
    """price.png (K-line and daily volume), monthly_volume.png, cumulative.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    fig, (ax, vax) = plt.subplots(
        2, 1, figsize=(11, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    _plot_kline(result, ax, vax)
    ax.set_title(f"{result.instrument}: simulated daily prices (K-line) and volume")
    fig.tight_layout()
    paths.append(out_dir / "price.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    months = monthly_volume(result)
    methods = sorted({m for v in months.values() for m in v})
    fig, ax = plt.subplots(figsize=(9, 4))
    bottom = [0.0] * len(months)
    for method in methods:
        vals = [v.get(method, 0) / 1e6 for v in months.values()]
        ax.bar(list(months), vals, bottom=bottom, label=method, color=METHOD_COLOURS.get(method))
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_ylabel("Mt")
    ax.set_xlabel("month")
    ax.set_title("Monthly volume by trading method")
    ax.legend()
    fig.tight_layout()
    paths.append(out_dir / "monthly_volume.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(9, 4))
    per_day: dict[str, int] = defaultdict(int)
    for day, _m, _p, qty, _ in result.trades:
        per_day[day] += qty
    cum, total = [], 0
    for d in result.days:
        total += per_day.get(d.isoformat(), 0)
        cum.append(total / 1e6)
    ax.plot(range(len(cum)), cum, label="simulated")
    ax2 = ax.twinx()
    ax2.plot(
        range(len(result.surrendered)),
        [s * 100 / max(1, result.totals["obligation_t"]) for s in result.surrendered],
        color="#2ca02c",
        label="surrendered (% of obligations)",
    )
    ax2.set_ylabel("% surrendered")
    ax.set_ylabel("cumulative volume, Mt")
    ax.set_xlabel("trading day (month-day)")
    step = max(1, len(result.days) // 8)
    ax.set_xticks(
        list(range(len(result.days)))[::step], [d.isoformat()[5:] for d in result.days][::step]
    )
    ax.set_title("Cumulative volume and surrender")
    ax.legend(loc="upper left")
    ax2.legend(loc="center left")
    fig.tight_layout()
    paths.append(out_dir / "cumulative.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return paths


def write_report(result: SimResult, out_dir: Path) -> list[Path]:
    """Write the report files into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    s = summary(result)
    plots = plot_all(result, out_dir)
    md = markdown(s, [p.name for p in plots])
    paths = [
        out_dir / "report.md",
        out_dir / "report.html",
        out_dir / "summary.json",
        out_dir / "daily.csv",
    ]
    paths[0].write_text(md, encoding="utf-8")
    paths[1].write_text(_html(md), encoding="utf-8")
    paths[2].write_bytes(orjson.dumps(s, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
    paths[3].write_text(daily_csv(result), encoding="utf-8")
    return [*paths, *plots]
