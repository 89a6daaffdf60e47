"""One chart style for every page: a colour-blind-safe palette, one template, money and share formats.

Colours come from the Okabe-Ito palette (distinguishable with every common colour-vision
deficiency). A model's colour depends only on its tier, so it is the same on every page; a run with
failures injected keeps its colour and is told apart by pattern, dash and marker shape.
"""

from __future__ import annotations

from functools import lru_cache

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
    """The lab's one chart template: large type, white background, light grid, legend on top."""
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
                font=dict(size=FONT_SIZE + 4),
                x=0,
                xanchor="left",
                xref="paper",
                yref="container",
                y=1,
                yanchor="top",
                pad=dict(t=12),
            ),
            paper_bgcolor="white",
            plot_bgcolor="white",
            colorway=list(OKABE_ITO.values()),
            xaxis=axis,
            yaxis=axis,
            legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=FONT_SIZE - 2)),
            margin=dict(l=10, r=10, t=70, b=10),
            hoverlabel=dict(font=dict(size=FONT_SIZE - 2)),
            bargap=0.25,
        )
    )


def styled(
    fig: go.Figure, title: str, height: int = 380, legend_rows: int = 1, left: int = 90, bottom: int = 70
) -> go.Figure:
    """Apply the template, a title and a height; fixed margins (room above for the title and `legend_rows` of legend,
    `left` for the y tick labels and title, `bottom` for the x tick labels and title)."""
    fig.update_layout(
        template=lab_template(),
        title=dict(text=title),
        height=height + 26 * legend_rows,
        margin=dict(t=48 + 26 * legend_rows, l=left, b=bottom, r=20),
    )
    return fig


def build(
    data: list[dict],
    layout: dict,
    title: str,
    height: int = 380,
    legend_rows: int = 1,
    left: int = 90,
    bottom: int = 70,
) -> go.Figure:
    """A figure from plain trace and layout dicts, styled like `styled`. Not validated on construction (plotly's
    property validation cost ~6 ms a figure, on every slider move); tests/lab/figures/test_style.py validates
    every builder's output in full instead."""
    full = {
        **layout,
        "template": lab_template(),
        "title": {"text": title},
        "height": height + 26 * legend_rows,
        "margin": {"t": 48 + 26 * legend_rows, "l": left, "b": bottom, "r": 20},
    }
    if legend_rows and "y" not in layout.get("legend", {}):
        full["legend"] = {**layout.get("legend", {}), "y": legend_y(height - 48 - bottom)}
    return go.Figure({"data": data, "layout": full}, _validate=False)


def legend_y(plot_px: int) -> float:
    """The legend's y (in plot heights) that sits it 8 px above a plot `plot_px` tall, whatever its height
    (the template's 1.02 is 43 px above a 2,000-px plot, over the title)."""
    return 1 + 8 / max(plot_px, 1)


def label_margin(labels: list[str]) -> int:
    """Left margin (px) for horizontal-bar category labels of these lengths (one line of up to 22 characters each)."""
    longest = max((min(len(part), 22) for label in labels for part in str(label).split("<br>")), default=4)
    return 24 + int(longest * FONT_SIZE * 0.52)


CHART_COLUMN_PX = 560  # a chart in one of two columns of a 1600-px-wide window with the sidebar open


def legend_rows(names: list[str], left: int) -> int:
    """Rows a horizontal legend of these names takes above a plot whose y labels take `left` px (an estimate
    for a chart in one of two columns; plotly wraps the legend, the fixed top margin must leave room)."""
    room = CHART_COLUMN_PX - left - 20
    rows, used = 1, 0.0
    for name in names:
        item = 40 + 0.5 * (FONT_SIZE - 2) * len(name)  # symbol, gap and text
        if used and used + item > room:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def wrap(label: str, width: int = 18) -> str:
    """A long label broken into lines of about `width` characters (plotly's <br>), for category axes."""
    lines: list[str] = []
    for word in label.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)
