"""The decisions CSV: one row per query with its route and reason, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import dataclasses
import io

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lab.core.experiment import signals_for
from lab.core.routing import route
from lab.export.decisions import FORMULA_STARTS, decisions_csv, spreadsheet_safe
from tests.lab.factories import make_experiment

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)", "\tTAB", "\rCR", "plain", "a=b"]


@given(st.text(max_size=30))
def test_no_cell_starts_a_formula(text):
    cell = spreadsheet_safe(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text  # only neutralised, never changed otherwise


def test_hostile_ids_categories_and_model_names_are_neutralised():
    exp = make_experiment(np.array([[0, 1]] * 8, dtype=float))
    queries = dataclasses.replace(
        exp.queries, ids=np.array(HOSTILE, dtype=object), category=np.array(HOSTILE[::-1], dtype=object)
    )
    signals = signals_for(exp, "random")
    result = route(signals, queries, (0.5,))
    text = decisions_csv(queries, signals, result, ("=cmd|' /C calc'!A0", "-strong"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["query_id", "category", "score", "tier", "model", "reason"] and len(rows) == 9
    for row in rows[1:]:
        for cell in (row[0], row[1], row[4], row[5]):
            assert not cell.startswith(FORMULA_STARTS)
        assert 0 <= float(row[2]) <= 1 and row[3] in ("0", "1")
    assert rows[1][0] == "'" + HOSTILE[0] and rows[7][0] == "plain"
    assert np.allclose([float(r[2]) for r in rows[1:]], signals.score, rtol=1e-11, atol=0)  # scores, as numbers
    assert [int(r[3]) for r in rows[1:]] == result.tier.tolist()


def test_a_cascade_over_three_models_has_a_score_per_stage(experiment):
    from lab.core.scenario import load_scenario
    from lab.sources.loader import load_experiment

    exp = load_experiment(load_scenario("mixed-production").with_queries(200))
    signals = signals_for(exp, "cascade")
    result = route(signals, exp.queries, (0.4, 0.4))
    rows = list(csv.reader(io.StringIO(decisions_csv(exp.queries, signals, result, exp.model_names))))
    assert rows[0][2:4] == ["score_stage_1", "score_stage_2"] and len(rows) == 201
    assert "escalate" in rows[1][-1] or "keep" in rows[1][-1]
