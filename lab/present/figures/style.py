"""One chart style for every page: a colour-blind-safe palette, one template, money and share formats.

Colours come from the Okabe-Ito palette (distinguishable with every common colour-vision
deficiency). A model's colour depends only on its tier, so it is the same on every page; a run with
failures injected keeps its colour and is told apart by pattern, dash and marker shape.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Literal

import plotly.graph_objects as go

OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
GREY = "#7F7F7F"
LIGHT_GREY = "#BBBBBB"

# tier 0 (cheapest) .. strongest; the strongest model is always vermillion, the cheapest always blue
_MIDDLE_TIERS = ("green", "orange", "purple", "sky", "yellow")

STRATEGY_COLOURS: dict[str, str] = {
    "cascade": OKABE_ITO["blue"],
    "classifier": OKABE_ITO["purple"],
    "llm-router": OKABE_ITO["orange"],
    "length": OKABE_ITO["green"],
    "litellm-complexity": OKABE_ITO["sky"],
    "random": GREY,
    "oracle": OKABE_ITO["black"],
}

FONT_SIZE = 16  # legible on a projector
INJECTED_SUFFIX = "with failures"
INJECTED_PATTERN = "/"
INJECTED_DASH = "dash"
# a white rim round a text (plotly's textfont.shadow): a label on a curve, a line or a hatched bar stays readable
HALO = "-1px -1px 1px white, 1px -1px 1px white, -1px 1px 1px white, 1px 1px 1px white, 0 0 3px white"


def model_colours(model_names: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Colour per model by tier: cheapest blue, strongest vermillion, tiers between in a fixed order."""
    names = list(model_names)
    colours = {}
    for tier, name in enumerate(names):
        if tier == 0:
            colours[name] = OKABE_ITO["blue"]
        elif tier == len(names) - 1:
            colours[name] = OKABE_ITO["vermillion"]
        else:
            colours[name] = OKABE_ITO[_MIDDLE_TIERS[(tier - 1) % len(_MIDDLE_TIERS)]]
    return colours


def strategy_colour(strategy: str) -> str:
    """The colour of a strategy on every chart (always-<model> strategies are grey)."""
    return STRATEGY_COLOURS.get(strategy, GREY)


def run_colour(strategy: str) -> str:
    """The colour of a routed run beside grey baselines: its strategy's colour, blue where that is grey."""
    colour = strategy_colour(strategy)
    return OKABE_ITO["blue"] if colour == GREY else colour


@lru_cache(maxsize=1)
def lab_template() -> go.layout.Template:
    """The lab's one chart template: large type, white background, light grid, title and legend top left."""
    axis = dict(
        showgrid=True,
        gridcolor="#E5E5E5",
        zeroline=False,
        linecolor="#444444",
        ticks="outside",
        title=dict(font=dict(size=FONT_SIZE)),
        tickfont=dict(size=FONT_SIZE - 2),
        automargin=False,  # fixed margins: one layout pass per redraw
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family="Source Sans Pro, Arial, sans-serif", size=FONT_SIZE, color="#222222"),
            title=dict(
                font=dict(size=TITLE_SIZE),
                x=0,
                xanchor="left",
                xref="container",  # from the chart's left edge: the whole width, whatever the y labels take
                yref="container",
                y=1,
                yanchor="top",
                pad=dict(t=TITLE_TOP_PX, l=EDGE_PX),
            ),
            paper_bgcolor="white",
            plot_bgcolor="white",
            colorway=list(OKABE_ITO.values()),
            xaxis=axis,
            yaxis=axis,
            legend=dict(orientation="h", x=0, xanchor="left", xref="container", font=dict(size=LEGEND_SIZE)),
            margin=dict(l=10, r=10, t=70, b=10),
            hoverlabel=dict(font=dict(size=FONT_SIZE - 2)),
            bargap=0.25,
        )
    )


# --- fitting a chart to the narrowest width it is drawn at ---------------------------------------------------
# Margins are fixed (no automargin: one layout pass per redraw), so the room for titles, legends and labels is
# worked out here from the text: wrapped to fit, counted in lines, and reserved.

TITLE_SIZE = FONT_SIZE + 4
LEGEND_SIZE = FONT_SIZE - 2
TICK_SIZE = FONT_SIZE - 2
TITLE_TOP_PX = 12
MULTILINE_TITLE_LIFT_PX = 14
EDGE_PX = 8  # the title's and the legend's distance from the chart's left edge
RIGHT_PX = 20
TITLE_LINE_PX = 26
AXIS_LINE_PX = 20
LEGEND_ROW_PX = 24
LEGEND_TITLE_SIZE = FONT_SIZE - 3
LINE_SPACING = 1.3  # plotly's line height in em: each further line of a <br>-broken text is this much taller
LEGEND_SYMBOL_PX = 40  # an entry's symbol and the gap before its text
LEGEND_GAP_PX = 5
CHAR_EM = 0.5  # a character's mean width in em, rounded up from Arial and Liberation Sans (0.44-0.47 measured)
# the narrowest each kind of chart is drawn: one of two columns at 1280 x 720 with the sidebar open (402 px
# measured), and a chart alone across the main area there (about 820 px)
HALF_WIDTH_PX = 400
FULL_WIDTH_PX = 800
CHART_COLUMN_PX = HALF_WIDTH_PX

