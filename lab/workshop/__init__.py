"""Workshop mode: exercises as validated data, and their goals checked live against the lab's own figures.

exercises.py reads a workshop (a YAML file in scenarios/workshops/ or anywhere) into validated
exercises: a situation (scenario, size, failures), a starting choice, a task, a goal, hints, a
debrief and a stated solution. goals.py is the closed vocabulary of figures a goal may bound and
how a goal is checked; measure.py computes those figures for a view (the world with failures,
fallback policy and recalibration, then a routed run beside the clean one); progress.py is an
attendee's progress (exercise, done, hints revealed, current choice) as URL parameters. The
workshop may import lab.core, lab.sources, lab.failures and lab.present (never the CLI).
"""

from lab._lazy import lazy_exports

_EXPORTS = {
    "Choice": "exercises",
    "View": "exercises",
    "Exercise": "exercises",
    "Workshop": "exercises",
    "DEFAULT_WORKSHOP": "exercises",
    "builtin_workshops": "exercises",
    "load_workshop": "exercises",
    "parse_workshop": "exercises",
    "METRICS": "goals",
    "Condition": "goals",
    "GoalStatus": "goals",
    "check_goal": "goals",
    "Stage": "measure",
    "Measurement": "measure",
    "stage": "measure",
    "measure": "measure",
    "goal_status": "measure",
    "exercise_experiment": "measure",
    "Progress": "progress",
    "progress_from_query_params": "progress",
    "progress_to_query_params": "progress",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
