"""Queries: every routing decision with its reason, filtered by category and misroute; probe any prompt."""

from __future__ import annotations

import streamlit as st

from lab.present.breakdown import MISROUTE_LABELS, decisions_table, misroute_counts, select_queries
from pages import _caches as caches
from pages import _sidebar as sidebar
from pages import _state as state

MAX_ROWS = 300  # rows sent to the browser; the filters narrow the rest

routed = sidebar.routed_page("queries")
ctx, strategy, signals, thresholds, result = (
    routed.ctx,
    routed.strategy,
    routed.signals,
    routed.thresholds,
    routed.result,
)
exp = ctx.experiment
cfg = state.config()

st.title("Queries")
st.caption(
    f"Each query's route under {strategy} at thresholds {', '.join(f'{t:.2f}' for t in thresholds)}, the reason for it, "
    "and the model that gives the best quality available at the least cost on that query (hindsight)."
)

categories = sorted(set(exp.queries.category.tolist()))
category_key = state.seed(f"category:{ctx.key}", [c for c in cfg.category if c in categories])
misroute_key = state.seed("misroute", cfg.misroute)
counts = misroute_counts(result, exp.queries, exp.calls)
left, right = st.columns([3, 2])
chosen = left.multiselect("Categories", categories, key=category_key, placeholder="every category")
misroute = right.selectbox(
    "Misroutes",
    list(MISROUTE_LABELS),
    key=misroute_key,
    format_func=lambda k: (
        MISROUTE_LABELS[k] + (f" ({counts[k]:,})" if k in counts else f" ({exp.queries.n_queries:,})")
    ),
)
if (tuple(chosen), misroute) != (cfg.category, cfg.misroute):
    state.update_config(category=tuple(chosen), misroute=misroute)

index = select_queries(result, exp.queries, exp.calls, chosen, misroute)
st.markdown(
    f"**{len(index):,}** queries match" + (f"; the first {MAX_ROWS} are listed." if len(index) > MAX_ROWS else ".")
)
table = decisions_table(signals, result, exp.queries, exp.calls, index[:MAX_ROWS])
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height=420,
    column_config={
        "text": st.column_config.TextColumn("text", width="medium"),
        "score": st.column_config.NumberColumn("score", format="%.3f"),
        "quality_served": st.column_config.NumberColumn("quality served", format="%.2f"),
        "cheapest_best": st.column_config.TextColumn(
            "cheapest best model",
            help="Of the models reaching the best quality available on this query, the one that cost least on it.",
        ),
        "misroute": st.column_config.TextColumn(
            "misroute",
            help="under: another model answered better; over: as good as any, but a model answering as well cost less.",
        ),
        "cost_usd": st.column_config.NumberColumn("cost (USD)", format="$%.6f"),
        "reason": st.column_config.TextColumn("reason for the route", width="large"),
    },
)

st.header("Probe a prompt")
st.caption("Type any prompt: every strategy that can score an unseen prompt does; the others say why they cannot.")
prompt = st.text_area(
    "Prompt",
    key=state.seed("probe_prompt", st.session_state.get(state.PROBE_PROMPT_KEY, "")),
    height=100,
    placeholder="e.g. Where is my order #4411? It was due on Monday.",
)
st.session_state[state.PROBE_PROMPT_KEY] = prompt
if prompt.strip():
    from lab.present.prompt_probe import probe_prompt

    classifier = caches.probe_classifier(ctx.key, ctx.experiment)
    rows = probe_prompt(prompt, exp, classifier, {strategy: thresholds})
    st.dataframe(
        [
            {
                "strategy": r.strategy,
                "score": r.score,
                "route": r.route or "-",
                "thresholds": ", ".join(f"{t:.2f}" for t in r.thresholds),
                "note": r.note,
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "score": st.column_config.NumberColumn("score", format="%.3f"),
            "note": st.column_config.TextColumn("note", width="large"),
        },
    )
