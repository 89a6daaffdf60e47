"""Cost projection, for stakeholders: traffic, growth, token mix and prices -> monthly and annual cost, with a report."""

from __future__ import annotations

import streamlit as st

from lab.core.pricing import litellm_version
from lab.failures.registry import list_failures
from lab.present.failure_story import failure_story, injected_run
from lab.present.figures.estimates import Estimate, estimate_figure
from lab.present.figures.frontier import Anchors, Curve, Point, frontier_figure
from lab.present.figures.projection import projection_figure
from lab.present.figures.style import OKABE_ITO, run_colour
from lab.present.kpis import kpi_cards
from lab.present.lab_view import failure_names, under
from lab.present.projection import ProjectionInputs, default_prices, prices_in, run_projection
from lab.present.report import Assumption, failure_section, projection_cards, render_report
from lab.present.text import pct, usd, usd_compact
from pages import _caches as caches
from pages import _sidebar as sidebar
from pages import _state as state

routed = sidebar.routed_page("cost_projection")
ctx, strategy, signals, thresholds = routed.ctx, routed.strategy, routed.signals, routed.thresholds
result, summary = routed.result, routed.summary
exp = ctx.experiment
cfg = state.config()

st.title("Cost projection")
st.caption(
    f"{ctx.scenario.title or ctx.scenario.name}, routed by {strategy} at thresholds {', '.join(f'{t:.2f}' for t in thresholds)}. "
    "Change the traffic, its growth, the token mix and the prices; the savings range comes from the bootstrap over queries."
)

traffic = ctx.scenario.traffic
qpd_key = state.seed("qpd", float(cfg.queries_per_day or traffic.queries_per_day))
growth_key = state.seed(
    "growth", round((cfg.growth_per_month if cfg.growth_per_month is not None else traffic.growth_per_month) * 100, 2)
)
pmix_key = state.seed("pmix", float(cfg.prompt_mix))
omix_key = state.seed("omix", float(cfg.output_mix))
c1, c2, c3, c4 = st.columns(4)
qpd = c1.number_input("Queries per day", min_value=1.0, max_value=1e10, step=1000.0, format="%.0f", key=qpd_key)
growth = c2.number_input("Growth per month (%)", min_value=-50.0, max_value=500.0, step=1.0, key=growth_key)
pmix = c3.number_input(
    "Prompt tokens x",
    min_value=0.05,
    max_value=100.0,
    step=0.1,
    key=pmix_key,
    help="Multiplier on the prompt tokens per query (1 = as in the scenario).",
)
omix = c4.number_input(
    "Output tokens x",
    min_value=0.05,
    max_value=100.0,
    step=0.1,
    key=omix_key,
    help="Multiplier on the output tokens per answer (1 = as in the scenario).",
)

st.subheader("Prices (USD per 1M tokens)")
st.caption(f"litellm {litellm_version()}'s offline price map by default; edit to try a negotiated or future price.")
prices = []
edited: dict[str, tuple[float, float]] = {}
for (p_in, p_out), spec in zip(default_prices(exp.models), exp.models):
    override = cfg.prices_per_mtok.get(spec.name)
    in_key = state.seed(f"price_in:{spec.name}", round((override[0] if override else p_in * 1e6), 6))
    out_key = state.seed(f"price_out:{spec.name}", round((override[1] if override else p_out * 1e6), 6))
    a, b, c = st.columns([2, 2, 3], vertical_alignment="bottom")
    new_in = a.number_input(f"{spec.name}: input", min_value=0.0, step=0.05, format="%.4f", key=in_key)
    new_out = b.number_input(f"{spec.name}: output", min_value=0.0, step=0.05, format="%.4f", key=out_key)
    changed = abs(new_in - p_in * 1e6) > 1e-9 or abs(new_out - p_out * 1e6) > 1e-9
    c.caption(f"edited (was ${p_in * 1e6:,.4f} / ${p_out * 1e6:,.4f})" if changed else f"source: {spec.price_source}")
    if changed:
        edited[spec.name] = (float(new_in), float(new_out))
    prices.append((new_in / 1e6, new_out / 1e6))

changes = dict(
    queries_per_day=None if qpd == traffic.queries_per_day else float(qpd),
    growth_per_month=None if abs(growth / 100 - traffic.growth_per_month) < 1e-12 else growth / 100,
    prompt_mix=float(pmix),
    output_mix=float(omix),
    prices_per_mtok=edited,
)
if any(getattr(cfg, k) != v for k, v in changes.items()):
    cfg = state.update_config(**changes)

