"""Workshop page: the goal is checked live as an attendee moves the controls, hints come one at a time, progress
survives a reload through the URL, the presenter view shows the goal and one chart, and a missing data set
gets the download offer instead of a traceback."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lab.workshop.exercises import load_workshop
from tests.pages.conftest import HARNESS, PAGE_FILES, TIMEOUT_S, assert_clean

WORKSHOP = load_workshop("default")


def open_workshop(query: dict[str, str] | None = None) -> AppTest:
    """A fresh browser session opened on the Workshop page's address (with these URL parameters)."""
    at = AppTest.from_file(HARNESS, default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.switch_page(PAGE_FILES["workshop"]).run()


def goal(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Goal**"))


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, f"{len(found)} buttons labelled {label!r}: {[b.label for b in at.button]}"
    return found[0]


def slider(at: AppTest):
    (only,) = [s for s in at.slider if s.label.endswith("above score") or s.label.startswith("Escalate")]
    return only


def params(at: AppTest) -> dict[str, str]:
    return {
        k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
        for k in at.query_params
    }


@pytest.fixture
def at(fresh_env):
    return open_workshop()


def test_the_first_exercise_opens_with_its_task_and_a_goal_not_yet_met(at):
    assert_clean(at)
    first = WORKSHOP.exercises[0]
    assert any(m.value == first.task.strip() for m in at.markdown)
    assert "Not yet" in goal(at) and "target ≥ 40.0%" in goal(at)
    assert slider(at).value == 0.0
    titles = [b.label for b in at.sidebar.button]
    assert [f"{k}. {e.title}" for k, e in enumerate(WORKSHOP.exercises, 1)] == titles[: len(WORKSHOP.exercises)]
    assert params(at) == {}  # a fresh start keeps a bare address


def test_moving_the_threshold_meets_the_goal_live_and_marking_done_shows_the_debrief(at):
    slider(at).set_value(0.25).run()
    assert_clean(at)
    assert "Goal met" in goal(at)
    assert "Savings: **44.0%**" in goal(at)
    assert params(at)["wt"] == "0.25"
    slider(at).set_value(0.5).run()  # too far: quality falls below 95%
    assert "Not yet" in goal(at)
    slider(at).set_value(0.25).run()
    button(at, "Mark done").click().run()
    assert params(at)["done"] == "first-threshold"
    assert any(m.value.startswith("**What this shows.**") for m in at.markdown)
    assert at.sidebar.progress[0].value == pytest.approx(100 / len(WORKSHOP.exercises), abs=1)


def test_hints_are_revealed_one_at_a_time(at):
    first = WORKSHOP.exercises[0]
    assert not [m for m in at.markdown if "**Hint" in m.value]
    button(at, "Show a hint").click().run()
    assert [m.value for m in at.markdown if "**Hint" in m.value] == [
        f":material/lightbulb: **Hint 1.** {first.hints[0]}"
    ]
    for _ in range(len(first.hints) - 1):
        [b for b in at.button if b.label.startswith("Next hint")][0].click().run()
    assert len([m for m in at.markdown if "**Hint" in m.value]) == len(first.hints)
    assert [b for b in at.button if b.label.startswith("Next hint")][0].disabled
    assert params(at)["hints"] == f"first-threshold:{len(first.hints)}"


def test_a_reload_of_the_address_restores_the_progress(fresh_env):
    at = open_workshop()
    button(at, "Next").click().run()
    assert params(at)["ex"] == WORKSHOP.ids[1]
    at.selectbox[0].set_value("classifier").run()
    slider(at).set_value(0.3).run()
    button(at, "Show a hint").click().run()
    assert "Goal met" in goal(at)
    address = params(at)
    again = open_workshop(address)  # a new session from the same address: what a reload does
    assert_clean(again)
    assert again.selectbox[0].value == "classifier" and slider(again).value == 0.3
    assert "Goal met" in goal(again) and any("**Hint 1.**" in m.value for m in again.markdown)
    other = open_workshop()  # another person's session starts afresh
    assert "Not yet" in goal(other) and other.session_state["workshop_progress"].exercise == WORKSHOP.ids[0]


def test_coming_back_to_an_exercise_finds_the_choice_left_there(at):
    slider(at).set_value(0.3).run()
    button(at, "Next").click().run()
    button(at, "Previous").click().run()
    assert slider(at).value == 0.3


def test_a_bad_address_says_what_it_ignored_and_opens_the_rest(fresh_env):
    at = open_workshop({"ex": "traffic-drift", "wt": "7", "done": "nope"})
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 2 and any("'done=nope' ignored" in w for w in warnings)
    assert slider(at).value == 0.25  # the exercise's start, not the bad threshold


def test_a_remedy_is_a_control_and_repairs_the_failure(fresh_env):
    at = open_workshop({"ex": "overconfident-scorer"})
    assert "Not yet" in goal(at) and "12.2 points" in goal(at)
    [s for s in at.selectbox if s.label == "Scorer recalibration"][0].set_value("isotonic").run()
    assert "Goal met" in goal(at)
    at = open_workshop({"ex": "outage-and-fallback"})
    fallback = [s for s in at.selectbox if s.label.startswith("Fallback policy")][0]
    assert fallback.value == "no-fallback"
    fallback.set_value("retry-then-next").run()
    assert "Goal met" in goal(at) and params(at)["wfb"] == "cheap-model-outage:retry-then-next"


def test_the_presenter_view_shows_the_goal_and_one_chart_and_moves_between_exercises(fresh_env):
    at = open_workshop({"present": "1", "ex": "overconfident-scorer"})
    assert_clean(at)
    assert len(at.sidebar.button) == 0  # no exercise list: the sidebar is the presenter's to hide
    assert len(at.get("plotly_chart")) == 1
    assert goal(at)
    assert {b.label for b in at.button} >= {"Previous", "Next", "Exit", "Hint", "Done", "Solution"}
    button(at, "Solution").click().run()
    assert "Goal met" in goal(at) and any("**Debrief.**" in c.value for c in at.caption)
    button(at, "Next").click().run()
    assert params(at)["ex"] == "outage-and-fallback" and params(at)["present"] == "1"
    button(at, "Exit").click().run()
    assert "present" not in params(at) and len(at.sidebar.button) > 0


def test_a_replayed_exercise_runs_on_the_public_data(fresh_env, data_dir):
    fresh_env.setenv("ROUTING_LAB_DATA", str(data_dir))
    at = open_workshop({"ex": "costliest-is-not-best"})
    assert_clean(at)
    assert "Not yet" in goal(at)
    at.selectbox[0].set_value("always-cheapest").run()
    assert "Goal met" in goal(at)


def test_without_the_public_data_a_replayed_exercise_offers_the_download(fresh_env, tmp_path):
    fresh_env.setenv("ROUTING_LAB_DATA", str(tmp_path))
    at = open_workshop({"ex": "costliest-is-not-best"})
    assert not at.exception
    assert len(at.error) == 1 and "routing-lab data download" in at.error[0].value
    assert any(b.label == "Download the public data" for b in at.button)
    assert any(b.label == "Next" for b in at.button)  # the attendee can move on


def test_a_slider_move_reuses_the_exercise_s_stage(fresh_env, monkeypatch):
    # the stage (failures injected, remedy applied, sweeps) depends on the strategy and the remedy, not the threshold
    from lab.workshop import measure

    built = []
    original = measure.stage
    monkeypatch.setattr(measure, "stage", lambda experiment, view: built.append(view) or original(experiment, view))
    at = open_workshop({"ex": "overconfident-scorer", "wt": "0.27"})
    before = len(built)
    for value in (0.3, 0.35, 0.4):
        slider(at).set_value(value).run()
    assert_clean(at)
    assert len(built) == before
    [s for s in at.selectbox if s.label == "Scorer recalibration"][0].set_value("platt").run()
    assert len(built) == before + 1 and built[-1].recalibration == "platt" and built[-1].thresholds is None
