"""An attendee's progress in the URL: what is written reads back the same, and a bad parameter is said and ignored."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lab.failures.registry import get_failure
from lab.workshop.exercises import Choice, load_workshop
from lab.workshop.progress import Progress, progress_from_query_params, progress_to_query_params, start

WORKSHOP = load_workshop("default")


@st.composite
def progresses(draw) -> Progress:
    exercise = WORKSHOP.exercise(draw(st.sampled_from(WORKSHOP.ids)))
    done = tuple(draw(st.lists(st.sampled_from(WORKSHOP.ids), unique=True, max_size=4)))
    hints = {
        i: draw(st.integers(1, len(WORKSHOP.exercise(i).hints))) for i in draw(st.sets(st.sampled_from(WORKSHOP.ids)))
    }
    choice = None
    if draw(st.booleans()):
        strategy = draw(st.sampled_from(exercise.allowed_strategies()))
        n = len(exercise.base_scenario.models) - 1
        thresholds = tuple(draw(st.integers(0, 100)) / 100 for _ in range(n))
        fallback = {}
        for name in exercise.start.failures:
            policies = list(get_failure(name).variants)
            if policies:
                fallback[name] = draw(st.sampled_from(policies))
        recalibration = draw(st.sampled_from(["none", "platt", "isotonic"]))
        choice = Choice(strategy=strategy, thresholds=thresholds, fallback=fallback, recalibration=recalibration)
    progress = Progress(exercise=exercise.id, done=done, hints=hints, present=draw(st.booleans()))
    return progress.choose(exercise, choice) if choice is not None else progress


@settings(max_examples=150, deadline=None)
@given(progresses())
def test_progress_written_to_the_url_reads_back_the_same(progress):
    params = progress_to_query_params(progress, WORKSHOP)
    back, problems = progress_from_query_params(params, WORKSHOP)
    assert problems == []
    assert back == progress


def test_a_fresh_start_has_a_bare_url_and_opens_the_first_exercise():
    fresh = start(WORKSHOP)
    assert progress_to_query_params(fresh, WORKSHOP) == {}
    assert progress_from_query_params({}, WORKSHOP) == (fresh, [])
    assert fresh.exercise == WORKSHOP.ids[0]


def test_moving_marking_and_revealing():
    p = start(WORKSHOP)
    first = WORKSHOP.exercises[0]
    p = p.reveal_hint(first).reveal_hint(first)
    for _ in range(10):  # no more hints than the exercise has
        p = p.reveal_hint(first)
    assert p.hints[first.id] == len(first.hints)
    p = p.mark_done(first.id).step(WORKSHOP, +1)
    assert p.exercise == WORKSHOP.ids[1] and p.done == (first.id,)
    assert p.step(WORKSHOP, -5).exercise == WORKSHOP.ids[0]
    assert p.step(WORKSHOP, +50).exercise == WORKSHOP.ids[-1]
    assert p.mark_done(first.id, done=False).done == ()
    chosen = p.choose(WORKSHOP.exercises[1], WORKSHOP.exercises[1].solution)
    assert chosen.current_choice(WORKSHOP) == WORKSHOP.exercises[1].solution
    assert chosen.open(WORKSHOP.ids[2]).choice is None  # a new exercise opens at its start
    assert chosen.choose(WORKSHOP.exercises[1], WORKSHOP.exercises[1].start.choice).choice is None


def test_bad_parameters_are_ignored_one_message_each_and_the_rest_is_kept():
    params = {
        "ex": "traffic-drift",
        "done": "first-threshold,not-an-exercise",
        "hints": "traffic-drift:two",
        "present": "yes",
        "ws": "oracle",
        "scenario": "routerarena",  # the lab's own parameter: not the workshop's business
    }
    progress, problems = progress_from_query_params(params, WORKSHOP)
    assert progress.exercise == "traffic-drift"  # the valid part stays
    assert progress.done == () and progress.hints == {} and progress.present is False and progress.choice is None
    assert len(problems) == 4
    assert any("'done=first-threshold,not-an-exercise' ignored" in p for p in problems)
    assert any("ws=oracle" in p and "strategy" in p for p in problems)


def test_a_choice_in_the_url_must_be_possible_in_the_open_exercise():
    progress, problems = progress_from_query_params({"ex": "first-threshold", "ws": "classifier"}, WORKSHOP)
    assert progress.choice is None and "not one of cascade" in problems[0]
    progress, problems = progress_from_query_params({"ex": "first-threshold", "wt": "0.3,0.4"}, WORKSHOP)
    assert progress.choice is None and "give 1" in problems[0]
    progress, problems = progress_from_query_params({"ex": "first-threshold", "wt": "2"}, WORKSHOP)
    assert progress.choice is None and problems
    progress, problems = progress_from_query_params(
        {"ex": "outage-and-fallback", "wfb": "cheap-model-outage:retry-then-next"}, WORKSHOP
    )
    assert problems == [] and progress.choice.fallback == {"cheap-model-outage": "retry-then-next"}
    progress, problems = progress_from_query_params({"ex": "unknown", "wt": "0.3"}, WORKSHOP)
    assert progress.exercise == WORKSHOP.ids[0] and progress.choice.thresholds == (0.3,)
    assert "'ex=unknown' ignored" in problems[0]
