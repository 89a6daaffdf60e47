"""Workshop: exercises with a task, a goal checked live against the lab's figures, hints, and a debrief.

Each attendee's progress (exercise, done, hints, current choice) lives in their own browser session and
in its address, so a reload keeps it and nobody else sees it. `?present=1` opens the presenter view for a
projector (1280 x 720): large type, no sidebar, the goal and one chart, arrow keys between exercises.
Thin: widgets -> lab.workshop (goal figures) and lab.present.lab_view (cards, charts) -> drawn here.
"""

from __future__ import annotations

import streamlit as st

from lab.core.errors import LabError
from lab.core.experiment import thresholds_for
from lab.core.scenario import ReplaySource
from lab.failures.calibration import RECALIBRATION_METHODS
from lab.failures.registry import get_failure
from lab.present.lab_view import lab_view
from lab.workshop.exercises import DEFAULT_WORKSHOP, Choice, Exercise, View, Workshop, builtin_workshops, load_workshop
from lab.workshop.goals import GoalStatus
from lab.workshop.measure import Stage, goal_status, stage
from lab.workshop.progress import KEYS, Progress, progress_from_query_params, progress_to_query_params
from pages import _caches as caches
from pages import _sidebar as sidebar
from pages import _state as state
from pages._live_chart import live_chart

LIVE = {"displayModeBar": False}
PRESENTER_CHART_PX = 360
# The presenter view: no sidebar, large type, the page starting at the top of the screen.
PRESENTER_CSS = """<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"], button[data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none; }
div[data-testid="stMainBlockContainer"] { padding: 1rem 2rem 0.5rem 2rem; }
div[data-testid="stMainBlockContainer"] p, div[data-testid="stMainBlockContainer"] li { font-size: 1.3rem; line-height: 1.4; }
div[data-testid="stMainBlockContainer"] h3 { font-size: 1.9rem; padding: 0.2rem 0; }
div[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
.st-key-workshop_goal p { font-size: 1.45rem; }
</style>"""


# --- caches (bounded; keyed by plain values) ----------------------------------------------------


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_workshop(name: str, mtime: float) -> Workshop:
    """A built-in workshop, re-read when its file changes."""
    return load_workshop(name)


@st.cache_resource(max_entries=32, show_spinner="Setting up the exercise (failures, fallback, recalibration)...")
def cached_stage(key: str, view_json: str, _experiment) -> Stage:
    """A view's stage on an experiment (everything but its thresholds), computed once per choice of remedy."""
    return stage(_experiment, View.model_validate_json(view_json))


def workshop_now() -> Workshop:
    """The default built-in workshop (cached; a broken file stops the page with its one-line message)."""
    files = builtin_workshops()
    try:
        return cached_workshop(DEFAULT_WORKSHOP, files[DEFAULT_WORKSHOP].stat().st_mtime)
    except (LabError, KeyError) as exc:
        st.error(f"The workshop cannot be loaded: {exc}", icon=":material/error:")
        st.stop()


# --- progress: this session's, mirrored in the URL ----------------------------------------------


def progress(workshop: Workshop) -> Progress:
    """This attendee's progress (read from the URL on the session's first run)."""
    if state.WORKSHOP_PROGRESS_KEY not in st.session_state:
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        found, problems = progress_from_query_params(params, workshop)
        st.session_state[state.WORKSHOP_PROGRESS_KEY] = found
        st.session_state[state.WORKSHOP_PROBLEMS_KEY] = problems
    return st.session_state[state.WORKSHOP_PROGRESS_KEY]


def save(workshop: Workshop, new: Progress) -> None:
    """Keep the progress in this session and write it to the URL (the workshop's keys only, when they differ)."""
    st.session_state[state.WORKSHOP_PROGRESS_KEY] = new
    if new.choice is not None:
        st.session_state.setdefault(state.WORKSHOP_CHOICES_KEY, {})[new.exercise] = new.choice
    desired = progress_to_query_params(new, workshop)
    for key in KEYS:
        if key in desired:
            if st.query_params.get(key) != desired[key]:
                st.query_params[key] = desired[key]
        elif key in st.query_params:
            del st.query_params[key]


