"""Workshop files: a valid one loads; a broken one gets one clear line naming the file, the exercise and the field."""

from __future__ import annotations

import pytest
import yaml

from lab.core.errors import LabError
from lab.workshop.exercises import Choice, View, builtin_workshops, load_workshop, parse_workshop

VALID = {
    "name": "tiny",
    "title": "A tiny workshop",
    "exercises": [
        {
            "id": "first",
            "title": "First",
            "minutes": 5,
            "scenario": "customer-support",
            "start": {"strategy": "cascade", "thresholds": [0.0], "size": 1000},
            "strategies": ["cascade", "classifier"],
            "task": "Save money.",
            "goal": [{"metric": "savings", "at_least": 0.4}],
            "hints": ["Raise the threshold."],
            "debrief": "It saved money.",
            "solution": {"strategy": "cascade", "thresholds": [0.3]},
        },
        {
            "id": "second",
            "title": "Second",
            "minutes": 5,
            "scenario": "customer-support",
            "start": {
                "strategy": "classifier",
                "thresholds": [0.25],
                "failures": {"cheap-model-outage": 0.3},
                "fallback": {"cheap-model-outage": "no-fallback"},
            },
            "task": "Recover.",
            "goal": [{"metric": "quality_gap_points", "at_most": 1.0}],
            "hints": ["Fall back."],
            "debrief": "Fallbacks matter.",
            "solution": {
                "strategy": "classifier",
                "thresholds": [0.25],
                "fallback": {"cheap-model-outage": "retry-then-next"},
            },
        },
    ],
}


def _text(edit=None) -> str:
    data = yaml.safe_load(yaml.safe_dump(VALID))
    if edit is not None:
        edit(data)
    return yaml.safe_dump(data, sort_keys=False)


def _error(edit) -> str:
    with pytest.raises(LabError) as err:
        parse_workshop(_text(edit), "tiny.yaml")
    message = str(err.value)
    assert "\n" not in message and message.startswith("tiny.yaml: ")
    return message


def test_a_valid_workshop_loads_with_its_situations_and_solutions():
    workshop = parse_workshop(_text(), "tiny.yaml")
    assert workshop.ids == ["first", "second"] and workshop.minutes == 10
    second = workshop.exercise("second")
    assert second.solution_view.failures == {"cheap-model-outage": 0.3}  # the situation stays as it was
    assert second.solution_view.fallback == {"cheap-model-outage": "retry-then-next"}
    assert workshop.exercise("first").scenario_of().source.n_queries == 1000
    assert workshop.exercise("first").allowed_strategies() == ["classifier", "cascade"]


def _set(path: str, value):
    def edit(data):
        target = data
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return edit


DELETE = object()

