"""The shared sidebar: scenario, size and data directory, models and prices, strategy, thresholds and
calibration, failure modes; and the start of every page. Reads widgets, calls the caches, keeps the
configuration in pages._state; computes no metric.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from lab.core.errors import LabError
from lab.core.experiment import run, thresholds_for
from lab.core.metrics import Summary
from lab.core.routing import Result
from lab.core.scenario import ReplaySource, builtin_scenarios
from lab.core.share_targets import ShareCalibration, thresholds_cross
from lab.core.share_targets import calibrate as calibrate_shares
from lab.core.signals import Signals
from lab.core.strategies import list_strategies
from lab.failures.registry import list_failures
from lab.failures.world import World
from lab.present.urlstate import DEFAULT_SCENARIO
from pages._caches import (
    cached_experiment,
    cached_signals,
    cached_upload_experiment,
    cached_world,
    experiment_key,
    scenario_by_name,
)
from pages._state import (
    ACHIEVED_KEY,
    CONTEXT_ERROR_KEY,
    CONTEXT_KEY,
    DATA_DIR_KEY,
    DOWNLOAD_BUTTON_KEY,
    LINKED_UPLOAD_KEY,
    PAGE_FILES_KEY,
    PAGE_KEY,
    RETURN_PAGE_KEY,
    SCENARIO_WARNED_KEY,
    SIDEBAR_DONE_KEY,
    SWITCHED_KEY,
    UPLOAD_PREFIX,
    URL_PROBLEMS_KEY,
    Context,
    config,
    data_dir_setting,
    seed,
    show_url_problems,
    sync_url,
    update_config,
    uploads,
    wkey,
)

# --- the shared sidebar: scenario and models ----------------------------------------------------

UI_MAX_QUERIES = 1_000_000  # the size control's upper bound


def _scenario_label(name: str) -> str:
    if name.startswith(UPLOAD_PREFIX):
        missing = "" if name[len(UPLOAD_PREFIX) :] in uploads() else " (not in this session)"
        return f"Uploaded: {name[len(UPLOAD_PREFIX) :]}{missing}"
    try:
        scenario = scenario_by_name(name)
    except LabError:
        return name
    kind = "replayed" if isinstance(scenario.source, ReplaySource) else "synthetic"
    return f"{name} ({kind})"


def scenario_sidebar() -> Context | None:
    """Scenario picker, size, data directory and the models with their prices; the experiment or None (message shown)."""
    cfg = config()
    names = list(builtin_scenarios())
    options = names + [UPLOAD_PREFIX + name for name in uploads()]
    if cfg.scenario.startswith(UPLOAD_PREFIX) and cfg.scenario not in options:
        # a link to a log uploaded in another session: listed, so the page can say so and offer the upload
        options.append(cfg.scenario)
    fallback = DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0]
    if cfg.scenario not in options and SCENARIO_WARNED_KEY not in st.session_state:
        st.session_state[SCENARIO_WARNED_KEY] = True
        st.session_state.setdefault(URL_PROBLEMS_KEY, []).append(
            f"scenario '{cfg.scenario}' is not available here (built-in: {', '.join(names)}); showing {fallback}"
        )
    scenario_key = seed("scenario", cfg.scenario if cfg.scenario in options else fallback)
    if st.session_state[scenario_key] not in options:
        st.session_state[scenario_key] = fallback
    with st.sidebar:
        st.header("Scenario")
        choice = st.selectbox(
            "Scenario",
            options,
            key=scenario_key,
            format_func=_scenario_label,
            label_visibility="collapsed",
            help="Built-in synthetic scenarios, replayed public data, or a log you uploaded on the Data page.",
        )
        with st.expander("Size and data directory"):
            n_queries = None
            if not choice.startswith(UPLOAD_PREFIX):
                scenario = scenario_by_name(choice)
                if not isinstance(scenario.source, ReplaySource):
                    default_n = scenario.source.n_queries
                    n_key = seed(
                        f"n_queries:{choice}", int(cfg.queries) if cfg.queries and cfg.scenario == choice else default_n
                    )
                    n_queries = int(
                        st.number_input(
                            "Synthetic queries",
                            min_value=100,
                            max_value=UI_MAX_QUERIES,
                            step=1000,
                            key=n_key,
                            help="How many queries to generate; large sets take a few seconds to build.",
                        )
                    )
                    if n_queries == default_n:
                        n_queries = None
                else:
                    st.caption("Replayed data: the number of queries is fixed by the data set.")
            dir_key = seed("data_dir", data_dir_setting())
            st.session_state[DATA_DIR_KEY] = st.text_input(
                "Data directory (replayed public data)",
                key=dir_key,
                help="A folder holding routellm/ and routerarena/; defaults to $ROUTING_LAB_DATA.",
            )
    data_dir = data_dir_setting()
    st.session_state[LINKED_UPLOAD_KEY] = None
    if choice.startswith(UPLOAD_PREFIX) and choice[len(UPLOAD_PREFIX) :] not in uploads():
        # the configuration (and the URL) keep naming the log and every other setting until it is uploaded
        st.session_state[LINKED_UPLOAD_KEY] = choice[len(UPLOAD_PREFIX) :]
        st.session_state[CONTEXT_KEY] = None
        st.session_state[CONTEXT_ERROR_KEY] = None
        return None
    try:
        if choice.startswith(UPLOAD_PREFIX):
            item = uploads()[choice[len(UPLOAD_PREFIX) :]]
            experiment = cached_upload_experiment(item["digest"], item["scenario"], item["queries"])
            key = f"upload|{item['digest']}"
        else:
            experiment = cached_experiment(choice, n_queries, data_dir or None)
            key = experiment_key(choice, n_queries, data_dir)
    except LabError as exc:
        st.session_state[CONTEXT_KEY] = None
        st.session_state[CONTEXT_ERROR_KEY] = str(exc)
        return None
    if cfg.scenario != choice or cfg.queries != n_queries:
        update_config(scenario=choice, queries=n_queries)
    ctx = Context(key=key, experiment=experiment)
    models_sidebar(ctx)
    st.session_state[CONTEXT_KEY] = ctx
    st.session_state[CONTEXT_ERROR_KEY] = None
    return ctx


def models_sidebar(ctx: Context) -> None:
    """The models, cheapest first, with their prices per 1M tokens and where each price came from."""
    with st.sidebar, st.expander(f"Models ({len(ctx.experiment.models)}, cheapest first)", expanded=False):
        lines = []
        for tier, spec in enumerate(ctx.experiment.models):
            lines.append(
                f"**{tier}. {spec.name}**: ${spec.input_usd_per_token * 1e6:,.2f} in / "
                f"${spec.output_usd_per_token * 1e6:,.2f} out per 1M tokens  \n"
                f":small[price source: {spec.price_source}]"
            )
        st.markdown("\n\n".join(lines))
        if ctx.experiment.calls.recorded_cost:
            st.caption("Costs are the ones recorded in the data set, not tokens x price.")


def begin(page_name: str) -> None:
    """Start a run of a page: scope its widget keys, read the configuration, draw the shared sidebar."""
    st.session_state[PAGE_KEY] = page_name
    config()
    sync_url()
    scenario_sidebar()
    st.session_state[SIDEBAR_DONE_KEY] = page_name


def page(page_name: str) -> None:
    """First call of every page. app.py has drawn the shared sidebar; a page run on its own (as AppTest's
    switch_page does while a pages/ folder exists) draws it itself."""
    if st.session_state.pop(SIDEBAR_DONE_KEY, None) != page_name:
        begin(page_name)


def context() -> Context:
    """The experiment chosen in the sidebar; stops the page with the reason when there is none."""
    ctx = st.session_state.get(CONTEXT_KEY)
    if ctx is None and st.session_state.get(LINKED_UPLOAD_KEY):
        offer_linked_upload(st.session_state[LINKED_UPLOAD_KEY])
        st.stop()
    if ctx is None:
        problem = st.session_state.get(CONTEXT_ERROR_KEY)
        st.error(problem or "No scenario loaded: pick one in the sidebar.", icon=":material/error:")
        if problem and "routing-lab data download" in problem:
            offer_download()
        st.stop()
    return ctx


def offer_linked_upload(name: str) -> None:
    """Say that the link names a log uploaded in another browser session, and offer its upload (keeping the view)."""
    st.session_state[RETURN_PAGE_KEY] = st.session_state.get(PAGE_KEY) or "lab"
    st.info(
        f"This link shows the uploaded log **{name}**. Uploads stay in the browser session that made them, so it "
        f"is not here yet: upload {name} on the Data page and this view opens with the link's other settings "
        "(strategy, thresholds, failure modes, traffic, prices) as they are. Or pick another scenario in the sidebar.",
        icon=":material/upload_file:",
    )
    st.page_link(
        st.session_state[PAGE_FILES_KEY]["data"], label=f"Upload {name} on the Data page", icon=":material/upload:"
    )


def offer_download() -> None:
    """Offer to fetch the public data sets (13 MB) from their pinned upstream commits, sha256-checked."""
    from lab.sources.datadir import download, resolve_data_dir

    target = resolve_data_dir(data_dir_setting() or None)
    st.info(
        f"The lab can download RouteLLM's and RouterArena's recorded outcomes (about 13 MB) from their pinned "
        f"upstream commits, check each file's sha256 and keep them in {target.path} ({target.origin}).",
        icon=":material/download:",
    )
    if st.button("Download the public data", key=DOWNLOAD_BUTTON_KEY):
        with st.status("Downloading ...", expanded=True) as box:
            try:
                report = download(data_dir_setting() or None, progress=box.write)
            except LabError as exc:  # offline, HTTP error or checksum mismatch: one clear line
                box.update(label="Download failed", state="error")
                st.error(str(exc), icon=":material/cloud_off:")
                return
            box.update(label=f"Downloaded {len(report.fetched)} file(s) into {report.data_dir}", state="complete")
        cached_experiment.clear()
        st.rerun()


# --- routing controls: strategy, thresholds, calibration, failures -------------------------------


def strategy_names(ctx: Context) -> list[str]:
    """Every strategy available for the experiment's models."""
    return [info.name for info in list_strategies(list(ctx.experiment.models))]