def _forget_widgets(exercise_id: str) -> None:
    prefix = f"{state.WORKSHOP_WIDGET_PREFIX}{exercise_id}/"
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def go_to(workshop: Workshop, exercise_id: str) -> None:
    """Open an exercise where this attendee left it (its starting choice the first time)."""
    moved = progress(workshop).open(exercise_id)
    remembered = st.session_state.get(state.WORKSHOP_CHOICES_KEY, {}).get(exercise_id)
    if remembered is not None:
        moved = moved.choose(workshop.exercise(exercise_id), remembered)
    _forget_widgets(exercise_id)
    save(workshop, moved)


def step(workshop: Workshop, by: int) -> None:
    """Open the previous or next exercise."""
    go_to(workshop, progress(workshop).step(workshop, by).exercise)


def set_choice(workshop: Workshop, exercise: Exercise, choice: Choice) -> None:
    """Put a choice in place (the stated solution, or the start) and redraw the controls from it."""
    _forget_widgets(exercise.id)
    save(workshop, progress(workshop).choose(exercise, choice))


def reveal_hint(workshop: Workshop, exercise: Exercise) -> None:
    """Show one more hint."""
    save(workshop, progress(workshop).reveal_hint(exercise))


def mark_done(workshop: Workshop, exercise_id: str, done: bool) -> None:
    """Mark the exercise done, or not."""
    save(workshop, progress(workshop).mark_done(exercise_id, done))


def set_present(workshop: Workshop, on: bool) -> None:
    """Turn the presenter view on or off."""
    save(workshop, progress(workshop).model_copy(update={"present": on}))


# --- drawing --------------------------------------------------------------------------------------


def exercise_sidebar(workshop: Workshop, now: Progress) -> None:
    """The exercises with what is done, the presenter switch, and where progress is kept."""
    with st.sidebar:
        st.header(workshop.title)
        st.progress(len(now.done) / len(workshop.exercises), text=f"{len(now.done)} of {len(workshop.exercises)} done")
        for k, exercise in enumerate(workshop.exercises, start=1):
            mark = ":material/check_circle:" if exercise.id in now.done else ":material/radio_button_unchecked:"
            st.button(
                f"{k}. {exercise.title}",
                key=f"{state.WORKSHOP_WIDGET_PREFIX}open/{exercise.id}",
                icon=mark,
                type="primary" if exercise.id == now.exercise else "tertiary",
                on_click=go_to,
                args=(workshop, exercise.id),
                width="stretch",
            )
        st.button(
            "Presenter view",
            icon=":material/co_present:",
            key=f"{state.WORKSHOP_WIDGET_PREFIX}present",
            on_click=set_present,
            args=(workshop, True),
            help="For the projector: large type, no sidebar, the goal and one chart; arrow keys move between exercises.",
        )
        st.caption(
            f"About {workshop.minutes} minutes. Your progress lives in this browser tab and its address: "
            "reload or bookmark it; nobody else sees it."
        )


