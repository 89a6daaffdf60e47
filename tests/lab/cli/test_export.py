"""`routing-lab export`, `calibrate` and `simulate --config`: files a gateway takes, figures reproduced, bad input refused."""

from __future__ import annotations

import json

import pytest
import yaml

from lab.cli import main
from lab.core.scenario import load_scenario
from lab.core.strategies import list_strategies

SMALL = ["--scenario", "customer-support", "--queries", "1500"]


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _refused(capsys, *argv: str) -> str:
    status, _, err = _run(capsys, *argv)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    ("view", "inject"),
    [
        (["--strategy", "cascade", "--threshold", "0.35"], ["--inject", "cheap-model-outage=0.3"]),
        (["--strategy", "length", "--seed", "5"], []),
        (["--strategy", "llm-router", "--threshold", "0.5"], ["--inject", "noisy-judge=0.6"]),
    ],
)
def test_simulate_config_reproduces_the_snapshotted_figures(capsys, tmp_path, view, inject):
    snap = tmp_path / "snap.yaml"
    assert _run(capsys, "export", "snapshot", *SMALL, *view, *inject, "-o", str(snap))[0] == 0
    status, out, _ = _run(capsys, "simulate", *SMALL, *view, *inject, "--format", "json")
    direct = json.loads(out)
    status, out, _ = _run(capsys, "simulate", "--config", str(snap), "--format", "json")
    assert status == 0 and json.loads(out) == direct
    saved = yaml.safe_load(snap.read_text())
    assert saved["figures"]["quality"] == direct["quality"] and saved["figures"]["savings"] == direct["savings"]


def test_a_replay_snapshot_reproduces_litellm_complexity(capsys, tmp_path, data_dir):
    snap = tmp_path / "mmlu.yaml"
    view = ["--scenario", "routellm-gsm8k", "--strategy", "litellm-complexity", "--data-dir", str(data_dir)]
    assert _run(capsys, "export", "snapshot", *view, "-o", str(snap))[0] == 0
    _, direct, _ = _run(capsys, "simulate", *view, "--format", "json")
    status, replayed, _ = _run(
        capsys, "simulate", "--config", str(snap), "--data-dir", str(data_dir), "--format", "json"
    )
    assert status == 0 and json.loads(replayed) == json.loads(direct)


def test_export_litellm_writes_config_and_plugin_beside_it(capsys, tmp_path, data_dir):
    out = tmp_path / "gateway" / "config.yaml"
    out.parent.mkdir()
    status, printed, _ = _run(
        capsys, "export", "litellm", "--scenario", "routellm-gsm8k", "--data-dir", str(data_dir),
        "--strategy", "length", "--threshold", "0.5", "--fallback", "retry-then-next", "-o", str(out),
    )  # fmt: skip
    assert status == 0 and "config.yaml" in printed
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "config.yaml",
        "routing_lab_plugin.json",
        "routing_lab_plugin.py",
    ]
    config = yaml.safe_load(out.read_text())
    assert config["router_settings"]["num_retries"] == 1
    assert json.loads((out.parent / "routing_lab_plugin.json").read_text())["strategy"] == "length"


def test_export_litellm_prints_a_plugin_free_config(capsys):
    status, out, _ = _run(capsys, "export", "litellm", *SMALL, "--strategy", "litellm-complexity")
    config = yaml.safe_load(out)
    assert status == 0 and out.startswith("# LiteLLM configuration exported by Routing Lab")
    assert config["model_list"][-1]["litellm_params"]["model"] == "auto_router/complexity_router"


def test_export_decisions_prints_a_safe_csv(capsys):
    status, out, _ = _run(capsys, "export", "decisions", *SMALL, "--strategy", "length", "--threshold", "0.7")
    lines = out.splitlines()
    assert status == 0 and lines[0] == "query_id,category,score,tier,model,reason" and len(lines) == 1501


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--strategy", "cascade"], "cannot be exported yet"),
        (["--strategy", "llm-router"], "cannot be exported yet"),
        (["--strategy", "oracle"], "hindsight"),
        (["--strategy", "random"], "baseline"),
        (["--strategy", "length", "--threshold", "1.5"], "out of range; give a number from 0 to 1"),
        (["--strategy", "length", "--threshold", "0.2", "--threshold", "0.1"], "need 1"),
        (["--strategy", "length", "--fallback", "sideways"], "unknown fallback ordering"),
        (["--strategy", "litellm-complexity", "--threshold", "1"], "reasoning-marker override"),
        (["--strategy", "length", "--api-key-env", "gpt-4o=1BAD"], "variable name"),
        (["--strategy", "length", "--api-key-env", "nope"], "MODEL=NAME"),
        (["--strategy", "length", "--api-key-env", "claude=KEY"], "not a model of this scenario"),
        (["--strategy", "length"], "-o FILE"),
        (["--strategy", "length", "--inject", "prompt-padding=0.5"], "no failure"),
    ],
)
def test_bad_exports_are_one_clear_line_and_exit_2(capsys, argv, message):
    assert message in _refused(capsys, "export", "litellm", *SMALL, *argv)


