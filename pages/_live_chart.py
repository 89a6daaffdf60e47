"""Live plotly charts: charts that redraw in place (Plotly.react) when a rerun changes their figures.

st.plotly_chart folds the figure into the element's identity, so every slider move remounts every
chart (purge, then two draws each). The Lab page's charts change on every move, so they are drawn by a
small custom component (Streamlit components v2, keyed, so it stays mounted) that hands each new
figure to Plotly.react. The Lab's six charts are one such element laid out like rows of st.columns(2):
every Streamlit element a rerun sends costs the browser a React update, and one element instead of
fifteen (three rows of two columns with a chart each) is one update with all six redraws in one task.
plotly.js is its basic bundle (assets/, the version the plotly package ships; it evaluates in a fraction
of the full bundle's time), served by server.py at PLOTLY_JS_ROUTE and loaded once per browser tab; the
component keeps it to itself and leaves window.Plotly as it was.

The component also writes the page's configuration to the address bar when a page hands it one
(`address`): the Lab's threshold moves rerun only a fragment, and st.query_params would push a history
entry and re-render the whole app on each.

Without server.py (plain `streamlit run app.py`, or AppTest) the route does not exist: the charts
fall back to st.plotly_chart, same figures, slower reruns, and the page writes its address itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import streamlit as st

PLOTLY_JS_ROUTE = "/routing-lab/plotly-basic.min.js"
# server.py sets this to PLOTLY_JS_ROUTE when it serves plotly.js; unset means "fall back to st.plotly_chart".
PLOTLY_JS_ENV = "ROUTING_LAB_PLOTLY_JS"

# One column by default; a grid of two has st.columns' small gap between its columns and a block's gap between rows.
_HTML = """<div class="routing-lab-charts" style="display: grid; width: 100%; gap: 1rem; align-items: start"></div>"""

_JS = """
function loadPlotly(url) {
  // Once per tab, with a <script> tag (the browser parses it off the main thread, and caches it), then keep
  // the module privately and give window.Plotly back whatever it held before (Streamlit's own copy, or nothing).
  if (!window.__routingLabPlotly) {
    window.__routingLabPlotly = new Promise((resolve, reject) => {
      const before = Object.getOwnPropertyDescriptor(window, "Plotly");
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => {
        const Plotly = window.Plotly;
        if (before) Object.defineProperty(window, "Plotly", before); else delete window.Plotly;
        if (Plotly && Plotly.react) resolve(Plotly); else reject(new Error(`no plotly.js at ${url}`));
      };
      script.onerror = () => reject(new Error(`plotly.js not served at ${url}`));
      document.head.appendChild(script);
    });
    window.__routingLabPlotly.catch(() => { window.__routingLabPlotly = undefined; });
  }
  return window.__routingLabPlotly;
}

// plotly.py sends numpy arrays as {dtype, bdata} (base64). plotly.js decodes such a spec into a new typed array
// on every draw, and its diff compares arrays by identity, so an unchanged curve reads as new data and the whole
// chart is drawn again. Decoded once here and handed back unchanged, it is not.
const TYPED = { i1: Int8Array, u1: Uint8Array, u1c: Uint8ClampedArray, i2: Int16Array, u2: Uint16Array,
  i4: Int32Array, u4: Uint32Array, f4: Float32Array, f8: Float64Array };

function typedArray(spec) {
  const Type = TYPED[spec.dtype];
  if (!Type || spec.shape !== undefined) return spec;  // 2-D, or a type plotly.js knows and this does not: its own decoder
  const bytes = Uint8Array.from(atob(spec.bdata), (c) => c.charCodeAt(0));
  return new Type(bytes.buffer);
}

function isTypedArraySpec(value) {
  return typeof value.bdata === "string" && typeof value.dtype === "string";
}

function reuse(raw, drawnRaw, drawnValue) {
  // What to hand plotly for `raw` (parsed JSON): the drawn value wherever the JSON did not change, so plotly.js's
  // diff sees the same objects and redraws only what changed (a slider move moves a marker, not a 201-point curve).
  if (raw === null || typeof raw !== "object") return raw;
  if (drawnRaw !== undefined && JSON.stringify(raw) === JSON.stringify(drawnRaw)) return drawnValue;
  if (Array.isArray(raw)) return raw.map((item, i) => reuse(item, drawnRaw && drawnRaw[i], drawnValue && drawnValue[i]));
  if (isTypedArraySpec(raw)) return typedArray(raw);
  const value = {};
  for (const key of Object.keys(raw)) value[key] = reuse(raw[key], drawnRaw && drawnRaw[key], drawnValue && drawnValue[key]);
  return value;
}

function drawChart(Plotly, chart, figure, config) {
  if (!chart.__routingLabResize) {  // once per chart: follow the column's width (a window resize is not enough)
    chart.__routingLabResize = new ResizeObserver(() => { if (chart.data) Plotly.Plots.resize(chart); });
    chart.__routingLabResize.observe(chart);
  }
  const drawn = chart.__routingLabDrawn;
  const value = reuse(figure, drawn && drawn.raw, drawn && drawn.value);
  const configText = JSON.stringify(config);
  chart.__routingLabDrawn = { raw: figure, value, configText };
  // a config hands plotly.js a new plot context to build and compare (about 1 ms a chart): only when it changed
  const changed = !drawn || drawn.configText !== configText;
  return Plotly.react(chart, value.data, value.layout || {}, changed ? config : undefined);
}