def header(workshop: Workshop, now: Progress, exercise: Exercise) -> None:
    """The exercise's number and title, with previous and next (arrow keys)."""
    k = workshop.ids.index(exercise.id) + 1
    cols = st.columns([6, 1.6, 1.6] + ([1.2] if now.present else []), vertical_alignment="center")
    done = " :material/check_circle:" if exercise.id in now.done else ""
    cols[0].subheader(f"{k} / {len(workshop.exercises)} · {exercise.title}{done}", anchor=False)
    cols[1].button(
        "Previous",
        icon=":material/arrow_back:",
        key=f"{state.WORKSHOP_WIDGET_PREFIX}previous",
        shortcut="Left",
        on_click=step,
        args=(workshop, -1),
        disabled=k == 1,
        width="stretch",
    )
    cols[2].button(
        "Next",
        icon=":material/arrow_forward:",
        key=f"{state.WORKSHOP_WIDGET_PREFIX}next",
        shortcut="Right",
        on_click=step,
        args=(workshop, +1),
        disabled=k == len(workshop.exercises),
        width="stretch",
    )
    if now.present:
        cols[3].button(
            "Exit",
            icon=":material/close_fullscreen:",
            key=f"{state.WORKSHOP_WIDGET_PREFIX}exit",
            on_click=set_present,
            args=(workshop, False),
            help="Leave the presenter view",
            width="stretch",
        )


def situation_text(exercise: Exercise, n_queries: int) -> str:
    """The exercise's fixed situation in a line: scenario, size, failures."""
    kind = "replayed" if isinstance(exercise.base_scenario.source, ReplaySource) else "synthetic"
    models = " / ".join(spec.name for spec in exercise.base_scenario.models)
    text = f"Scenario {exercise.scenario} ({kind}, {n_queries:,} queries, {models})"
    failures = [
        f"{get_failure(name).title.lower()} at severity {sev:g}" for name, sev in exercise.start.failures.items()
    ]
    return text + (f". Situation, fixed: {'; '.join(failures)}." if failures else ".")


def choice_controls(exercise: Exercise, experiment, now: Progress, where, compact: bool) -> Choice:
    """The attendee's controls (strategy, fallback policy, recalibration, thresholds), seeded from the progress."""
    current = now.choice if now.choice is not None else exercise.start.choice
    prefix = f"{state.WORKSHOP_WIDGET_PREFIX}{exercise.id}/"

    def seeded(name: str, value) -> str:
        key = prefix + name
        if key not in st.session_state:
            st.session_state[key] = value
        return key

    allowed = exercise.allowed_strategies()
    with where:
        # the presenter view puts the pickers side by side, under the chart
        slots = _slots(compact)
        strategy = current.strategy
        if len(allowed) > 1:
            strategy = next(slots).selectbox("Strategy", allowed, key=seeded("strategy", current.strategy))
        elif not compact:
            st.caption(f"Strategy: {strategy} (this exercise is about its settings)")
        signals = caches.cached_signals(_experiment_key(exercise), strategy, experiment)
        if signals.simulated and not compact:
            knobs = ", ".join(f"{k} {v:g}" for k, v in signals.knobs.items())
            st.caption(f":material/science: Simulated signal: {signals.description}. Knobs: {knobs}.")
        fallback = {}
        for name in exercise.start.failures:
            policies = list(get_failure(name).variants)
            if policies:
                fallback[name] = next(slots).selectbox(
                    "Fallback policy" if compact else f"Fallback policy ({get_failure(name).title.lower()})",
                    policies,
                    key=seeded(f"fallback/{name}", current.fallback.get(name, policies[0])),
                )
        recalibration = "none"
        if exercise.start.failures and signals.escalates:
            recalibration = next(slots).selectbox(
                "Scorer recalibration",
                RECALIBRATION_METHODS,
                key=seeded("recalibration", current.recalibration),
                help="Refit confidence -> P(good answer) on labelled queries, cross-fitted on two halves.",
            )
        start = list(current.thresholds) if current.thresholds and strategy == current.strategy else None
        defaults = thresholds_for(experiment, strategy, start)
        names = experiment.model_names
        thresholds = []
        for k, default in enumerate(defaults):
            label = (
                f"Escalate from {names[k]} when 1 - confidence >"
                if signals.staged
                else f"{names[k]} -> {names[k + 1]} above score"
            )
            thresholds.append(
                float(
                    st.slider(
                        label,
                        0.0,
                        1.0,
                        step=0.01,
                        format="%.2f",
                        key=seeded(f"{strategy}/t{k}", float(default)),
                        disabled=signals.fixed_tier is not None,
                    )
                )
            )
    return Choice(strategy=strategy, thresholds=tuple(thresholds), fallback=fallback, recalibration=recalibration)