inputs = ProjectionInputs(
    queries_per_day=qpd, growth_per_month=growth / 100, prompt_mix=pmix, output_mix=omix, prices=prices
)
projection = run_projection(exp, result, summary, inputs)
first = projection.table.iloc[0]
lo, hi = projection.annual_savings_range_usd
quality = kpi_cards(summary)[0]  # the quality evidence stands beside the savings
cols = st.columns(5)
cols[0].metric(quality.label, quality.value, border=True, height="stretch", help=quality.help)
cols[0].caption(quality.interval)
routed_lo, routed_hi = projection.routed_range_usd(1)
cols[1].metric("Month 1 with routing", usd_compact(first["routed_usd"]), border=True, height="stretch")
cols[1].caption(f"95%: {usd(routed_lo)} to {usd(routed_hi)}")
strong_lo, strong_hi = projection.strongest_range_usd(1)
cols[2].metric(
    "Month 1 without routing",
    usd_compact(first["strongest_usd"]),
    border=True,
    height="stretch",
    help=f"always-strongest at the same traffic: {usd(first['strongest_usd'])}",
)
cols[2].caption(f"95%: {usd_compact(strong_lo)} to {usd_compact(strong_hi)}")
cols[3].metric(
    "Savings",
    pct(projection.savings),
    border=True,
    height="stretch",
    help="1 - cost with routing / cost of always-strongest, at these prices and token mix.",
)
cols[3].caption(f"95%: {pct(projection.savings_range[0])} to {pct(projection.savings_range[1])}")
cols[4].metric(
    "Savings over 12 months",
    usd_compact(projection.annual_savings_usd),  # "$1.15M": five cards share 1280 px on a projector
    border=True,
    height="stretch",
    help=f"{usd(projection.annual_savings_usd)} at these prices, traffic and growth.",
)
cols[4].caption(f"95%: {usd(lo)} to {usd(hi)}")

# failure modes on (in the Lab or the link) are part of the story told to stakeholders
applies = {mode.name for mode in list_failures() if mode.applies_to(strategy)}
failures = {name: severity for name, severity in cfg.failures.items() if name in applies and severity > 0}
failure_report = None
if failures:
    world = sidebar.world(ctx, strategy, signals, failures)
    inj_result, inj_summary, retuned = injected_run(world, failures, thresholds, summary)
    inj_projection = run_projection(
        world.experiment, inj_result, inj_summary, prices_in(inputs, exp.models, world.experiment.models)
    )
    sweep = caches.cached_sweep(ctx.key, strategy, (), exp, signals)
    named = failure_names(failures)
    month_1 = (float(first["routed_usd"]), float(inj_projection.table["routed_usd"].iloc[0]))  # at this traffic
    story = failure_story(
        under(failures), summary, inj_summary, sweep, exp.model_names[-1], exp.baselines.mean_quality_strong, month_1
    )
    failure_report = failure_section(named, inj_projection, inj_summary, story)
    i_lo, i_hi = inj_projection.routed_range_usd(1)
    st.warning(
        f"**The figures above are the clean run; failure modes are on.** {story} Month 1 with routing under the "
        f"failures: {usd(inj_projection.table['routed_usd'].iloc[0])} (95%: {usd(i_lo)} to {usd(i_hi)}); the HTML "
        "summary shows their figures beside the clean ones.",
        icon=":material/report:",
    )
    if retuned:
        st.caption(retuned)

colour = run_colour(strategy)
fig_projection = projection_figure(projection, strategy)
annual = estimate_figure(
    [
        Estimate(
            f"with routing ({strategy})",
            projection.annual_routed_usd,
            *projection.annual_routed_range_usd,
            colour=colour,
        ),
        Estimate(
            "without routing (always-strongest)",
            projection.annual_strongest_usd,
            *projection.annual_strongest_range_usd,
            colour=OKABE_ITO["vermillion"],
        ),
    ],
    "Cost over the first 12 months",
    "cost over 12 months (USD)",
    money=True,
)
left, right = st.columns(2)  # each chart is fitted to half the main area at 1280 x 720
left.plotly_chart(fig_projection, theme=None, key="projection")
right.plotly_chart(annual, theme=None, key="annual")
with st.expander("Month by month"):
    st.dataframe(
        projection.table,
        hide_index=True,
        width="stretch",
        column_config={
            "month": st.column_config.NumberColumn("month"),
            "queries_per_day": st.column_config.NumberColumn("queries per day", format="%,.0f"),
            **{
                k: st.column_config.NumberColumn(k.replace("_usd", " (USD)").replace("_", " "), format="dollar")
                for k in projection.table.columns
                if k.endswith("_usd")
            },
        },
    )


