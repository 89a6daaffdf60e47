"""Data: upload a log in any file format the import command reads (the lab's outcome format, the RouterBench
wide format; detected or chosen) and browse the built-in scenarios and their queries."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import streamlit as st

from lab.core.errors import DataError, LabError
from lab.core.models import ModelSpec
from lab.core.scenario import ReplaySource, Scenario, SyntheticSource, builtin_scenarios
from lab.sources.outcome_log import MAX_OUTCOME_LOG_BYTES
from lab.sources.replay.importer import FORMAT_TITLES, UploadedLog, read_log
from pages import _caches as caches
from pages import _sidebar as sidebar
from pages import _state as state
from pages._upload_guard import upload_guard

PREVIEW_ROWS = 300
PENDING_KEY = "lab_pending_upload"  # (file name, digest, UploadedLog) of the upload on screen
REFUSED_KEY = "lab_upload_refused"  # the message for a file the size guard stopped, until the next upload
UPLOADER_KEY = "lab_uploader_round"  # bumped to give the uploader a fresh, empty widget after a refusal
FORMATS = {
    "auto": "Detect from the columns",
    "outcomes": f"Outcome format: {FORMAT_TITLES['outcomes']}",
    "routerbench": f"RouterBench: {FORMAT_TITLES['routerbench']}",
}
REFUSED = "Upload refused: {problem}. The scenario already loaded stays loaded."

sidebar.page("data")
state.show_url_problems()
st.title("Data")

st.header("Upload a log")
limit_mb = MAX_OUTCOME_LOG_BYTES / 1e6
st.markdown(
    "Every file format `routing-lab import` reads, as CSV, JSONL or Parquet, "
    f"up to **{limit_mb:,.0f} MB**:\n"
    "- **the lab's outcome format**: one row per query, `text`, optional `id`, `category` and `prompt_tokens`, then "
    "for two or more models, cheapest first, `quality:<model>` (True/False or a number in [0, 1]) and optionally "
    "`output_tokens:<model>` and `cost_usd:<model>`;\n"
    "- **the RouterBench wide format**: `prompt`, optional `sample_id` and `eval_name`, one quality column per model "
    "named after it, optional `<model>|total_cost` and `<model>|model_response`.\n\n"
    "Model names that are litellm keys get litellm's prices. The public RouteLLM and RouterArena sets are read from "
    "the data directory (sidebar) instead."
)

linked_upload = st.session_state.get(state.LINKED_UPLOAD_KEY)
if linked_upload:
    st.info(
        f"The link you opened shows the uploaded log **{linked_upload}**: upload that file here and its view opens "
        "with the link's other settings kept.",
        icon=":material/link:",
    )


@st.cache_resource(max_entries=4, show_spinner="Checking the log...")
def _read(digest: str, filename: str, fmt: str, _data: bytes) -> UploadedLog:
    return read_log(_data, filename, fmt)  # type: ignore[arg-type]


fmt = st.selectbox(
    "Format",
    list(FORMATS),
    format_func=FORMATS.get,
    key=state.seed("upload_format", "auto"),
    help="Detect reads the columns: quality:<model> columns mean the outcome format, a prompt column with one column "
    "per model the RouterBench format. Choose one to read a file as that format.",
)
refused = upload_guard(MAX_OUTCOME_LOG_BYTES, key=state.wkey("upload_guard"))
if refused is not None:
    problem = DataError(
        f"is {refused.get('size_bytes', 0) / 1e6:,.0f} MB, above the limit of {limit_mb:,.0f} MB",
        file=str(refused.get("name", "the file")),
        fix="split the log or keep a sample of it",
    )
    st.session_state[REFUSED_KEY] = REFUSED.format(problem=problem)
    st.session_state[UPLOADER_KEY] = st.session_state.get(UPLOADER_KEY, 0) + 1  # the earlier file goes with it
    st.session_state.pop(PENDING_KEY, None)
uploaded = st.file_uploader(
    "Log file",
    type=["csv", "jsonl", "parquet"],
    key=state.wkey(f"upload:{st.session_state.get(UPLOADER_KEY, 0)}"),
    help="Nothing leaves this machine; the log is kept for this browser session only.",
)
if uploaded is not None:
    st.session_state.pop(REFUSED_KEY, None)  # a new upload: what was said about an earlier file goes
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    try:
        if len(data) > MAX_OUTCOME_LOG_BYTES:
            raise DataError(
                f"is {len(data) / 1e6:,.0f} MB, above the limit of {MAX_OUTCOME_LOG_BYTES / 1e6:,.0f} MB",
                file=uploaded.name,
                fix="split the log or keep a sample of it",
            )
        log = _read(digest, uploaded.name, fmt, data)
    except LabError as exc:
        st.session_state.pop(PENDING_KEY, None)
        st.error(REFUSED.format(problem=exc), icon=":material/error:")
    else:
        st.session_state[PENDING_KEY] = (uploaded.name, digest, log)
elif st.session_state.get(REFUSED_KEY):
    st.error(st.session_state[REFUSED_KEY], icon=":material/error:")

pending = st.session_state.get(PENDING_KEY)
if pending is not None and uploaded is not None:
    name, digest, log = pending
    queries = log.queries
    st.success(
        f"{name}: read as {log.format_title} ({log.how}). {queries.n_queries:,} queries, {queries.n_models} models "
        f"({', '.join(queries.model_names)}), cheapest first.",
        icon=":material/check_circle:",
    )
    for note in queries.notes[1:]:
        st.caption(note)
    st.subheader("Prices (USD per 1M tokens)")
    specs = []
    for start in log.models:
        model = start.name
        a, b, c = st.columns([2, 2, 3], vertical_alignment="bottom")
        start_in, start_out = start.input_usd_per_token * 1e6, start.output_usd_per_token * 1e6
        in_key = state.seed(f"upload_in:{digest}:{model}", round(start_in, 6))
        out_key = state.seed(f"upload_out:{digest}:{model}", round(start_out, 6))
        p_in = a.number_input(f"{model}: input", min_value=0.0, step=0.05, format="%.4f", key=in_key)
        p_out = b.number_input(f"{model}: output", min_value=0.0, step=0.05, format="%.4f", key=out_key)
        edited = abs(p_in - start_in) > 1e-9 or abs(p_out - start_out) > 1e-9
        source = "entered on the Data page" if edited else start.price_source
        c.caption(f"source: {source}")
        specs.append(
            ModelSpec(key=model, input_usd_per_token=p_in / 1e6, output_usd_per_token=p_out / 1e6, price_source=source)
        )
    if queries.cost_usd is not None:
        st.caption("The log records each call's cost: those costs are used, the prices only describe the models.")
    if st.button("Use this log as the scenario", type="primary", key=state.wkey("use_upload")):
        scenario = Scenario(
            name=f"upload-{Path(name).stem}"[:80],
            title=f"Uploaded log: {name}",
            description=f"{queries.n_queries:,} queries from {name} ({log.format_title}), replayed as logged.",
            models=specs,
            source=ReplaySource(format=log.format, path=name),
        )
        linked = st.session_state.get(state.LINKED_UPLOAD_KEY) == name  # the log a link named: keep its view
        state.add_upload(name, scenario, queries, keep_view=linked)
        st.session_state.pop(PENDING_KEY, None)
        back = st.session_state.pop(state.RETURN_PAGE_KEY, "lab") if linked else "lab"
        st.switch_page(st.session_state[state.PAGE_FILES_KEY][back])

st.header("Built-in scenarios")
names = list(builtin_scenarios())
cfg = state.config()
browse_key = state.seed(
    "browse",
    cfg.browse if cfg.browse in names else cfg.scenario if cfg.scenario in names else names[0],
)
name = st.selectbox("Scenario to browse", names, key=browse_key)
if cfg.browse != (None if name == cfg.scenario else name):
    cfg = state.update_config(browse=None if name == cfg.scenario else name)
try:
    scenario = caches.scenario_by_name(name)
except LabError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()
st.subheader(scenario.title or scenario.name)
st.markdown(scenario.description)
st.dataframe(
    [
        {
            "tier": j,
            "model": s.name,
            "litellm key": s.key,
            "input $/1M": s.input_usd_per_token * 1e6,
            "output $/1M": s.output_usd_per_token * 1e6,
            "price source": s.price_source,
        }
        for j, s in enumerate(scenario.models)
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "input $/1M": st.column_config.NumberColumn(format="$%.4f"),
        "output $/1M": st.column_config.NumberColumn(format="$%.4f"),
    },
)
if isinstance(scenario.source, SyntheticSource):
    st.caption(
        f"Synthetic: {scenario.source.n_queries:,} queries by default; capability slope {scenario.source.capability.slope}, "
        f"outcome correlation {scenario.source.capability.outcome_correlation}."
    )
    st.dataframe(
        [
            {
                "category": c.name,
                "share": c.share,
                "band": c.band,
                "difficulty": c.difficulty_mean,
                "output tokens": c.output_tokens_mean,
                "context tokens": c.context_tokens_mean,
            }
            for c in scenario.source.categories
        ],
        hide_index=True,
        width="stretch",
        column_config={"share": st.column_config.NumberColumn(format="percent")},
    )
else:
    st.caption(f"Replayed data: format {scenario.source.format}; read from the data directory.")
st.caption(
    f"Traffic: {scenario.traffic.queries_per_day:,.0f} queries/day, growth {scenario.traffic.growth_per_month:.0%} per month."
)

if st.toggle("Show its queries", key=state.seed("browse_queries", False)):
    try:
        experiment = caches.cached_experiment(name, None, state.data_dir_setting() or None)
    except LabError as exc:
        st.error(str(exc), icon=":material/error:")
    else:
        q = experiment.queries
        categories = sorted(set(q.category.tolist()))
        chosen = st.multiselect(
            "Categories", categories, key=state.seed(f"browse_cat:{name}", []), placeholder="every category"
        )
        index = np.flatnonzero(np.isin(q.category, chosen)) if chosen else np.arange(q.n_queries)
        st.caption(
            f"{len(index):,} queries" + (f"; the first {PREVIEW_ROWS} are shown." if len(index) > PREVIEW_ROWS else ".")
        )
        st.dataframe(q.to_frame(index[:PREVIEW_ROWS]), hide_index=True, width="stretch", height=360)