def goal_box(status: GoalStatus, big: bool) -> None:
    """The goal, met or not yet, each figure now beside its target."""
    with st.container(border=True, key="workshop_goal"):
        badge = ":green-badge[:material/check: Goal met]" if status.met else ":orange-badge[Not yet]"
        lines = [f"**Goal** {badge}"]
        for c in status.conditions:
            mark = ":green[:material/check_circle:]" if c.met else ":orange[:material/radio_button_unchecked:]"
            lines.append(f"{mark} {c.label}: **{c.current_text}** (target {c.target})")
        st.markdown("  \n".join(lines))
        if not big:
            shown = [f"{c.label} {c.interval_text}" for c in status.conditions if c.interval_text]
            if shown:
                st.caption("; ".join(shown) + ". The goal is checked on the point figures; intervals are bootstrap.")


def hints_and_done(workshop: Workshop, now: Progress, exercise: Exercise, met: bool, compact: bool) -> None:
    """Hints revealed one at a time, and marking the exercise done (which shows the debrief)."""
    shown = now.hints.get(exercise.id, 0)
    for k, hint in enumerate(exercise.hints[:shown], start=1):
        st.markdown(f":material/lightbulb: **Hint {k}.** {hint}")
    cols = st.columns(3 if compact else 2)
    if compact:
        hint_label = f"Hint {shown}/{len(exercise.hints)}" if shown else "Hint"
    else:
        hint_label = f"Next hint ({shown} of {len(exercise.hints)})" if shown else "Show a hint"
    cols[0].button(
        hint_label,
        icon=":material/lightbulb:",
        key=f"{state.WORKSHOP_WIDGET_PREFIX}hint",
        on_click=reveal_hint,
        args=(workshop, exercise),
        disabled=shown >= len(exercise.hints),
        width="stretch",
    )
    done = exercise.id in now.done
    clicked = cols[1].button(
        ("Undo" if compact else "Done: undo") if done else ("Done" if compact else "Mark done"),
        icon=":material/task_alt:",
        key=f"{state.WORKSHOP_WIDGET_PREFIX}done",
        type="secondary" if done else ("primary" if met else "secondary"),
        help=None if met or done else "The goal is not met yet; you can mark the exercise done anyway.",
        width="stretch",
    )
    if clicked:  # the exercise list and the title show what is done: the whole page follows
        mark_done(workshop, exercise.id, not done)
        st.rerun()
    if compact:
        cols[2].button(
            "Solution",
            icon=":material/visibility:",
            key=f"{state.WORKSHOP_WIDGET_PREFIX}solution",
            on_click=set_choice,
            args=(workshop, exercise, exercise.solution),
            width="stretch",
        )


def solution_text(exercise: Exercise) -> str:
    """The stated solution in words."""
    s = exercise.solution
    parts = [s.strategy]
    if s.thresholds:
        parts.append("at " + ", ".join(f"{t:.2f}" for t in s.thresholds))
    parts += [f"fallback {policy}" for policy in s.fallback.values()]
    if s.recalibration != "none":
        parts.append(f"{s.recalibration} recalibration")
    return " ".join(parts[:2]) + "".join(f", {p}" for p in parts[2:])


def _cards(cards) -> None:
    for col, card in zip(st.columns(len(cards)), cards):
        col.metric(card.label, card.value, delta=card.delta, help=card.help, border=True, height="stretch",
                   delta_color="normal" if card.good_when_up else "inverse")  # fmt: skip
        col.caption(card.interval)


def _slots(compact: bool):
    """Places for the pickers: three columns side by side in the presenter view, then one under another."""
    yield from st.columns(3) if compact else []
    while True:
        yield st.container()