def _assumptions() -> list[Assumption]:
    s = ctx.scenario
    items = [
        Assumption("scenario", f"{s.name}: {s.title or ''}", s.description.strip()),
        Assumption(
            "query set",
            f"{exp.queries.n_queries:,} queries ({exp.queries.name})",
            "; ".join(exp.notes) or s.source.kind,
        ),
        Assumption("routing strategy", strategy, signals.description),
        Assumption(
            "thresholds",
            ", ".join(f"{t:.3f}" for t in thresholds),
            "one per tier boundary; a score above it goes to the stronger model",
        ),
        Assumption(
            "signal",
            "simulated" if signals.simulated else "computed from the data",
            ", ".join(f"{k} = {v:g}" for k, v in signals.knobs.items()) or "no simulation knobs",
        ),
        Assumption(
            "failure modes",
            failure_names(failures) if failures else "none (clean run)",
            "on in the Lab or the link: the key figures are the clean run's, the section with failures shows their effect"
            if failures
            else "the Lab page shows runs with failures injected",
        ),
    ]
    for spec, (p_in, p_out) in zip(exp.models, prices):
        source = "edited on the Cost projection page" if spec.name in edited else spec.price_source
        items.append(
            Assumption(
                f"price of {spec.name}", f"${p_in * 1e6:,.4f} input / ${p_out * 1e6:,.4f} output per 1M tokens", source
            )
        )
    items += [
        Assumption(
            "traffic",
            f"{qpd:,.0f} queries per day in month 1",
            "scenario default" if changes["queries_per_day"] is None else "set by the user",
        ),
        Assumption(
            "growth",
            f"{growth:.2f}% per month, compounded",
            "scenario default" if changes["growth_per_month"] is None else "set by the user",
        ),
        Assumption(
            "token mix",
            f"prompt tokens x {pmix:g}, output tokens x {omix:g}",
            "multipliers on the scenario's tokens per query",
        ),
        Assumption("month", "30 days", "lab.core.metrics.DAYS_PER_MONTH"),
        Assumption(
            "cost model",
            "tokens x price per model called, plus router and scorer calls",
            "a cascade pays every model it tries; recorded costs are used where the data has them",
        ),
        Assumption(
            "quality",
            f"mean quality of answers served: {summary.quality:.3f} ({pct(summary.quality_retained)} of always-strongest)",
            "correctness or a normalised judge score per query",
        ),
        Assumption(
            "savings range",
            f"{pct(projection.savings_range[0])} to {pct(projection.savings_range[1])}",
            "95% percentile bootstrap over queries (200 replicates), applied as an offset around the projected savings",
        ),
        Assumption("litellm", litellm_version(), "offline price map (LITELLM_LOCAL_MODEL_COST_MAP=True)"),
    ]
    return items


def _report() -> str:
    oracle = caches.cached_reference(ctx.key, "oracle", exp)
    sweep = caches.cached_sweep(ctx.key, strategy, (), exp, signals)
    frontier = frontier_figure(
        [Curve(strategy, strategy, sweep)],
        Anchors.of(exp.baselines, oracle, exp.singles),
        [Point("operating point", strategy, summary)],
    )
    return render_report(
        f"Routing Lab: {ctx.scenario.title or ctx.scenario.name}",
        f"Routed by {strategy}, at {qpd:,.0f} queries per day in month 1"
        + (f", growing {growth:.2f}% a month." if growth else "."),
        projection_cards(projection, summary),
        [fig_projection, annual, frontier],
        _assumptions(),
        sections=[failure_report] if failure_report is not None else None,
    )


st.download_button(
    "Download the HTML summary",
    data=_report,
    file_name=f"routing-lab-{ctx.scenario.name}-{strategy}.html",
    mime="text/html",
    icon=":material/download:",
    on_click="ignore",
    help="One file with the charts and every assumption; it works offline.",
)
with st.expander("Assumptions"):
    st.dataframe(
        [{"assumption": a.name, "value": a.value, "source": a.source} for a in _assumptions()],
        hide_index=True,
        width="stretch",
    )
