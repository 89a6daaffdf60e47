"""Live: send a sample of queries to real models inside a hard budget; the finished run opens in the Lab.

Thin: widgets -> lab.live (plan, estimate, runner on its own thread) -> progress and summary. A key
typed here lives in this browser session's memory only: it is never put in the URL, shown, written
or exported.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st
from pydantic import ValidationError

from lab.core.errors import LabError
from lab.core.scenario import builtin_scenarios
from lab.live.background import BackgroundRun
from lab.live.credentials import Credentials
from lab.live.estimate import estimate_run
from lab.live.log import replay_scenario
from lab.live.plan import LiveSettings, plan_from_options
from lab.live.queries import queries_from_bytes, queries_from_scenario, sample_queries
from lab.live.runner import LiveRunner
from pages import _sidebar as sidebar
from pages import _state as state

RUN_KEY = "lab_live_run"  # this session's BackgroundRun
DIR_KEY = "lab_live_dir"  # this session's folder for its logs
SECRET_NAME = "ROUTING_LAB_API_KEY"  # st.secrets entry used when no key is typed

sidebar.page("live")
state.show_url_problems()
st.title("Live")
st.markdown(
    "Send a sample of queries to real models through litellm, grade the answers, record the router's rating and "
    "each cheaper model's confidence, and open the result in the Lab with these **recorded** signals instead of "
    "simulated ones. It spends real money, never more than the budget: every call reserves its worst case before "
    "it is sent (docs/live.md). Keys come from the environment (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, ...), from "
    f"`st.secrets` (`{SECRET_NAME}`, or provider variables at its top level), or the field below."
)


def _run_dir() -> Path:
    if DIR_KEY not in st.session_state:
        st.session_state[DIR_KEY] = tempfile.mkdtemp(prefix="routing-lab-live-")
    return Path(st.session_state[DIR_KEY])


def _secret_key() -> str | None:
    try:
        value = st.secrets.get(SECRET_NAME)
    except Exception:  # no secrets file: keys come from the environment
        return None
    return str(value) if value else None


@st.fragment(run_every=1.0)
def _progress(run: BackgroundRun) -> None:
    p = run.runner.progress()
    share = p.queries_done / p.queries_total if p.queries_total else 0.0
    st.progress(
        min(share, 1.0),
        text=f"{p.queries_done:,} of {p.queries_total:,} queries, {p.calls_done:,} calls; spent ${p.spent_usd:,.4f}, "
        f"${p.left_usd:,.4f} left of ${p.budget_usd:,.2f}",
    )
    if run.done:
        st.rerun()
    if st.button("Stop", icon=":material/stop_circle:", key=state.wkey("live_stop")):
        run.runner.stop()
        st.info("Stopping: no new call is sent; the calls in flight finish and are kept.")


run: BackgroundRun | None = st.session_state.get(RUN_KEY)
if run is not None:
    if not run.done:
        st.subheader("Running")
        _progress(run)
        st.stop()
    st.subheader("Last run")
    if run.error:
        st.error(run.error, icon=":material/error:")
    if run.summary is not None:
        for line in run.summary.lines():
            st.markdown(f"- {run.runner.credentials.redact(line)}")
        log = Path(run.summary.output)
        a, b, c = st.columns(3)
        if run.summary.rows_in_log and a.button("Open in the Lab", type="primary", key=state.wkey("live_open")):
            try:
                scenario, queries = replay_scenario(log)
            except LabError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                state.add_upload(log.name, scenario, queries)
                st.switch_page(st.session_state[state.PAGE_FILES_KEY]["lab"])
        if log.exists():
            b.download_button("Download the log (JSONL)", log.read_bytes(), log.name, key=state.wkey("live_download"))
        if c.button("New run", key=state.wkey("live_new")):
            del st.session_state[RUN_KEY]
            st.rerun()
    st.divider()

st.subheader("What to send")
left, right = st.columns(2)
models_text = left.text_input(
    "Models, cheapest first (litellm keys, comma-separated)",
    key=state.seed("live_models", "gpt-4o-mini, gpt-4o"),
    help="e.g. gpt-4o-mini, gpt-4o; or openai/<name> for models on the endpoint at the right",
)
api_base = right.text_input(
    "OpenAI-compatible endpoint (optional)",
    key=state.seed("live_api_base", ""),
    placeholder="http://localhost:11434/v1",
    help="Ollama, vLLM, llama.cpp's server or a LiteLLM proxy; only its host is recorded",
)
prices_text = st.text_area(
    "Prices you state (one per line: MODEL=IN/OUT in USD per million input/output tokens)",
    key=state.seed("live_prices", ""),
    placeholder="openai/llama3.2:3b=0/0",
    help="Needed for a model litellm has no price for; a model is never treated as free unless you say so",
)
left, right = st.columns(2)
router_text = left.text_input(
    "Router model", key=state.seed("live_router", ""), placeholder="empty: the cheapest model; none: no router"
)
judge_text = right.text_input(
    "Judge model (grades answers without a reference)", key=state.seed("live_judge", "gpt-4o")
)
kind = st.radio(
    "Queries",
    ["A built-in scenario", "A prompts file"],
    horizontal=True,
    key=state.seed("live_kind", "A built-in scenario"),
)
uploaded = None
scenario_name = None
if kind == "A built-in scenario":
    names = list(builtin_scenarios())
    current = state.config().scenario  # the sidebar's scenario, where it is a built-in one
    scenario_name = st.selectbox(
        "Scenario whose queries to send",
        names,
        key=state.seed("live_scenario", current if current in names else names[0]),
    )
else:
    uploaded = st.file_uploader(
        "Prompts file: a text column; optional id, category, reference",
        type=["csv", "jsonl", "parquet"],
        key=state.wkey("live_prompts"),
    )
a, b, c, d = st.columns(4)
sample = int(a.number_input("Sample size", min_value=1, max_value=100_000, step=10, key=state.seed("live_sample", 20)))
budget = float(
    b.number_input(
        "Budget (USD, a hard cap)", min_value=0.0, step=0.5, format="%.2f", key=state.seed("live_budget", 1.0)
    )
)
concurrency = int(
    c.number_input("Calls in flight per model", min_value=1, max_value=64, key=state.seed("live_concurrency", 4))
)
max_tokens = int(
    d.number_input(
        "Answer limit (tokens)", min_value=16, max_value=8192, step=64, key=state.seed("live_max_tokens", 512)
    )
)
typed_key = st.text_input(
    "API key (optional; kept in this browser session only, used for every model)",
    type="password",
    key=state.wkey("live_key"),
    help="Leave empty to use the environment or st.secrets",
)


def _plan_and_queries():
    if budget <= 0:
        raise LabError("the budget must be a positive amount of USD, e.g. 1.00")
    try:
        settings = LiveSettings(budget_usd=budget, concurrency=concurrency, max_tokens=max_tokens)
    except ValidationError as exc:
        raise LabError(str(exc.errors()[0]["msg"])) from None
    keys = [k for k in models_text.split(",") if k.strip()]
    prices = [line.strip() for line in prices_text.splitlines() if line.strip()]
    plan = plan_from_options(
        keys,
        settings,
        [api_base.strip()] if api_base.strip() else None,
        prices,
        router_text.strip() or None,
        judge_text.strip() or None,
    )
    if scenario_name is not None:
        queries, source = queries_from_scenario(scenario_name, state.data_dir_setting() or None)
        source = f"scenario {source}"
    elif uploaded is not None:
        queries, source = queries_from_bytes(uploaded.getvalue(), uploaded.name), uploaded.name
    else:
        raise LabError("upload a prompts file, or choose a built-in scenario")
    return plan, sample_queries(queries, sample, settings.seed, source)


try:
    plan, queries = _plan_and_queries()
    estimate = estimate_run(plan, queries)
except LabError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()

st.subheader("Estimate, before anything is sent")
st.dataframe(
    [
        {
            "calls": r.role,
            "count": r.calls,
            "expected USD": round(r.expected_usd, 6),
            "worst case USD": round(r.worst_usd, 6),
        }
        for r in estimate.roles
    ],
    hide_index=True,
)
st.markdown(
    f"**Expected ${estimate.expected_usd:,.4f}, worst case ${estimate.worst_usd:,.4f}.** {estimate.budget_line(budget)}"
)
with st.expander("Assumptions"):
    for assumption in estimate.assumptions:
        st.markdown(f"- {assumption}")
if st.button(
    f"Send {len(queries):,} queries (spends at most ${budget:,.2f})", type="primary", key=state.wkey("live_send")
):
    secret = typed_key or _secret_key()
    credentials = Credentials(default=secret) if secret else Credentials()
    output = _run_dir() / f"live-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.jsonl"
    try:
        runner = LiveRunner(plan, queries, output, credentials)
    except LabError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    st.session_state[RUN_KEY] = BackgroundRun(runner).start()
    st.rerun()