BROKEN = [
    ("exercises.0.goal.0.metric", "profit", "exercise 1 ('first'), goal.0.metric: Input should be"),
    ("exercises.0.goal.0.at_most", 0.5, "exercise 1 ('first'), goal.0: give exactly one of at_least or at_most"),
    ("exercises.0.scenario", "nowhere", "exercise 1 ('first'), scenario: 'nowhere' is not a built-in scenario"),
    ("exercises.1.start.failures", {"meteor-strike": 0.5}, "exercise 2 ('second'), start.failures: unknown failure"),
    ("exercises.1.start.failures", {"cheap-model-outage": 1.5}, "exercise 2 ('second'), start.failures: severity"),
    ("exercises.0.start.strategy", "llm-router", "exercise 1 ('first'), start.strategy: 'llm-router' is not one of"),
    ("exercises.0.solution.thresholds", [0.2, 0.4], "exercise 1 ('first'), solution.thresholds: give 1"),
    (
        "exercises.0.solution.thresholds",
        [1.5],
        "exercise 1 ('first'), solution.thresholds: thresholds are numbers in [0, 1]",
    ),
    (
        "exercises.1.solution.fallback",
        {"cheap-model-outage": "pray"},
        "exercise 2 ('second'), solution.fallback: 'cheap-model-outage' has no policy 'pray'",
    ),
    (
        "exercises.0.solution.fallback",
        {"cheap-model-outage": "no-fallback"},
        "exercise 1 ('first'), solution.fallback: 'cheap-model-outage' is not one of this exercise's failures",
    ),
    (
        "exercises.0.start.failures",
        {"overconfident-scorer": 0.8},
        "exercise 1 ('first'), start.failures: 'overconfident-scorer' does not touch classifier; limit strategies",
    ),
    ("exercises.0.solution", {"strategy": "cascade", "thresholds": [0.0]}, "exercise 1 ('first'), solution: it is"),
    ("exercises.1.id", "first", "two exercises have the id 'first'"),
    ("exercises.0.strategies", ["cascade", "oracle"], "exercise 1 ('first'), strategies: 'oracle' reads the outcomes"),
    ("exercises.0.strategies", ["cascade", "magic"], "exercise 1 ('first'), strategies: 'magic' is not a strategy"),
    ("exercises.1.hints", DELETE, "exercise 2 ('second'), hints: Field required"),
    ("exercises.1.hints", [], "exercise 2 ('second'), hints: List should have at least 1 item"),
    ("exercises.0.hint", ["typo"], "exercise 1 ('first'), hint: Extra inputs are not permitted"),
    ("exercises.0.id", "First Exercise", "exercise 1 ('First Exercise'), id: String should match pattern"),
    ("exercises.0.chart", "pie", "exercise 1 ('first'), chart: Input should be"),
    ("exercises.0.start.recalibration", "magic", "exercise 1 ('first'), start.recalibration: Input should be"),
    ("exercises", [], "exercises: List should have at least 1 item"),
    ("title", DELETE, "title: Field required"),
]


@pytest.mark.parametrize(("path", "value", "expected"), BROKEN, ids=[f"{p}={v}" for p, v, _ in BROKEN])
def test_a_broken_exercise_gets_one_message_naming_the_exercise_and_the_field(path, value, expected):
    assert expected in _error(_set(path, value))


def test_a_replayed_scenario_has_no_size():
    def edit(data):
        data["exercises"][0].update(scenario="routerarena", strategies=None)
        data["exercises"][0]["start"] = {"strategy": "always-strongest", "size": 500}
        data["exercises"][0]["solution"] = {"strategy": "always-cheapest"}

    assert "exercise 1 ('first'), start.size: routerarena replays recorded data" in _error(edit)


def test_malformed_yaml_names_the_line():
    with pytest.raises(LabError, match=r"tiny.yaml: line \d+ is not valid YAML"):
        parse_workshop("name: x\nexercises: [\n  - {id: a\n", "tiny.yaml")
    with pytest.raises(LabError, match="a workshop is a YAML mapping"):
        parse_workshop("- just\n- a list\n", "tiny.yaml")


def test_a_workshop_by_name_or_by_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(_text(), encoding="utf-8")
    assert load_workshop(str(path)).name == "tiny"
    assert set(builtin_workshops()) >= {"default"}
    with pytest.raises(LabError, match="unknown workshop 'nope'.*default"):
        load_workshop("nope")
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(LabError, match="save it as UTF-8"):
        load_workshop(str(path))


def test_an_unknown_exercise_id_lists_the_known_ones():
    with pytest.raises(LabError, match="known: first, second"):
        parse_workshop(_text(), "tiny.yaml").exercise("third")


def test_a_choice_keeps_the_situation_of_its_view():
    view = View(strategy="cascade", thresholds=(0.3,), failures={"traffic-drift": 0.5}, size=2000)
    other = view.with_choice(Choice(strategy="classifier", thresholds=(0.4,)))
    assert other.failures == view.failures and other.size == 2000 and other.strategy == "classifier"
    assert other.choice == Choice(strategy="classifier", thresholds=(0.4,))
