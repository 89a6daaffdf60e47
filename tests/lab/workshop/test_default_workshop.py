"""Every built-in workshop keeps its exercises honest: no goal is met at its starting view, every stated
solution meets its goal, evaluated with the engine on the exercise's own scenario; the default one walks
from a first threshold to failure and recovery."""

from __future__ import annotations

import pytest

from lab.core.scenario import ReplaySource
from lab.workshop.exercises import builtin_workshops, load_workshop
from lab.workshop.measure import exercise_experiment, goal_status, stage

WORKSHOP = load_workshop("default")
EVERY = [(name, exercise) for name in builtin_workshops() for exercise in load_workshop(name).exercises]
IDS = [f"{name}:{exercise.id}" for name, exercise in EVERY]


def _experiment(exercise, request):
    replay = isinstance(exercise.base_scenario.source, ReplaySource)
    data_dir = request.getfixturevalue("data_dir") if replay else None
    return exercise_experiment(exercise, data_dir)


def test_the_default_workshop_walks_from_a_first_threshold_to_failure_and_recovery():
    assert "default" in builtin_workshops()
    assert len(WORKSHOP.exercises) >= 8
    first, *_, last = WORKSHOP.exercises
    assert not first.start.failures  # it starts clean ...
    assert sum(bool(e.start.failures) for e in WORKSHOP.exercises) >= 4  # ... and breaks the router several ways
    assert last.start.failures and (last.solution.fallback or last.solution.recalibration != "none")  # ... repaired
    remedies = {e.id for e in WORKSHOP.exercises if e.solution.fallback or e.solution.recalibration != "none"}
    assert len(remedies) >= 2  # a fallback order and a recalibration, not only threshold moves
    replays = [e for e in WORKSHOP.exercises if isinstance(e.base_scenario.source, ReplaySource)]
    assert len(replays) >= 2


@pytest.mark.parametrize(("workshop", "exercise"), EVERY, ids=IDS)
def test_the_goal_is_not_met_at_the_start_and_is_met_at_the_stated_solution(workshop, exercise, request):
    experiment = _experiment(exercise, request)
    at_start = goal_status(exercise, stage(experiment, exercise.start))
    solved = goal_status(exercise, stage(experiment, exercise.solution_view))
    assert not at_start.met, f"{exercise.id}: the goal already holds at the start ({at_start.summary()})"
    assert solved.met, f"{exercise.id}: the stated solution misses the goal ({solved.summary()})"
    # the figures shown beside the targets are the ones the goal was checked on
    assert all(c.current is not None and c.current_text != "n/a" for c in solved.conditions)


REMEDIED = [(n, e) for n, e in EVERY if e.solution.fallback != e.start.fallback or e.solution.recalibration != "none"]


@pytest.mark.parametrize(("workshop", "exercise"), REMEDIED, ids=[f"{n}:{e.id}" for n, e in REMEDIED])
def test_where_the_solution_is_a_remedy_no_threshold_alone_meets_the_goal(workshop, exercise, request):
    # e.g. routing nothing to the strong model makes the clean and broken runs equal: the goal must not allow that
    experiment = _experiment(exercise, request)
    grid = [k / 20 for k in range(21)]
    for strategy in exercise.allowed_strategies():
        without = exercise.view(exercise.start.choice.model_copy(update={"strategy": strategy, "thresholds": None}))
        staged = stage(experiment, without)
        met = [t for t in grid if goal_status(exercise, staged, (t,) * len(staged.experiment.model_names[1:])).met]
        assert met == [], f"{exercise.id}: {strategy} meets the goal without the remedy at thresholds {met}"
