"""`routing-lab import` and `routing-lab data`: scenarios written from recorded outcomes, data status and download."""

from __future__ import annotations

import json
import urllib.error

import pandas as pd

from lab.cli import main
from lab.core.scenario import load_scenario


def _log(path):
    pd.DataFrame(
        {
            "text": [f"Please help with request {i}" + " in detail" * (i % 4) for i in range(40)],
            "quality:gpt-4o-mini": [i % 3 != 0 for i in range(40)],
            "quality:gpt-4o": [i % 7 != 0 for i in range(40)],
            "output_tokens:gpt-4o-mini": [100] * 40,
            "output_tokens:gpt-4o": [120] * 40,
        }
    ).to_csv(path, index=False)


def test_import_a_public_set_writes_a_runnable_scenario(data_dir, tmp_path, capsys):
    out = tmp_path / "gsm8k.yaml"
    assert main(["import", "routellm-gsm8k", str(data_dir), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1,307 queries" in printed and "12 prompts" in printed and "63.73%" in printed
    assert load_scenario(out).source.format == "routellm-gsm8k"
    assert (
        main(
            [
                "simulate",
                "--scenario",
                str(out),
                "--data-dir",
                str(data_dir),
                "--strategy",
                "always-strongest",
                "--format",
                "json",
            ]
        )
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert round(payload["quality"], 4) == 0.8577 and any("contamination" in n for n in payload["notes"])


def test_import_a_log_then_sweep_it(tmp_path, capsys):
    log = tmp_path / "mylog.csv"
    _log(log)
    out = tmp_path / "mine.yaml"
    assert main(["import", "outcomes", str(log), "-o", str(out)]) == 0
    scenario = load_scenario(out)
    assert scenario.source.path == str(log.resolve()) and [m.key for m in scenario.models] == ["gpt-4o-mini", "gpt-4o"]
    capsys.readouterr()
    assert main(["sweep", "--scenario", str(out), "--strategy", "oracle", "--points", "5", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["apgr"] > 0.5


def test_import_prices_unknown_models_from_recorded_cost_or_states_an_assumption(tmp_path, capsys):
    path = tmp_path / "rb.csv"
    pd.DataFrame(
        {
            "prompt": ["a b c", "d e f", "g h i"],
            "house-model-small": [1, 0, 1],
            "house-model-small|total_cost": [1e-5, 1e-5, 1e-5],
            "gpt-4-1106-preview": [1, 1, 0],
            "gpt-4-1106-preview|total_cost": [1e-3, 1e-3, 1e-3],
        }
    ).to_csv(path, index=False)
    assert main(["import", "routerbench", str(path)]) == 0
    text = capsys.readouterr().out
    assert "derived from the file's recorded cost" in text and "key: house-model-small" in text
    assert "typical_output_tokens" in text  # no responses: the assumed length is written where it can be edited


def test_import_of_a_bad_log_is_one_line(tmp_path, capsys):
    log = tmp_path / "bad.csv"
    log.write_text("text,quality:a,quality:b\nhello,yes please,1\n", encoding="utf-8")
    assert main(["import", "outcomes", str(log)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "row 1" in err and "quality:a" in err and "bad.csv" in err


def test_import_unknown_format(tmp_path, capsys):
    assert main(["import", "excel", str(tmp_path)]) == 2
    assert "unknown format" in capsys.readouterr().err


def test_data_status_and_offline_download(data_dir, tmp_path, capsys, monkeypatch):
    assert main(["data", "status", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert out.count("(ready)") == 4

    def offline(url):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr("lab.sources.datadir._fetch_url", offline)
    assert main(["data", "download", "--data-dir", str(tmp_path), "--set", "routerarena"]) == 2
    assert "offline" in capsys.readouterr().err


def test_replay_scenarios_without_data_point_to_the_download(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ROUTING_LAB_DATA", raising=False)
    assert main(["simulate", "--scenario", "routerarena", "--data-dir", str(tmp_path)]) == 2
    assert "routing-lab data download" in capsys.readouterr().err