def signals(ctx: Context, strategy: str) -> Signals:
    """A strategy's signals (cached); a failure to compute them stops the page with its message."""
    try:
        with st.spinner(f"Computing the {strategy} signal once for this scenario..."):
            return cached_signals(ctx.key, strategy, ctx.experiment)
    except LabError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()


def strategy_control(ctx: Context) -> tuple[str, Signals]:
    """The strategy picker (sidebar) and its signals, with an honest note when the signal is simulated.

    Switching strategy drops the thresholds and the calibration target of the one before (a cascade's 0.13 means
    nothing to a classifier) and says so under the thresholds."""
    cfg = config()
    names = strategy_names(ctx)
    wanted = cfg.strategy if cfg.strategy in names else ctx.scenario.defaults.strategy
    key = seed(f"strategy:{ctx.key}", wanted if wanted in names else names[0])
    descriptions = {info.name: info.description for info in list_strategies(list(ctx.experiment.models))}
    with st.sidebar:
        st.header("Routing")
        strategy = st.selectbox(
            "Strategy", names, key=key, help="\n\n".join(f"**{k}**: {v}" for k, v in descriptions.items())
        )
    sig = signals(ctx, strategy)
    with st.sidebar:
        if sig.simulated:
            knobs = ", ".join(f"{k} {v:g}" for k, v in sig.knobs.items())
            st.info(f"**Simulated signal.** {sig.description}. Knobs: {knobs}.", icon=":material/science:")
        else:
            st.caption(sig.description)
    previous = cfg.strategy or ctx.scenario.defaults.strategy
    if strategy != previous:
        if cfg.thresholds or cfg.target_share is not None or cfg.target_tiers is not None:
            st.session_state[f"{SWITCHED_KEY}:{ctx.key}:{strategy}"] = (previous, cfg.thresholds)
        update_config(strategy=strategy, thresholds=None, target_share=None, target_tiers=None)
    elif cfg.strategy != strategy:
        update_config(strategy=strategy)
    return strategy, sig


