"""AppTest helpers: run the app as a browser session would, and read its figures back as data."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.card_reader import read_cards

HARNESS = str(Path(__file__).resolve().parent / "harness_app.py")
PAGE_FILES = {
    name: f"../../pages/{name}.py"
    for name in ("lab", "compare", "queries", "cost_projection", "failure_gallery", "data", "workshop")
}
TIMEOUT_S = 180  # first runs build experiments and train classifiers


def open_app(query: dict[str, str] | None = None, page: str = "lab") -> AppTest:
    """A fresh session of the app (optionally opened with URL parameters) on a page."""
    at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "lab":
        at.switch_page(PAGE_FILES[page]).run()
    return at


def go(at: AppTest, page: str) -> AppTest:
    """Switch the session to another page and run it."""
    return at.switch_page(PAGE_FILES[page]).run()


def assert_clean(at: AppTest) -> None:
    """No exception and no error box."""
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == []


def _decode(value):
    """Plotly 6 ships numpy arrays as base64 typed arrays: back to lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            return array.reshape(value["shape"]).tolist() if "shape" in value else array.tolist()
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def figures(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures as JSON (arrays decoded to lists), by title (its lines joined)."""
    out = {}
    for chart in at.get("plotly_chart"):
        spec = _decode(json.loads(chart.proto.spec))
        out[spec["layout"]["title"]["text"].replace("<br>", " ")] = spec  # titles are wrapped to fit the chart
    return out


def traces(figure: dict) -> dict[str, dict]:
    """A figure's traces by name."""
    return {t.get("name"): t for t in figure["data"]}


def cards(at: AppTest) -> list[dict]:
    """The headline cards the page drew as HTML (lab.present.card_html), in order."""
    return read_cards("".join(element.value for element in at.html if "rl-cards" in element.value))


def operating_points(figure: dict) -> list[tuple[float, float]]:
    """A frontier's operating points (cost per 1,000 queries, quality): the diamonds drawn as layout shapes."""
    return [(s["xanchor"], s["yanchor"]) for s in figure["layout"].get("shapes", []) if s.get("type") == "path"]


def widget(elements, label: str):
    """The one widget with this label."""
    found = [w for w in elements if w.label == label]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}"
    return found[0]


def threshold_sliders(at: AppTest) -> list:
    """The threshold sliders, one per tier boundary."""
    return [s for s in at.slider if "/t" in s.key and ":" in s.key and s.key.split("/")[1].startswith("t")]


@pytest.fixture
def fresh_env(monkeypatch):
    """No data directory from the environment unless a test sets one."""
    monkeypatch.delenv("ROUTING_LAB_DATA", raising=False)
    return monkeypatch
