"""lab.present.figures.style.build skips plotly's validation for speed: every builder's output must still be a valid figure."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.core.experiment import run, signals_for, sweep_for
from lab.present.breakdown import category_split
from lab.present.figures.estimates import Estimate, estimate_figure
from lab.present.figures.frontier import Anchors, Curve, Point, frontier_figure, sweep_figure
from lab.present.figures.routing import category_split_figure, model_split_figure
from lab.present.figures.style import GREY, build
from lab.present.text import duration, usd


def _validated(fig: go.Figure) -> go.Figure:
    """The same figure with every property validated by plotly (raises ValueError on a bad one)."""
    return go.Figure(fig.to_dict())


def test_build_does_not_hide_an_invalid_property_from_validation():
    fig = build([{"type": "bar", "x": [1], "colour": "red"}], {}, "bad")  # plotly has no "colour"
    with pytest.raises(ValueError, match="colour"):
        _validated(fig)


def test_every_lab_page_figure_is_valid_plotly(default_experiment):
    exp = default_experiment
    cascade = signals_for(exp, "cascade")
    result, summary = run(exp, cascade, [0.3])
    oracle = run(exp, signals_for(exp, "oracle"), [0.5])[1]
    curves = [Curve("cascade", "cascade", sweep_for(exp, cascade))]
    anchors = Anchors.of(exp.baselines, oracle)
    points = [Point("now", "cascade", summary)]
    figures = [
        model_split_figure([("now", summary.call_share)], exp.model_names),
        category_split_figure([("now", category_split(result, exp.queries))], exp.model_names),
        estimate_figure(
            [Estimate("now", summary.quality, *summary.quality_ci, colour=GREY)], "quality", "quality (0-1)"
        ),
        estimate_figure(
            [Estimate("now", summary.monthly_cost_usd, *summary.monthly_cost_ci, colour=GREY)],
            "cost",
            "USD",
            money=True,
        ),
        frontier_figure(curves, anchors, points),
        sweep_figure(curves, anchors, points),
    ]
    for fig in figures:
        checked = _validated(fig)
        assert len(checked.data) == len(fig.data) > 0
        assert checked.layout.height == fig.layout.height


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_usd_is_always_a_readable_amount_that_keeps_the_sign(value):
    text = usd(value)
    assert re.fullmatch(r"-?\$(\d{1,3}(,\d{3})*|\d+)(\.\d+)?", text), text
    assert not text.endswith(".")
    assert text.startswith("-") == (value < 0 and text != "$0")
    assert float(text.replace("$", "").replace(",", "")) == pytest.approx(
        value, abs=max(0.5, abs(value) * 1e-2) if abs(value) >= 100 else 0.005
    )


def test_usd_of_zero_and_of_less_than_a_millionth_is_zero_dollars():
    assert usd(0.0) == "$0"
    assert usd(-0.0) == "$0"
    assert usd(1e-9) == "$0"
    assert usd(0.000123) == "$0.000123"


def test_duration_is_milliseconds_below_a_second_and_seconds_above():
    assert duration(850.2) == "850 ms"
    assert duration(999.6) == "1.0 s"  # never "1,000 ms"
    assert duration(13_294.0) == "13.3 s"
    assert duration(-1_606.0) == "-1.6 s"
    assert duration(float("nan")) == "n/a"


def test_a_legend_that_wraps_gets_the_rows_it_needs_across_the_chart_s_width():
    from lab.present.figures.style import legend_rows

    assert legend_rows(["gpt-4o-mini", "gpt-4o"]) == 1
    assert legend_rows(["gpt-4o-mini", "gpt-4o"], width_px=100) == 2
    long = ["a-long-model-name-number-one", "another-long-model-name", "a-third-long-model-name"]
    assert legend_rows(long, width_px=400) == 3 and legend_rows(long, width_px=800) == 1
    assert legend_rows([]) == 0


def test_a_legend_s_height_counts_its_title_and_the_lines_of_every_entry():
    from lab.present.figures.style import LEGEND_ROW_PX, legend_px, legend_title_px

    one = legend_px(["gpt-4o-mini", "gpt-4o"])
    assert one == LEGEND_ROW_PX + 8 and legend_px([]) == 0
    # a title above the entries adds a line per line (plotly draws 13 px type about 17 px apart, measured)
    assert legend_px(["gpt-4o-mini", "gpt-4o"], title="a note") == one + legend_title_px("a note") >= one + 17
    assert legend_title_px("two<br>lines") >= 2 * 17 and legend_title_px("") == 0
    # an entry broken in two lines makes its row one line taller (18 px at 14 px type, measured)
    stacked = ["a-long-model-name-number-one", "another-long-model-name", "a-third-long-model-name"]
    assert legend_px(stacked) == 3 * LEGEND_ROW_PX + 8
    assert legend_px([stacked[0], "another-long<br>model-name", stacked[2]]) >= legend_px(stacked) + 18


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@given(
    title=st.lists(words, min_size=1, max_size=14).map(" ".join),
    names=st.lists(st.lists(words, min_size=1, max_size=4).map(" ".join), max_size=8),
    x_title=st.lists(words, min_size=1, max_size=12).map(" ".join),
    width=st.integers(300, 1200),
    legend_title=st.one_of(st.none(), st.lists(words, min_size=1, max_size=12).map(" ".join)),
)
def test_a_fitted_chart_keeps_its_title_legend_and_axis_title_inside_their_room(
    title, names, x_title, width, legend_title
):
    from lab.present.figures.style import (
        CHAR_EM,
        EDGE_PX,
        LEGEND_ROW_PX,
        LEGEND_TITLE_SIZE,
        TITLE_SIZE,
        fit,
        legend_rows,
        legend_title_px,
        lines_of,
        text_px,
    )

    data = [{"type": "scatter", "x": [0], "y": [0], "name": name} for name in names]
    given_layout: dict = {"xaxis": {"title": {"text": x_title}}}
    if legend_title:
        given_layout["legend"] = {"title": {"text": legend_title}}
    layout = fit(data, given_layout, title, 380, 90, 70, width, "top")
    # the title: every line fits the width unless it is one word too long to break
    for line in layout["title"]["text"].split("<br>"):
        assert text_px(line, TITLE_SIZE) <= width - 2 * EDGE_PX or " " not in line
    assert layout["title"]["text"].replace("<br>", " ") == title
    title_bottom = 12 + 26 * lines_of(layout["title"]["text"])
    top, total = layout["margin"]["t"], layout["height"]
    assert top >= title_bottom
    if names:
        legend_top = (1 - layout["legend"]["y"]) * total
        assert legend_top >= title_bottom  # under the title
        assert legend_top + LEGEND_ROW_PX * legend_rows(names, width) <= top  # above the plot
    if legend_title:  # above the entries (beside them it pushes them off the right edge), each line within the width
        fitted_title = layout["legend"]["title"]["text"]
        assert layout["legend"]["title"]["side"] == "top"
        assert fitted_title.replace("<br>", " ") == legend_title
        assert all(
            text_px(line, LEGEND_TITLE_SIZE) <= width - 2 * EDGE_PX or " " not in line
            for line in fitted_title.split("<br>")
        )
        legend_top = (1 - layout["legend"]["y"]) * total
        assert legend_top + legend_title_px(fitted_title) + LEGEND_ROW_PX * legend_rows(names, width) <= top
    # the x axis title fits the plot's width, and the bottom margin grew by the lines it took
    fitted = layout["xaxis"]["title"]["text"]
    plot_px = width - layout["margin"]["l"] - layout["margin"]["r"]
    assert all(len(line) * CHAR_EM * 16 <= plot_px or " " not in line for line in fitted.split("<br>"))
    assert layout["margin"]["b"] == 70 + 20 * (lines_of(fitted) - 1)


def test_signed_always_shows_the_sign_of_a_change():
    from lab.present.text import signed

    assert signed(1.5, usd) == "+$1.50"
    assert signed(-1_606.0, duration) == "-1.6 s"
    assert signed(0.0, usd) == "+$0"