def _threshold_keys(ctx: Context, strategy: str) -> list[str]:
    return [wkey(f"t{k}:{ctx.key}:{strategy}") for k in range(ctx.experiment.queries.n_models - 1)]


def _achieved_key(ctx: Context, strategy: str) -> str:
    return f"{ACHIEVED_KEY}:{ctx.key}:{strategy}"


def _moved_by_hand(ctx: Context, strategy: str, moved: int | None, keep_order: bool) -> None:
    """A threshold slider moved: keep a one-score strategy's thresholds in order, forget the calibration target."""
    keys = _threshold_keys(ctx, strategy)
    if keep_order and moved is not None:
        value = st.session_state[keys[moved]]
        for j, key in enumerate(keys):
            if (j > moved and st.session_state[key] < value) or (j < moved and st.session_state[key] > value):
                st.session_state[key] = value  # pushed along: thresholds never cross
    st.session_state.pop(_achieved_key(ctx, strategy), None)
    st.session_state.pop(f"{SWITCHED_KEY}:{ctx.key}:{strategy}", None)
    cfg = config()
    if cfg.target_share is not None or cfg.target_tiers is not None:
        update_config(target_share=None, target_tiers=None)


def _calibrate(ctx: Context, strategy: str, sig: Signals) -> None:
    names = ctx.experiment.model_names
    per_tier = len(names) > 2 and st.session_state.get(wkey(f"target_kind:{ctx.key}:{strategy}")) == TIERS
    if per_tier:
        upper = [
            float(st.session_state[wkey(f"tier_share{j}:{ctx.key}:{strategy}")]) / 100 for j in range(1, len(names))
        ]
        target: float | list[float] = [max(0.0, 1 - sum(upper)), *upper]
    else:
        target = float(st.session_state[wkey(f"share:{ctx.key}:{strategy}")]) / 100
    try:
        calibration = calibrate_shares(sig, ctx.experiment.queries, target, "tiers" if per_tier else "strongest")
    except LabError as exc:
        st.session_state[_achieved_key(ctx, strategy)] = str(exc)
        return
    for key, value in zip(_threshold_keys(ctx, strategy), calibration.thresholds):
        st.session_state[key] = float(np.clip(value, 0.0, 1.0))
    st.session_state[_achieved_key(ctx, strategy)] = calibration
    st.session_state.pop(f"{SWITCHED_KEY}:{ctx.key}:{strategy}", None)
    update_config(
        thresholds=calibration.thresholds,
        target_share=None if per_tier else float(target),  # type: ignore[arg-type]
        target_tiers=tuple(float(t) for t in target) if per_tier else None,  # type: ignore[union-attr]
    )