def test_thresholds_out_of_order_and_models_without_a_litellm_key(capsys, data_dir):
    err = _refused(
        capsys, "export", "litellm", "--scenario", "mixed-production", "--queries", "1000",
        "--strategy", "litellm-complexity", "--threshold", "0.6", "--threshold", "0.3",
    )  # fmt: skip
    assert "out of order" in err
    err = _refused(
        capsys, "export", "litellm", "--scenario", "routerarena", "--data-dir", str(data_dir), "--strategy", "length"
    )
    assert "not a litellm model key" in err


def test_an_unwritable_output_writes_nothing(capsys, tmp_path):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "routing_lab_plugin.py").mkdir()  # the plugin cannot land: the config must not either
    for target in (tmp_path / "a-file" / "config.yaml", tmp_path / "missing" / "config.yaml", tmp_path / "config.yaml"):
        err = _refused(capsys, "export", "litellm", *SMALL, "--strategy", "classifier", "-o", str(target))
        assert "cannot write" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "routing_lab_plugin.py"]
    assert _refused(capsys, "export", "snapshot", *SMALL, "-o", str(tmp_path / "no" / "s.yaml"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "routing_lab_plugin.py"]


def test_simulate_config_refuses_other_view_flags_and_bad_files(capsys, tmp_path):
    snap = tmp_path / "s.yaml"
    _run(capsys, "export", "snapshot", *SMALL, "--strategy", "length", "-o", str(snap))
    assert "drop --strategy" in _refused(capsys, "simulate", "--config", str(snap), "--strategy", "cascade")
    assert "no such snapshot" in _refused(capsys, "simulate", "--config", str(tmp_path / "none.yaml"))


def test_calibrate_every_strategy_prints_achieved_beside_target(capsys):
    names = [info.name for info in list_strategies(list(load_scenario("customer-support").models))]
    assert "litellm-complexity" in names
    for name in names:
        status, out, err = _run(
            capsys, "calibrate", *SMALL, "--strategy", name, "--share", "0.7", "--share", "0.3", "--format", "json"
        )
        assert status == 0, err
        result = json.loads(out)
        assert result["strategy"] == name and result["target"] == [0.7, 0.3]
        assert abs(sum(result["achieved"]) - 1) < 1e-9 and len(result["thresholds"]) == 1
        if name in ("random", "length", "cascade"):
            assert abs(result["achieved"][1] - 0.3) < 0.01, name
    status, out, _ = _run(capsys, "calibrate", *SMALL, "--strategy", "random", "--share", "0.6", "--share", "0.4")
    assert status == 0 and "target" in out and "achieved" in out and "40.0%" in out
    assert "sum to" in _refused(capsys, "calibrate", *SMALL, "--share", "0.6", "--share", "0.6")
    assert "--share" in _refused(capsys, "calibrate", *SMALL)


def test_a_fixed_export_needs_only_its_own_models_key_and_a_distinct_entry_point(capsys, tmp_path):
    data = load_scenario("customer-support").with_queries(500).model_dump(mode="json")
    data["models"][1]["key"] = "acme-finetune-v2"  # priced in the scenario, unknown to litellm
    path = tmp_path / "own.yaml"
    path.write_text(yaml.safe_dump(data))
    status, out, _ = _run(capsys, "export", "litellm", "--scenario", str(path), "--strategy", "always-cheapest")
    assert status == 0 and yaml.safe_load(out)["model_list"][0]["litellm_params"]["model"] == "gpt-4o-mini"
    for strategy in ("always-strongest", "length"):
        err = _refused(
            capsys, "export", "litellm", "--scenario", str(path), "--strategy", strategy, "-o", str(tmp_path / "c.yaml")
        )
        assert "'acme-finetune-v2' is not a litellm model key" in err
    err = _refused(
        capsys, "export", "litellm", "--scenario", str(path), "--strategy", "always-strongest",
        "--api-key-env", "acme-finetune-v2=ACME_KEY",
    )  # fmt: skip
    assert "not a litellm model key" in err  # naming its key variable does not make litellm able to call it
    assert "other than a model key" in _refused(
        capsys, "export", "litellm", *SMALL, "--strategy", "litellm-complexity", "--router-name", "gpt-4o"
    )