# a legend goes above the plot or nowhere: plotly moves the x axis title up onto the tick labels when a
# horizontal legend sits under the chart (measured), and inside the plot it covers curves and points
Legend = Literal["top", "none"]


def text_px(text: str, size: float) -> float:
    """The width of a (possibly <br>-broken) text at `size` px, estimated from its longest line."""
    plain = re.sub(r"<(?!br>)[^>]*>", "", str(text))  # <b>, </b>, <i>: no width of their own
    return max((len(line) for line in plain.split("<br>")), default=0) * CHAR_EM * size


def lines_of(text: str) -> int:
    """How many lines a <br>-broken text takes."""
    return str(text).count("<br>") + 1


def wrap_to(text: str, width_px: float, size: float) -> str:
    """A text broken into lines (plotly's <br>) that fit `width_px` at `size` px; a word longer stays whole."""
    return wrap(text, max(6, int(width_px / (CHAR_EM * size))))


def legend_names(data: list[dict]) -> list[str]:
    """The names the legend lists: traces shown in it, one per legend group."""
    names, groups = [], set()
    for trace in data:
        if trace.get("showlegend") is False or not trace.get("name"):
            continue
        group = trace.get("legendgroup")
        if group is not None:
            if group in groups:
                continue
            groups.add(group)
        names.append(str(trace["name"]))
    return names