def _origin_caption(ctx: Context, strategy: str, sig: Signals, thresholds: tuple[float, ...], defaults) -> None:
    """Where the thresholds come from: a switch that dropped the previous strategy's, the defaults, a calibration."""
    switched = st.session_state.get(f"{SWITCHED_KEY}:{ctx.key}:{strategy}")
    calibration = st.session_state.get(_achieved_key(ctx, strategy))
    names = ctx.experiment.model_names
    if isinstance(calibration, str):
        st.error(calibration, icon=":material/error:")
    elif calibration is not None:
        _calibration_caption(calibration, names)
    elif switched is not None:
        before, old = switched
        carried = f" ({', '.join(f'{t:.2f}' for t in old)})" if old else ""
        st.caption(
            f"Switched from {before}: its thresholds{carried} and calibration target are not carried over (each "
            f"strategy's score means something else); these are {strategy}'s defaults."
        )
    elif sig.fixed_tier is None and np.allclose(thresholds, defaults):
        scenario_defaults = ctx.scenario.defaults
        if scenario_defaults.thresholds is not None and strategy == scenario_defaults.strategy:
            st.caption(f"The scenario's thresholds for {strategy}.")
        elif len(names) > 2:
            st.caption(
                f"Default thresholds: the quantiles of {strategy}'s score that give each model a third of the calls."
                if len(names) == 3
                else f"Default thresholds: the quantiles of {strategy}'s score that give every model an equal share of the calls."
            )
    if sig.fixed_tier is None and len(names) > 2:
        st.caption(
            "One threshold per stage of the cascade; they need not be in order (a later stage may be stricter)."
            if sig.staged
            else "Thresholds stay in order: moving one past its neighbour moves the neighbour too."
        )


