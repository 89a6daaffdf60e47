"""Export: take the current view to production (a LiteLLM config), keep it (a snapshot), or audit it (a decisions CSV)."""

from __future__ import annotations

import streamlit as st

from lab.core.errors import LabError
from lab.core.experiment import Experiment
from lab.core.signals import Signals
from lab.core.strategies import strategy_info
from lab.export.decisions import decisions_csv
from lab.export.files import zip_bytes
from lab.export.litellm_config import FALLBACK_ORDERINGS, ExportOptions, litellm_export, unexportable_reason
from lab.export.snapshot import snapshot_of, snapshot_yaml, view_figures
from pages import _caches as caches
from pages import _sidebar as sidebar
from pages import _state as state

routed = sidebar.routed_page("export")
ctx, strategy, signals, thresholds = routed.ctx, routed.strategy, routed.signals, routed.thresholds
exp = ctx.experiment
failures = dict(state.config().failures)
shown = ", ".join(f"{t:.2f}" for t in thresholds)


@st.cache_data(max_entries=16, show_spinner=False)
def _litellm_files(
    key: str,
    strategy: str,
    thresholds: tuple[float, ...],
    router_name: str,
    fallback: str,
    timeout_s: float,
    _experiment: Experiment,
) -> tuple[dict[str, str], str | None]:
    """The export's files by name, or no files and the reason it cannot be exported."""
    options = ExportOptions(router_name=router_name, fallback=fallback, timeout_s=timeout_s)  # type: ignore[arg-type]
    try:
        return litellm_export(_experiment, strategy, thresholds, options).files("config.yaml"), None
    except LabError as exc:
        return {}, str(exc)


@st.cache_data(max_entries=16, show_spinner=False)
def _snapshot(
    key: str,
    strategy: str,
    thresholds: tuple[float, ...],
    failures: tuple[tuple[str, float], ...],
    _experiment: Experiment,
    _signals: Signals,
) -> str:
    figures = view_figures(_experiment, _signals, thresholds, dict(failures))
    return snapshot_yaml(snapshot_of(_experiment.scenario, strategy, thresholds, dict(failures), figures))


@st.cache_data(max_entries=8, show_spinner=False)
def _decisions(
    key: str,
    strategy: str,
    thresholds: tuple[float, ...],
    failures: tuple[tuple[str, float], ...],
    _experiment: Experiment,
    _signals: Signals,
) -> str:
    from lab.core.routing import route

    experiment, signals = _experiment, _signals
    if failures:
        world = caches.cached_world(key, strategy, failures, _experiment, _signals)
        experiment, signals = world.experiment, world.signals
    result = route(signals, experiment.queries, thresholds)
    return decisions_csv(experiment.queries, signals, result, experiment.model_names)


st.title("Export")
st.caption(
    f"The current view: {ctx.scenario.title or ctx.scenario.name}, routed by {strategy} at thresholds {shown}"
    + (f", with {', '.join(f'{n}={s:g}' for n, s in failures.items())}" if failures else "")
    + ". Change the strategy and thresholds in the sidebar or on the Lab page."
)
failure_key = tuple(sorted(failures.items()))
slug = f"{ctx.scenario.name}-{strategy}"

st.subheader("LiteLLM configuration")
reason = unexportable_reason(strategy_info(strategy, list(exp.models)))
if reason is not None:
    st.info(f"**{strategy} cannot be exported to LiteLLM.** {reason[0].upper()}{reason[1:]}.", icon=":material/block:")
else:
    left, middle, right = st.columns(3)
    router_name = left.text_input("Model name clients call", value="routing-lab", key=state.wkey("export_router"))
    fallback = middle.selectbox(
        "Fallback when a model fails",
        FALLBACK_ORDERINGS,
        key=state.wkey("export_fallback"),
        help="next-stronger: the next stronger model answers; retry-then-next: one retry first; no-fallback: the error.",
    )
    timeout = right.number_input(
        "Timeout per call (s)", min_value=1.0, max_value=3600.0, value=60.0, key=state.wkey("export_timeout")
    )
    with st.spinner("Writing the LiteLLM configuration ..."):
        files, problem = _litellm_files(
            ctx.key, strategy, thresholds, router_name.strip() or "routing-lab", fallback, float(timeout), exp
        )
    if problem:
        st.error(problem, icon=":material/error:")
    else:
        if len(files) == 1:
            st.download_button(
                "Download config.yaml", files["config.yaml"], file_name="config.yaml", mime="application/x-yaml"
            )
        else:
            st.download_button(
                "Download config.yaml with its routing plugin (zip)",
                zip_bytes(files),
                file_name=f"{slug}-litellm.zip",
                mime="application/zip",
            )
            st.caption(
                "Unzip next to each other: LiteLLM loads routing_lab_plugin.py (parameters in routing_lab_plugin.json) "
                "from the folder of config.yaml."
            )
        st.caption(
            "Start LiteLLM with `litellm --config config.yaml` after setting the API key variables the file names. "
            "The comments at its top say what the lab measured at this setting and on which data."
        )
        with st.expander("config.yaml"):
            st.code(files["config.yaml"], language="yaml")

st.subheader("Snapshot")
st.caption(
    "This view as one YAML file (scenario, strategy, thresholds, failures, seed, and the figures it gives): "
    "`routing-lab simulate --config snapshot.yaml` reproduces it."
)
with st.spinner("Writing the snapshot ..."):
    snapshot = _snapshot(ctx.key, strategy, thresholds, failure_key, exp, signals)
st.download_button("Download snapshot.yaml", snapshot, file_name=f"{slug}-snapshot.yaml", mime="application/x-yaml")

st.subheader("Decisions")
st.caption(
    "Each query's route as CSV: query id, category, score, tier, model and the reason. Cells a spreadsheet would read as "
    "a formula (starting with = + - @) are written as text."
)
with st.spinner("Writing the decisions ..."):
    decisions = _decisions(ctx.key, strategy, thresholds, failure_key, exp, signals)
st.download_button("Download decisions.csv", decisions, file_name=f"{slug}-decisions.csv", mime="text/csv")