def _legend_per_row(names: list[str], width_px: float) -> int:
    """How many entries plotly puts on a row of a horizontal legend across `width_px`: all when they fit on one;
    otherwise every entry takes the widest entry's width, so as many as the widest allows."""
    room = width_px - 2 * EDGE_PX
    items = [LEGEND_SYMBOL_PX + text_px(name, LEGEND_SIZE) for name in names]
    if sum(items) + LEGEND_GAP_PX * (len(items) - 1) <= room:
        return len(items)
    return max(1, int((room + LEGEND_GAP_PX) // (max(items) + LEGEND_GAP_PX)))


def legend_rows(names: list[str], width_px: float = HALF_WIDTH_PX) -> int:
    """Rows a horizontal legend of these names takes across a chart `width_px` wide (see `_legend_per_row`)."""
    return -(-len(names) // _legend_per_row(names, width_px)) if names else 0


def legend_title_px(title: str) -> int:
    """The height of a legend title drawn above its entries (side "top"), one line of LEGEND_TITLE_SIZE per line."""
    return math.ceil(lines_of(title) * LINE_SPACING * LEGEND_TITLE_SIZE) if title else 0


def legend_px(names: list[str], width_px: float = HALF_WIDTH_PX, title: str = "", rows_at_least: int = 0) -> int:
    """The height of a horizontal legend across a chart `width_px` wide: its title's lines above (see
    `legend_title_px`), then its rows, each as tall as its entry of most <br>-broken lines."""
    line_px = LINE_SPACING * LEGEND_SIZE
    rows_px: list[float] = []
    if names:
        per_row = _legend_per_row(names, width_px)
        for start in range(0, len(names), per_row):
            lines = max(lines_of(name) for name in names[start : start + per_row])
            rows_px.append(LEGEND_ROW_PX + line_px * (lines - 1))
    rows_px += [LEGEND_ROW_PX] * max(0, rows_at_least - len(rows_px))
    if not rows_px and not title:
        return 0
    return math.ceil(legend_title_px(title) + sum(rows_px) + 8)


def legend_title(text: str, width_px: float) -> str:
    """A legend title broken into lines that fit a chart `width_px` wide (its own <br> breaks kept)."""
    return "<br>".join(wrap_to(line, width_px - 2 * EDGE_PX, LEGEND_TITLE_SIZE) for line in str(text).split("<br>"))


def _fit_axis_titles(layout: dict, plot_w: float, plot_h: float) -> tuple[int, int]:
    """Wrap every axis title to its axis's length; returns the extra lines (below the x axes, left of the y axes)."""
    extra_x = extra_y = 0
    for name, axis in layout.items():
        if not (name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict)):
            continue
        title = axis.get("title")
        text = title.get("text") if isinstance(title, dict) else title
        if not text:
            continue
        lo, hi = axis.get("domain", (0, 1))
        length = (plot_w if name.startswith("x") else plot_h) * (hi - lo)
        fitted = wrap_to(text, length - 8, FONT_SIZE)
        axis["title"] = {**(title if isinstance(title, dict) else {}), "text": fitted}
        if name.startswith("x"):
            extra_x = max(extra_x, lines_of(fitted) - 1)
        else:
            extra_y = max(extra_y, lines_of(fitted) - 1)
    return extra_x, extra_y


def fit(
    data: list[dict],
    layout: dict,
    title: str,
    height: int,
    left: int,
    bottom: int,
    width: int,
    legend: Legend,
    legend_rows_at_least: int = 0,
    headroom: int = 0,
) -> dict:
    """The layout with the title, axis titles and legend fitted to a chart `width` px wide: each wrapped, the margins
    and the height grown by the lines they take, the legend placed under the title. `headroom`
    is room kept above the plot for subplot titles."""
    out = {**layout}
    fitted_title = wrap_to(title, width - 2 * EDGE_PX, TITLE_SIZE)
    title_px = TITLE_TOP_PX + TITLE_LINE_PX * lines_of(fitted_title)
    given_legend = layout.get("legend", {})
    given_title = given_legend.get("title") or {}
    given_title = {"text": given_title} if isinstance(given_title, str) else given_title
    title_text = legend_title(given_title.get("text", ""), width) if legend == "top" else ""
    legend_h = legend_px(legend_names(data), width, title_text, legend_rows_at_least) if legend == "top" else 0
    base_h = height - 48  # the plot and its x axis (height used to include one title line and its padding)
    extra_x, extra_y = _fit_axis_titles(out, width - left - RIGHT_PX, base_h - bottom)
    bottom_px = bottom + AXIS_LINE_PX * extra_x
    top_px = title_px + 10 + legend_h + headroom
    total = top_px + base_h + AXIS_LINE_PX * extra_x
    out.update(
        template=lab_template(),
        # plotly lifts a title of two or more lines 14 px above where its top anchor puts one line (measured)
        title={
            **out.get("title", {}),
            "text": fitted_title,
            "pad": {"t": TITLE_TOP_PX + (MULTILINE_TITLE_LIFT_PX if lines_of(fitted_title) > 1 else 0), "l": EDGE_PX},
        },
        height=total,
        margin={"t": top_px, "l": left + AXIS_LINE_PX * extra_y, "b": bottom_px, "r": RIGHT_PX},
    )
    if legend == "none":
        out["showlegend"] = False
    elif legend == "top":
        out["legend"] = {
            "yref": "container",
            "y": 1 - (title_px + 4) / total,
            "yanchor": "top",
            **given_legend,
        }
        if title_text:  # above the entries: beside them (plotly's default) it pushes them off the chart's right edge
            out["legend"]["title"] = {**given_title, "text": title_text, "side": "top"}
            out["legend"]["title"].setdefault("font", {"size": LEGEND_TITLE_SIZE})
    return out


def styled(
    fig: go.Figure,
    title: str,
    height: int = 380,
    legend_rows: int = 0,
    left: int = 90,
    bottom: int = 70,
    width: int = HALF_WIDTH_PX,
    legend: Legend = "top",
    headroom: int = 0,
) -> go.Figure:
    """Apply the template and a title, fitted to a chart `width` px wide (see `fit`); `height` is the chart's height
    with a one-line title and no legend, `left` and `bottom` the room for the y and x tick labels and titles."""
    layout = fig.layout.to_plotly_json()
    data = [trace.to_plotly_json() for trace in fig.data]
    fig.update_layout(fit(data, layout, title, height, left, bottom, width, legend, legend_rows, headroom))
    return fig


def build(
    data: list[dict],
    layout: dict,
    title: str,
    height: int = 380,
    legend_rows: int = 0,
    left: int = 90,
    bottom: int = 70,
    width: int = HALF_WIDTH_PX,
    legend: Legend = "top",
) -> go.Figure:
    """A figure from plain trace and layout dicts, styled like `styled`. Not validated on construction (plotly's
    property validation cost ~6 ms a figure, on every slider move); tests/lab/figures/test_style.py validates
    every builder's output in full instead."""
    full = fit(data, layout, title, height, left, bottom, width, legend, legend_rows)
    return go.Figure({"data": data, "layout": full}, _validate=False)


def label_margin(labels: list[str], size: float = TICK_SIZE) -> int:
    """Left margin (px) for horizontal-bar category labels (<br>-broken lines), with room for the ticks."""
    return 24 + int(max((text_px(label, size) for label in labels), default=2 * size))


def money_tick_px(max_usd: float, size: float = TICK_SIZE) -> float:
    """The width of the widest tick label of a whole-dollar axis up to `max_usd` ("$1,500,000")."""
    return text_px(f"${max(max_usd, 1):,.0f}", size)


def wrap(label: str, width: int = 18) -> str:
    """A long label broken into lines of about `width` characters (plotly's <br>), for category axes."""
    lines: list[str] = []
    for word in label.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def subplot_titles(titles: list[str], width: int, spacing: float, left: int = 90) -> tuple[list[str], int]:
    """Subplot titles wrapped to their panel's width in a chart `width` px wide, and the headroom they need."""
    panels = len(titles)
    panel_px = (width - left - RIGHT_PX) * (1 - spacing * (panels - 1)) / max(panels, 1)
    wrapped = [wrap_to(title, panel_px - 4, FONT_SIZE - 2) for title in titles]
    return wrapped, AXIS_LINE_PX * max((lines_of(t) for t in wrapped), default=1) + 4