def _calibration_caption(calibration: ShareCalibration, names: tuple[str, ...]) -> None:
    """The target beside what every tier got."""
    achieved = calibration.achieved_shares
    if calibration.kind == "strongest":
        st.caption(
            f"Target {calibration.target_shares[-1]:.0%} strong calls ({names[-1]}); achieved {achieved[-1]:.1%}."
        )
    else:
        st.caption("Target: one share per model; what each got is beside it.")
    if len(names) > 2:
        rest = "rest, as on the sweep"
        rows = "\n".join(
            f"| {name} | {rest if target is None else f'{target:.0%}'} | {share:.1%} |"
            for name, target, share in zip(names, calibration.target_shares, achieved)
        )
        st.markdown(f"| model | target | achieved |\n|---|---|---|\n{rows}")
    if calibration.worst_miss > 0.005:
        st.caption("Tied scores cannot be split: this is the nearest share the strategy's scores allow.")


def threshold_controls(
    ctx: Context,
    strategy: str,
    sig: Signals,
    where=None,
    calibrate: bool = True,
    url: bool = True,
    heading: bool = True,
) -> tuple[float, ...]:
    """One slider per tier boundary (in the sidebar, or `where`), where they come from and what a calibration
    achieved, then the calibration control unless `calibrate` is False. `url=False`: the page writes the
    thresholds to the address itself (see pages/_state.address)."""
    cfg = config()
    names = ctx.experiment.model_names
    defaults = thresholds_for(ctx.experiment, strategy)
    given = (
        list(cfg.thresholds)
        if cfg.thresholds and cfg.strategy == strategy and len(cfg.thresholds) == len(names) - 1
        else None
    )
    starting = list(given or defaults)
    keep_order = sig.fixed_tier is None and not sig.staged
    if keep_order and thresholds_cross(sig, starting):
        starting = sorted(starting)  # crossed thresholds act as if sorted: show them so
    keys = _threshold_keys(ctx, strategy)
    fixed = sig.fixed_tier is not None
    values = []
    with where if where is not None else st.sidebar:
        if heading:  # a page that reruns the sliders alone draws the heading once, outside (pages/lab.py)
            st.subheader("Thresholds")
        if fixed:
            st.caption(f"{strategy} ignores thresholds: every query's model is fixed.")
        for k, key in enumerate(keys):
            if key not in st.session_state:
                st.session_state[key] = float(starting[k])
            if sig.staged:
                label = f"Escalate from {names[k]} when 1 - confidence >"
            else:
                label = f"{names[k]} -> {names[k + 1]} above score"
            values.append(
                float(
                    st.slider(
                        label,
                        0.0,
                        1.0,
                        step=0.01,
                        key=key,
                        format="%.2f",
                        disabled=fixed,
                        on_change=_moved_by_hand,
                        args=(ctx, strategy, k, keep_order),
                        help="Queries whose score is above the threshold go to the stronger model.",
                    )
                )
            )
        _origin_caption(ctx, strategy, sig, tuple(values), defaults)
    if calibrate:
        calibrate_controls(ctx, strategy, sig, where)
    thresholds = tuple(values)
    if cfg.thresholds != thresholds:
        update_config(thresholds=thresholds, url=url)
    return thresholds


TIERS = "one share per model"
STRONGEST = "share to the strongest"