function failed(charts, error) {
  for (const chart of charts) {
    chart.style.minHeight = "";
    chart.textContent = `This chart could not be drawn: ${error.message}. Start the lab with \\`uv run routing-lab\\`.`;
  }
}

function keepAddress(query) {
  // The page's configuration in the address bar, written here: Streamlit writes st.query_params by pushing a
  // history entry and re-rendering the whole app, on every slider move. Same encoding, so when the server next
  // writes the same query (on a full rerun), the address is already right.
  if (typeof query !== "string") return;
  const search = query ? `?${query}` : "";
  if (window.location.search === search) return;
  window.history.replaceState(window.history.state, "", window.location.pathname + search + window.location.hash);
}

export default function (component) {
  // Runs on mount and again on every rerun that changes `data`; the chart divs stay, so Plotly.react
  // diffs each new figure against the drawn one instead of drawing from scratch. One element may carry
  // several charts (a grid, like rows of st.columns): one update, one task, one layout for all of them.
  const { parentElement } = component;
  if (!component.data) return;
  const data = JSON.parse(new TextDecoder().decode(component.data));  // sent as bytes: see _payload
  keepAddress(data.address);
  const figures = data.figures;
  if (!figures.length) {  // the preload: fetch and evaluate plotly.js while the script is still running
    loadPlotly(data.plotly_js).catch(() => {});
    return;
  }
  const grid = parentElement.querySelector(".routing-lab-charts");
  if (!grid) return;
  grid.style.gridTemplateColumns = `repeat(${data.columns || 1}, minmax(0, 1fr))`;
  while (grid.children.length < figures.length) {
    const chart = document.createElement("div");
    chart.className = "routing-lab-chart";
    chart.style.contain = "layout style paint";
    grid.appendChild(chart);
  }
  while (grid.children.length > figures.length) grid.lastChild.remove();
  const charts = Array.from(grid.children);
  (data.keys || []).forEach((key, i) => { if (charts[i]) charts[i].dataset.chart = key; });
  figures.forEach((figure, i) => { charts[i].style.minHeight = `${(figure.layout && figure.layout.height) || 380}px`; });
  loadPlotly(data.plotly_js)
    .then((Plotly) => Promise.all(figures.map((figure, i) => drawChart(Plotly, charts[i], figure, data.config))))
    .catch((error) => failed(charts, error));
}
"""

_COMPONENT = st.components.v2.component("routing_lab_live_plotly", html=_HTML, js=_JS, isolate_styles=False)


def plotly_js_path() -> Path:
    """plotly.js's basic bundle (bar, scatter, pie: every trace the live charts draw), vendored in assets/
    at the version the plotly package ships; assets/README.md says where it came from."""
    return Path(__file__).resolve().parent.parent / "assets" / "plotly-basic.min.js"


def plotly_js_url() -> str | None:
    """Where this server serves plotly.js (under the server's base URL path), or None when it does not."""
    route = os.environ.get(PLOTLY_JS_ENV)
    if not route:
        return None
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{route}" if base else route


def _payload(
    figures_json: list[str],
    config: dict,
    url: str,
    keys: tuple[str, ...] = (),
    columns: int = 1,
    address: str | None = None,
) -> bytes:
    """The component's data as UTF-8 JSON bytes. Streamlit passes bytes through untouched; a dict or str
    would be scanned for dataframes, which imports pandas on the first page and costs on every move."""
    return (
        f'{{"figures": [{", ".join(figures_json)}], "keys": {json.dumps(list(keys))}, "columns": {columns}, '
        f'"config": {json.dumps(config)}, "plotly_js": {json.dumps(url)}, "address": {json.dumps(address)}}}'
    ).encode()


def writes_address() -> bool:
    """Whether the live charts are the component (which can write the page's address), not the st.plotly_chart fallback."""
    return plotly_js_url() is not None


def preload_plotly() -> None:
    """Start loading plotly.js in the browser now (app.py calls this first), so the first live chart need not wait."""
    url = plotly_js_url()
    if url is not None:
        _COMPONENT(key="routing_lab_plotly_preload", data=_payload([], {}, url), height=1)


def live_charts(
    where, figures: dict, key: str, columns: int = 2, config: dict | None = None, address: str | None = None
) -> None:
    """Draw `figures` (chart key -> figure) in `where` (None: here) row by row in `columns` columns as one element,
    which a rerun with new figures redraws in place. Same layout as st.columns(columns) rows (their gap, their
    widths). `address` (a URL query, where `writes_address()`) is written to the address bar by the browser."""
    url = plotly_js_url()
    keys = list(figures)
    if url is None:
        where = where if where is not None else st.container()
        for start in range(0, len(keys), columns):
            for column, name in zip(where.columns(columns), keys[start : start + columns]):
                column.plotly_chart(figures[name], theme=None, config=config or {}, key=name)
        return
    import plotly.io as pio

    body = [pio.to_json(figures[name], validate=False) for name in keys]
    data = _payload(body, config or {}, url, tuple(keys), columns, address)
    if where is None:  # here, in the page's flow: no container around it (one element fewer a rerun)
        _COMPONENT(key=key, data=data)
        return
    with where:
        _COMPONENT(key=key, data=data)


def live_chart(where, figure, key: str, config: dict | None = None) -> None:
    """Draw `figure` in `where` (a container or column); a rerun with a new figure redraws it in place."""
    url = plotly_js_url()
    if url is None:
        where.plotly_chart(figure, theme=None, config=config or {}, key=key)
        return
    import plotly.io as pio

    with where:
        _COMPONENT(key=key, data=_payload([pio.to_json(figure, validate=False)], config or {}, url, (key,)))