def _experiment_key(exercise: Exercise) -> str:
    return caches.experiment_key(exercise.scenario, exercise.start.size, state.data_dir_setting())


def _companion(chart: str) -> str:
    """The second chart beside the exercise's own: the frontier, or beside the frontier the quality bars."""
    return "frontier" if chart != "frontier" else "quality"


# --- the page -------------------------------------------------------------------------------------

workshop = workshop_now()
now = progress(workshop)
exercise = workshop.exercise(now.exercise)
present = now.present
if present:
    st.html(PRESENTER_CSS)
else:
    exercise_sidebar(workshop, now)
    for problem in st.session_state.pop(state.WORKSHOP_PROBLEMS_KEY, None) or []:
        st.warning(problem, icon=":material/link_off:")

header(workshop, now, exercise)
data_dir = state.data_dir_setting()
try:
    experiment = caches.cached_experiment(exercise.scenario, exercise.start.size, data_dir or None)
except LabError as exc:
    st.error(str(exc), icon=":material/error:")
    if "routing-lab data download" in str(exc):
        sidebar.offer_download()
    st.stop()


@st.fragment
def live() -> None:
    """The exercise's controls and everything they move: reruns alone when a control moves."""
    now = progress(workshop)
    if present:
        left, right = st.columns([2, 3], gap="medium")
        with left:
            st.markdown(exercise.task)
            goal_slot = st.container()
        chart_slot = right.container()
        chosen = choice_controls(exercise, experiment, now, right.container(), compact=True)
    else:
        st.caption(situation_text(exercise, experiment.queries.n_queries))
        left, right = st.columns([3, 2], gap="large")
        with left:
            st.markdown(exercise.task)
            controls = st.container()
        chosen = choice_controls(exercise, experiment, now, controls, compact=False)
        goal_slot = right.container()

    now = now.choose(exercise, chosen)
    save(workshop, now)
    view = exercise.view(chosen)
    try:
        # a stage is everything but the thresholds: one per strategy and remedy, not one per slider position
        situation = view.model_copy(update={"thresholds": None}).model_dump_json()
        staged = cached_stage(_experiment_key(exercise), situation, experiment)
        status = goal_status(exercise, staged, chosen.thresholds)
    except LabError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    drawn = lab_view(staged.lab_inputs(), tuple(chosen.thresholds or ()))

    if present:
        with goal_slot:
            goal_box(status, big=True)
        with left:
            hints_and_done(workshop, now, exercise, status.met, compact=True)
            if now.choice == exercise.solution:
                st.caption(f"**Debrief.** {exercise.debrief}")
        figure = drawn.figures[exercise.chart]
        figure.layout.height = PRESENTER_CHART_PX
        live_chart(chart_slot, figure, key="workshop_chart", config=LIVE)
        return
    with goal_slot:
        goal_box(status, big=False)
        hints_and_done(workshop, now, exercise, status.met, compact=False)
    st.subheader("Clean run" if drawn.injected_cards else "Figures now", anchor=False)
    _cards(drawn.clean_cards)
    if drawn.injected_cards:
        st.subheader(drawn.injected_title or "With failures", anchor=False)
        _cards(drawn.injected_cards)
        for note in drawn.notes:
            st.caption(note)
    one, two = st.columns([3, 2])  # the exercise's chart gets the room its title and legend need
    live_chart(one, drawn.figures[exercise.chart], key="workshop_chart", config=LIVE)
    live_chart(two, drawn.figures[_companion(exercise.chart)], key="workshop_companion", config=LIVE)
    if exercise.id in now.done:
        with st.container(border=True):
            st.markdown(f"**What this shows.** {exercise.debrief}")
            st.caption(f"The stated solution: {solution_text(exercise)}.")
            st.button(
                "Show the stated solution",
                key=f"{state.WORKSHOP_WIDGET_PREFIX}solution",
                on_click=set_choice,
                args=(workshop, exercise, exercise.solution),
            )


live()