def calibrate_controls(ctx: Context, strategy: str, sig: Signals, where=None) -> None:
    """ "Calibrate to X% strong calls" (or, with 3+ models, one share per model): sets the threshold sliders; the shares
    achieved are shown beside the targets under the sliders."""
    if sig.fixed_tier is not None:
        return
    cfg = config()
    names = ctx.experiment.model_names
    with where if where is not None else st.sidebar:
        per_tier = False
        if len(names) > 2:
            kind_key = seed(f"target_kind:{ctx.key}:{strategy}", TIERS if cfg.target_tiers else STRONGEST)
            per_tier = (
                st.radio(
                    "Calibrate to",
                    [STRONGEST, TIERS],
                    key=kind_key,
                    horizontal=True,
                    help=f"A share of calls to {names[-1]} (the other models split the rest as along the sweep), "
                    "or a share for every model.",
                )
                == TIERS
            )
        blocked = False
        if per_tier:
            wanted = cfg.target_tiers if cfg.target_tiers and len(cfg.target_tiers) == len(names) else None
            upper = []
            for j in range(1, len(names)):
                tier_key = seed(
                    f"tier_share{j}:{ctx.key}:{strategy}", round((wanted[j] if wanted else 1 / len(names)) * 100)
                )
                upper.append(st.number_input(f"% of calls to {names[j]}", 0, 100, step=5, key=tier_key))
            rest = 100 - sum(upper)
            blocked = rest < 0
            if blocked:
                st.caption(f":red[These add up to {sum(upper)}%: lower one so that {names[0]} gets 0% or more.]")
            else:
                st.caption(f"{names[0]} gets the rest: {rest}%.")
        else:
            share_key = seed(
                f"share:{ctx.key}:{strategy}", round((cfg.target_share if cfg.target_share is not None else 0.3) * 100)
            )
            st.number_input(
                "Calibrate to % strong calls",
                0,
                100,
                step=5,
                key=share_key,
                help=f"Sets the thresholds so that about this share of queries goes to the strongest model, {names[-1]}.",
            )
        st.button(
            "Calibrate",
            key=wkey(f"calibrate:{ctx.key}:{strategy}"),
            on_click=_calibrate,
            args=(ctx, strategy, sig),
            disabled=blocked,
            width="stretch",
        )


def failure_controls(ctx: Context, strategy: str) -> dict[str, float]:
    """A toggle and a severity slider per registered failure mode that applies to the strategy (sidebar)."""
    cfg = config()
    modes = [mode for mode in list_failures() if mode.applies_to(strategy)]
    chosen: dict[str, float] = {}
    with st.sidebar:
        st.header("Failure modes")
        if not modes:
            st.caption(f"No registered failure mode touches {strategy}.")
            box = None
        else:
            box = st.expander(
                f"{len(modes)} apply to {strategy}" + (f" ({len(cfg.failures)} on)" if cfg.failures else ""),
                expanded=bool(cfg.failures),
            )
        for mode in modes:
            on_key = seed(f"fail_on:{mode.name}", mode.name in cfg.failures)
            on = box.toggle(mode.title, key=on_key, help=mode.description)
            if on:
                severity_key = seed(
                    f"fail_sev:{mode.name}", float(cfg.failures.get(mode.name, mode.demo.get("severity", 0.5)))
                )
                severity = box.slider(
                    f"Severity: {mode.title.lower()}",
                    0.0,
                    1.0,
                    step=0.05,
                    key=severity_key,
                    help="0 = no failure, 1 = the worst case this failure mode models.",
                )
                if severity > 0:
                    chosen[mode.name] = float(severity)
    if chosen != cfg.failures:
        update_config(failures=chosen)
    return chosen


@dataclass(frozen=True)
class Routed:
    """A page's routed run: the context, the strategy and its signals, the thresholds, the Result and Summary."""

    ctx: Context
    strategy: str
    signals: Signals
    thresholds: tuple[float, ...]
    result: Result
    summary: Summary


def routed_page(page_name: str) -> Routed:
    """Start a page that routes with the sidebar's strategy and thresholds, and route."""
    page(page_name)
    ctx = context()
    show_url_problems()
    strategy, sig = strategy_control(ctx)
    thresholds = threshold_controls(ctx, strategy, sig)
    result, summary = run(ctx.experiment, sig, thresholds)
    return Routed(ctx, strategy, sig, thresholds, result, summary)


def world(ctx: Context, strategy: str, sig: Signals, failures: dict[str, float]) -> World | None:
    """The injected world, or None when no failure is on; a bad injection stops the page with its message."""
    if not failures:
        return None
    try:
        return cached_world(ctx.key, strategy, tuple(sorted(failures.items())), ctx.experiment, sig)
    except LabError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
