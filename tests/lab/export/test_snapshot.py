"""Snapshots hold the whole view and load back; a bad file is one clear error."""

from __future__ import annotations

import pytest
import yaml

from lab.core.errors import LabError
from lab.core.scenario import load_scenario
from lab.export.snapshot import load_snapshot, snapshot_of, snapshot_yaml


def test_a_snapshot_round_trips_with_its_scenario_embedded(tmp_path):
    scenario = load_scenario("customer-support").with_queries(500).model_copy(update={"seed": 7})
    snap = snapshot_of(scenario, "length", [0.4], {"prompt-padding": 0.3}, {"quality": 0.9, "extra": 1})
    path = tmp_path / "snap.yaml"
    path.write_text(snapshot_yaml(snap))
    loaded = load_snapshot(path)
    assert loaded == snap and loaded.figures == {"quality": 0.9}
    again = loaded.scenario_model()
    assert again == scenario and again.seed == 7 and again.source.n_queries == 500


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [", "not valid YAML"),
        ("name: x\n", "not a Routing Lab snapshot"),
        ("routing_lab_snapshot: 1\nscenario: {}\nstrategy: x\nthresholds: null\nseed: 1\nbogus: 2\n", "bogus"),
        ("routing_lab_snapshot: 1\nscenario: {name: x}\nstrategy: x\nthresholds: null\nseed: 1\n", "scenario"),
    ],
)
def test_a_bad_snapshot_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(LabError, match=message):
        load_snapshot(path)


def test_a_missing_snapshot_is_named(tmp_path):
    with pytest.raises(LabError, match="no such snapshot"):
        load_snapshot(tmp_path / "nope.yaml")
    assert yaml.safe_load(snapshot_yaml(snapshot_of(load_scenario("customer-support"), "cascade", None, {})))
