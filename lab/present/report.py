"""A self-contained HTML summary: key figures, charts and every assumption, readable offline.

plotly.js is embedded once in the page (no CDN, no network), each chart follows as a div. The stakeholder
report (stakeholder_report) tells one story: every money figure comes from the projection at the traffic the
user set, each with its 95% interval (month 1 and the first 12 months, with and without routing); failure
modes that are on get their own section with the same figures under the failure.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from lab.core.metrics import Summary
from lab.present.kpis import kpi_cards
from lab.present.projection import Projection
from lab.present.text import pct, usd

Card = tuple[str, str, str]  # label, value, its 95% range as text


@dataclass(frozen=True)
class Assumption:
    """One assumption behind the figures: what, its value, and where it comes from."""

    name: str
    value: str
    source: str = ""


_STYLE = """
body { font-family: 'Source Sans Pro', Arial, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; font-size: 17px; }
h1 { font-size: 2rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
.kpis { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.kpi { border: 1px solid #ccc; border-radius: 8px; padding: .7rem 1rem; min-width: 12rem; }
.kpi .label { color: #555; font-size: .9rem; } .kpi .value { font-size: 1.6rem; font-weight: 600; }
.kpi .range { color: #555; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #e5e5e5; padding: .35rem .5rem; text-align: left; vertical-align: top; }
.note { color: #555; font-size: .9rem; }
.story { border-left: 4px solid #D55E00; padding: .4rem .8rem; background: #fff6ef; }
"""


@dataclass(frozen=True)
class ReportSection:
    """A titled group of KPI cards with a paragraph under them (e.g. the figures with failures on)."""

    title: str
    cards: list[Card]
    text: str = ""


def _range(low: float, high: float, fmt=usd) -> str:
    return f"95%: {fmt(low)} to {fmt(high)}"


def projection_cards(projection: Projection, summary: Summary) -> list[Card]:
    """The headline cards: quality, then every money figure from the projection at its traffic, each with its range."""
    quality, *_, share, latency = kpi_cards(summary)
    traffic = f"{projection.queries_per_day:,.0f} queries/day"
    return [
        (quality.label, quality.value, quality.interval),
        (
            f"Month 1 with routing ({traffic})",
            usd(projection.table["routed_usd"].iloc[0]),
            _range(*projection.routed_range_usd(1)),
        ),
        (
            f"Month 1 without routing ({traffic})",
            usd(projection.table["strongest_usd"].iloc[0]),
            _range(*projection.strongest_range_usd(1)),
        ),
        ("Savings", pct(projection.savings), _range(*projection.savings_range, fmt=pct)),
        ("12 months with routing", usd(projection.annual_routed_usd), _range(*projection.annual_routed_range_usd)),
        (
            "12 months without routing",
            usd(projection.annual_strongest_usd),
            _range(*projection.annual_strongest_range_usd),
        ),
        ("Savings over 12 months", usd(projection.annual_savings_usd), _range(*projection.annual_savings_range_usd)),
        (share.label, share.value, share.interval),
        (latency.label, latency.value, latency.interval),
    ]


def failure_section(failures: str, projection: Projection, summary: Summary, story: str) -> ReportSection:
    """The same headline figures with the failures on, and what they did in words."""
    cards = [card for card in projection_cards(projection, summary) if "without routing" not in card[0]]
    return ReportSection(f"With failures on: {failures}", cards, story)


def _cards_html(cards: list[Card]) -> str:
    esc = html.escape
    return "".join(
        f'<div class="kpi"><div class="label">{esc(label)}</div><div class="value">{esc(value)}</div>'
        f'<div class="range">{esc(rng)}</div></div>'
        for label, value, rng in cards
    )


def render_report(
    title: str,
    subtitle: str,
    kpis: list[Card],
    figures: list[go.Figure],
    assumptions: list[Assumption],
    generated: datetime | None = None,
    sections: list[ReportSection] | None = None,
) -> str:
    """The whole report as one HTML string: KPI cards (label, value, range), further sections, charts, assumptions."""
    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    esc = html.escape
    cards = _cards_html(kpis)
    extra = "".join(
        f'<h2>{esc(section.title)}</h2><div class="kpis">{_cards_html(section.cards)}</div>'
        + (f'<p class="story">{esc(section.text)}</p>' if section.text else "")
        for section in sections or []
    )
    charts = "".join(
        f'<div class="chart">{fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})}</div>'
        for fig in figures
    )
    rows = "".join(
        f"<tr><td>{esc(a.name)}</td><td>{esc(a.value)}</td><td>{esc(a.source)}</td></tr>" for a in assumptions
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f'<h1>{esc(title)}</h1><p class="note">{esc(subtitle)}<br>Generated by Routing Lab on {when}. '
        "This file works offline: the chart library is embedded.</p>"
        f'<h2>Key figures</h2><div class="kpis">{cards}</div>'
        f"{extra}"
        f"<h2>Charts</h2>{charts}"
        f"<h2>Assumptions</h2><table><tr><th>assumption</th><th>value</th><th>source</th></tr>{rows}</table>"
        "</body></html>"
    )
