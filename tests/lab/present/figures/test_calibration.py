"""The failure figures read back as data: what each chart shows is what the engine computed."""

from __future__ import annotations

import numpy as np
import pytest

from lab.core.experiment import signals_for
from lab.failures import demonstrate, severity_curve
from lab.failures.calibration import calibration_report
from lab.failures.guardrails import compare_fallbacks, monitor_failure
from lab.present.figures.calibration import (
    MAX_TIMELINE_POINTS,
    ReliabilityCurve,
    before_after_figure,
    fallback_figure,
    monitor_figure,
    reliability_figure,
    severity_figure,
)


@pytest.fixture(scope="module")
def cascade(default_experiment):
    """The clean cascade signals of the default scenario."""
    return signals_for(default_experiment, "cascade")


def test_reliability_figure_plots_each_curve_against_the_diagonal(default_experiment, cascade):
    report = calibration_report(default_experiment, cascade, {"overconfident-scorer": 0.8}, [0.5], "isotonic")
    fig = reliability_figure(
        [
            ReliabilityCurve("clean", report.clean),
            ReliabilityCurve("overconfident", report.injected, "injected"),
            ReliabilityCurve("recalibrated", report.recalibrated, "recalibrated"),
        ]
    )
    diagonal, clean, injected, fixed = fig.data
    assert list(diagonal.x) == [0, 1] and list(diagonal.y) == [0, 1]
    filled = report.injected.count > 0
    np.testing.assert_allclose(injected.y, report.injected.accuracy[filled])
    assert f"ECE {report.injected.ece:.3f}" in injected.name and injected.line.dash == "dash"
    assert clean.line.dash == "solid" and fixed.marker.symbol == "square"
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_before_after_figure_shows_the_two_summaries(default_experiment, cascade):
    c = demonstrate(default_experiment, "overconfident-scorer", signals=cascade)
    fig = before_after_figure(c, "overconfident")
    quality, cost, latency = fig.data
    assert list(quality.y) == [c.clean.quality, c.injected.quality]
    assert list(cost.y) == pytest.approx([c.clean.cost_per_1k_usd, c.injected.cost_per_1k_usd])
    assert list(latency.y) == [c.clean.latency_p95_ms, c.injected.latency_p95_ms]
    assert list(quality.marker.pattern.shape) == ["", "/"]
    notes = [a.text for a in fig.layout.annotations if a.text.startswith("change")]
    assert f"{c.delta['quality']:+.3f}" in notes[0] and " ms" in notes[2]


def test_severity_figure_starts_at_the_clean_run(default_experiment, cascade):
    curve = severity_curve(default_experiment, cascade, "llm-router-slow", [0.5], severities=[0.0, 1.0])
    fig = severity_figure(curve, "slow", metrics=("latency",))
    assert list(fig.data[0].x) == [0.0, 1.0] and list(fig.data[0].y) == list(curve.latency_p95_ms)


def test_monitor_figure_is_aggregated_and_marks_the_alert(default_experiment, cascade):
    run = monitor_failure(default_experiment, cascade, {"traffic-drift": 0.5}, [0.5])
    fig = monitor_figure(run)
    assert all(len(trace.x) <= MAX_TIMELINE_POINTS for trace in fig.data)
    xs = [shape.x0 for shape in fig.layout.shapes if shape.x0 == shape.x1]
    assert run.report.onset in xs and run.report.alert_at in xs
    assert any(shape.y0 == run.report.floor for shape in fig.layout.shapes)


def test_fallback_figure_has_one_point_per_ordering(default_experiment):
    rows = compare_fallbacks(default_experiment, signals_for(default_experiment, "length"), [0.5])
    fig = fallback_figure(rows)
    assert [t.name for t in fig.data] == [r.ordering for r in rows]
    assert [t.y[0] for t in fig.data] == [r.quality_change for r in rows]
