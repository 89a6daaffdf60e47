"""Compare: several strategies on one scenario, their frontiers overlaid, and the sweep summaries side by side."""

from __future__ import annotations

import streamlit as st

from lab.core.strategies import list_strategies
from lab.present.figures.frontier import Anchors, Curve, frontier_figure
from lab.present.figures.style import FULL_WIDTH_PX
from lab.present.strategy_table import best_single_verdict, comparison_table
from lab.present.text import usd
from pages import _caches as caches
from pages import _sidebar as sidebar
from pages import _state as state

sidebar.page("compare")
ctx = sidebar.context()
state.show_url_problems()
exp = ctx.experiment
cfg = state.config()
names = [info.name for info in list_strategies(list(ctx.experiment.models)) if info.tier is None]
default = [name for name in ("random", "length", "classifier", "llm-router", "cascade") if name in names]
compare_key = state.seed(f"compare:{ctx.key}", [name for name in cfg.compare if name in names] or default)
target_key = state.seed("quality_target", round(cfg.quality_target * 100))

st.title("Compare strategies")
st.caption(
    f"{ctx.scenario.title or ctx.scenario.name}: {exp.queries.n_queries:,} queries. Each strategy's thresholds are swept "
    "from always-cheapest to always-strongest."
)
with st.sidebar:
    st.header("Compare")
    chosen = st.multiselect(
        "Strategies",
        names,
        key=compare_key,
        help="always-<model> strategies are single points: see the baselines on the chart.",
    )
    target = st.slider(
        "Savings read at quality retained (%)",
        50,
        100,
        step=1,
        key=target_key,
        help="'Savings at equal quality' is read at the cheapest sweep point keeping this share of always-strongest's quality.",
    )
if (tuple(chosen), target / 100) != (cfg.compare, cfg.quality_target):
    state.update_config(compare=tuple(chosen), quality_target=target / 100)

if not chosen:
    st.info("Pick at least one strategy in the sidebar.", icon=":material/info:")
    st.stop()

sweeps = {}
for strategy in chosen:
    signals = sidebar.signals(ctx, strategy)
    sweeps[strategy] = caches.cached_sweep(ctx.key, strategy, (), exp, signals)
    if signals.simulated:
        st.caption(f"{strategy} is **simulated**: {signals.description}.")

oracle = caches.cached_reference(ctx.key, "oracle", exp)
singles = exp.singles
anchors = Anchors.of(exp.baselines, oracle, singles)
curves = [Curve(strategy, strategy, sweep) for strategy, sweep in sweeps.items()]
st.plotly_chart(  # across the main area: its legend's rows are counted at that width
    frontier_figure(curves, anchors, [], hull=False, title="Cost-quality frontiers", width=FULL_WIDTH_PX),
    theme=None,
    key="compare_frontier",
)

best = singles.best
table = comparison_table(sweeps, exp.baselines, target / 100, singles, oracle)
st.caption(
    f"**Best single model: always-{singles.best_name}** (quality {singles.quality[best]:.3f} at "
    f"{usd(singles.cost_per_query_usd[best] * 1000)} per 1,000 queries): of the always-<model> points, the one highest "
    "above the random-routing line, i.e. the most quality for its cost; a router is worth having where it beats that "
    f"quality at that cost. {best_single_verdict(table, singles)} **Oracle** (hindsight): quality {oracle.quality:.3f} at "
    f"{usd(oracle.cost_per_query_usd * 1000)} per 1,000 queries."
)

SHARES = ["CPT(50%)", "CPT(80%)", "savings at equal quality"]
POINTS = ["vs best single model", "gap to oracle"]
shown = table.assign(
    **{column: table[column] * 100 for column in SHARES + POINTS}
)  # fractions as percentages, quality as points (x 100), one decimal
st.subheader("Sweep summaries")
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        "strategy": st.column_config.TextColumn("strategy"),
        "APGR": st.column_config.NumberColumn(
            "APGR", format="%.3f", help="Area under PGR against strong-call share (0.5 = random, 1 = perfect)."
        ),
        "CPT(50%)": st.column_config.NumberColumn(
            "CPT(50%)", format="%.1f%%", help="Smallest strong-call share recovering 50% of the quality gap."
        ),
        "CPT(80%)": st.column_config.NumberColumn(
            "CPT(80%)", format="%.1f%%", help="Smallest strong-call share recovering 80% of the quality gap."
        ),
        "AIQ": st.column_config.NumberColumn(
            "AIQ", format="%.4f", help="Area under the cost-quality hull, normalised by the cost range."
        ),
        "savings at equal quality": st.column_config.NumberColumn(
            f"savings at {target}% quality",
            format="%.1f%%",
            help="Against always-strongest; empty where the strategy never reaches that quality.",
        ),
        "vs best single model": st.column_config.NumberColumn(
            f"vs always-{singles.best_name} (pts)",
            format="%+.1f",
            help=f"The best quality the strategy reaches at always-{singles.best_name}'s cost or less, minus that model's "
            "quality, in points (x 100). Below 0: the single model alone does better at that cost.",
        ),
        "gap to oracle": st.column_config.NumberColumn(
            "gap to oracle (pts)",
            format="%.1f",
            help="The oracle's quality minus the best the strategy reaches at the oracle's cost or less, in points "
            "(x 100): how far it is from perfect routing at the same spend.",
        ),
    },
)
