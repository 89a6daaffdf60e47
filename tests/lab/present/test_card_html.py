"""Headline cards as one block of HTML: every part st.metric showed, escaped, coloured the way st.metric colours."""

from __future__ import annotations

import pytest

from lab.present.card_html import cards_html, delta_tone
from lab.present.kpis import Kpi, kpi_cards
from tests.card_reader import read_cards as _read


def test_every_card_keeps_its_label_help_value_change_and_interval(default_experiment):
    from lab.core.experiment import run, signals_for, thresholds_for

    exp = default_experiment
    signals = signals_for(exp, "cascade")
    summary = run(exp, signals, thresholds_for(exp, "cascade"))[1]
    shifted = run(exp, signals, tuple(t + 0.2 for t in thresholds_for(exp, "cascade")))[1]
    kpis = kpi_cards(summary, reference=shifted)
    read = _read(cards_html(kpis))
    assert [(c["label"], c["help"], c["value"], c["delta"], c["interval"]) for c in read] == [
        (k.label, k.help, k.value, k.delta, k.interval) for k in kpis
    ]
    assert "grid-template-columns: repeat(5, minmax(0, 1fr))" in cards_html(kpis)


@pytest.mark.parametrize(
    ("delta", "colour", "tone"),
    [
        ("+3.0 pts", "normal", "good"),
        ("-3.0 pts", "normal", "bad"),
        ("+3.0 pts", "inverse", "bad"),
        ("-$120", "inverse", "good"),
        ("-$120", "off", "off"),
    ],
)
def test_a_change_is_green_when_it_moves_the_good_way_red_otherwise_grey_when_off(delta, colour, tone):
    card = Kpi("Savings", "40%", "95%: 38% to 42%", delta, "help", colour=colour)
    assert delta_tone(card) == tone
    [read] = _read(cards_html([card]))
    assert read["tone"] == tone
    arrow = "arrow_downward" if delta.startswith("-") else "arrow_upward"
    assert f">{arrow}</i>" in cards_html([card])


def test_text_is_escaped_so_a_label_cannot_inject_markup():
    card = Kpi("<b>Quality</b> & co", "1 < 2", '95%: a "b"', None, 'say "hi" <script>')
    html = cards_html([card])
    assert "<b>" not in html and "<script>" not in html
    [read] = _read(html)
    assert (read["label"], read["value"], read["help"], read["delta"]) == (
        "<b>Quality</b> & co",
        "1 < 2",
        'say "hi" <script>',
        None,
    )
