"""`routing-lab workshop check`: a facilitator's own workshop file checked without pytest."""

from __future__ import annotations

import yaml

from lab.cli import main

TINY = {
    "name": "tiny",
    "title": "Tiny",
    "exercises": [
        {
            "id": "first",
            "title": "First",
            "minutes": 5,
            "scenario": "customer-support",
            "start": {"strategy": "cascade", "thresholds": [0.0], "size": 2000},
            "strategies": ["cascade"],
            "task": "Save 40% and keep 95%.",
            "goal": [{"metric": "savings", "at_least": 0.4}, {"metric": "quality_retained", "at_least": 0.95}],
            "hints": ["Raise it."],
            "debrief": "Done.",
            "solution": {"strategy": "cascade", "thresholds": [0.25]},
        },
        {
            "id": "replayed",
            "title": "Replayed",
            "minutes": 5,
            "scenario": "routerarena",
            "start": {"strategy": "always-strongest"},
            "task": "Save.",
            "goal": [{"metric": "savings", "at_least": 0.6}],
            "hints": ["Cheaper."],
            "debrief": "Done.",
            "solution": {"strategy": "always-cheapest"},
        },
    ],
}


def _write(tmp_path, data) -> str:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_an_honest_workshop_checks_ok_and_a_replay_without_data_is_skipped(tmp_path, capsys):
    assert main(["workshop", "check", _write(tmp_path, TINY), "--data-dir", str(tmp_path / "empty")]) == 0
    out = capsys.readouterr().out
    assert "ok\t1. first" in out and "\tsolution: Savings" in out and "(target ≥ 40.0%) ✓" in out
    assert "skip\t2. replayed:" in out and "routing-lab data download" in out
    assert "1 of 1 exercises checked ok, 1 skipped" in out


def test_a_solution_that_misses_its_goal_fails_the_check(tmp_path, capsys):
    data = yaml.safe_load(yaml.safe_dump(TINY))
    data["exercises"] = data["exercises"][:1]
    data["exercises"][0]["solution"]["thresholds"] = [0.6]  # saves plenty, keeps too little
    assert main(["workshop", "check", _write(tmp_path, data)]) == 1
    assert "FAIL\t1. first (solution misses the goal)" in capsys.readouterr().out


def test_a_broken_workshop_is_one_line_on_stderr_with_status_2(tmp_path, capsys):
    data = yaml.safe_load(yaml.safe_dump(TINY))
    data["exercises"][1]["goal"][0]["metric"] = "profit"
    assert main(["workshop", "check", _write(tmp_path, data)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exercise 2 ('replayed'), goal.0.metric" in err
