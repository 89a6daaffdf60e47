import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lab.cli import main

SIMULATE_KEYS = {
    "scenario",
    "strategy",
    "thresholds",
    "n_queries",
    "quality",
    "quality_ci",
    "quality_retained",
    "call_share",
    "cost_per_query_usd",
    "monthly_cost_usd",
    "baseline_monthly_cost_usd",
    "savings",
    "latency_p50_ms",
    "latency_p95_ms",
}


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_simulate_json_has_every_documented_key(capsys):
    payload = _json(
        capsys,
        [
            "simulate",
            "--scenario",
            "customer-support",
            "--strategy",
            "cascade",
            "--threshold",
            "0.3",
            "--format",
            "json",
            "--queries",
            "2000",
        ],
    )
    assert set(payload) >= SIMULATE_KEYS
    assert payload["thresholds"] == [0.3] and payload["n_queries"] == 2000
    assert sum(payload["call_share"].values()) == pytest.approx(1.0)
    assert payload["quality_ci"][0] <= payload["quality"] <= payload["quality_ci"][1]
    assert payload["monthly_cost_usd"] < payload["baseline_monthly_cost_usd"]


def test_simulate_thresholds_move_the_strong_share(capsys):
    low = _json(
        capsys, ["simulate", "--strategy", "length", "--threshold", "0.2", "--format", "json", "--queries", "2000"]
    )
    high = _json(
        capsys, ["simulate", "--strategy", "length", "--threshold", "0.8", "--format", "json", "--queries", "2000"]
    )
    assert low["strong_share"] > high["strong_share"]
    assert low["cost_per_query_usd"] > high["cost_per_query_usd"]


def test_seed_changes_the_draws(capsys):
    a = _json(capsys, ["simulate", "--strategy", "random", "--format", "json", "--queries", "2000", "--seed", "1"])
    b = _json(capsys, ["simulate", "--strategy", "random", "--format", "json", "--queries", "2000", "--seed", "2"])
    assert a["quality"] != b["quality"]


def test_three_models_take_two_thresholds(capsys):
    payload = _json(
        capsys,
        [
            "simulate",
            "--scenario",
            "mixed-production",
            "--strategy",
            "classifier",
            "--threshold",
            "0.3",
            "--threshold",
            "0.6",
            "--format",
            "json",
            "--queries",
            "2000",
        ],
    )
    assert len(payload["call_share"]) == 3 and payload["thresholds"] == [0.3, 0.6]


def test_sweep_json_and_csv(capsys):
    payload = _json(
        capsys, ["sweep", "--strategy", "classifier", "--points", "11", "--format", "json", "--queries", "2000"]
    )
    assert {"points", "apgr", "cpt50", "cpt80", "aiq"} <= set(payload)
    assert len(payload["points"]) == 11
    assert {"threshold", "strong_share", "quality", "cost_per_query_usd"} <= set(payload["points"][0])
    assert main(["sweep", "--strategy", "random", "--points", "5", "--format", "csv", "--queries", "2000"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 5 and float(rows[0]["strong_share"]) == 0.0 and float(rows[-1]["strong_share"]) == 1.0


def test_table_output_is_readable(capsys):
    assert main(["simulate", "--queries", "2000"]) == 0
    out = capsys.readouterr().out
    assert "savings" in out and "$" in out and "%" in out


def test_list_prints_one_per_line_name_first(capsys):
    assert main(["list", "scenarios"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert {"customer-support", "coding-assistant", "mixed-production"} <= {line.split("\t")[0] for line in lines}
    assert main(["list", "strategies"]) == 0
    names = [line.split("\t")[0] for line in capsys.readouterr().out.strip().splitlines()]
    assert {"random", "oracle", "length", "classifier", "llm-router", "cascade"} <= set(names)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["simulate", "--scenario", "nope"], "unknown scenario"),
        (["simulate", "--strategy", "astrology"], "unknown strategy"),
        (["simulate", "--threshold", "1.5"], "outside [0, 1]"),
        (["simulate", "--threshold", "-0.1"], "outside [0, 1]"),
        (["sweep", "--points", "1"], "at least 2"),
    ],
)
def test_bad_input_is_one_line_on_stderr(capsys, argv, expected):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_bad_files_exit_nonzero_without_a_traceback(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nmodels: [\n")
    unknown_model = tmp_path / "unknown-model.yaml"
    unknown_model.write_text(
        "name: x\nmodels:\n  - {key: gpt-4o-mnii, ability: 1}\n  - {key: gpt-4o, ability: 2}\n"
        "source: {kind: synthetic, n_queries: 100, categories: [{name: a, family: chit_chat, share: 1, difficulty_mean: 0}]}\n"
    )
    for path, expected in ((broken, "not valid YAML"), (unknown_model, "closest known keys")):
        proc = subprocess.run(
            [sys.executable, "-m", "lab.cli", "simulate", "--scenario", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode != 0
        assert expected in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def _strict_loads(text: str):
    """json.loads that refuses NaN and Infinity (what a strict parser, e.g. JavaScript's JSON.parse, does)."""

    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_output_is_strict_json_with_null_where_a_figure_is_undefined(tmp_path, capsys):
    # both models answer every query equally well: the quality gap is 0, so PGR is undefined at every point
    log = tmp_path / "tie.csv"
    rows = ["text,quality:gpt-4o-mini,quality:gpt-4o"] + [f"question {i},{i % 2},{i % 2}" for i in range(40)]
    log.write_text("\n".join(rows) + "\n")
    scenario = tmp_path / "tie.yaml"
    assert main(["import", "outcomes", str(log), "-o", str(scenario)]) == 0
    capsys.readouterr()
    for argv in (
        ["sweep", "--scenario", str(scenario), "--strategy", "length", "--points", "5", "--format", "json"],
        ["simulate", "--scenario", str(scenario), "--strategy", "length", "--format", "json"],
        [
            "simulate",
            "--scenario",
            str(scenario),
            "--strategy",
            "length",
            "--inject",
            "traffic-drift=0.5",
            "--format",
            "json",
        ],
    ):
        assert main(argv) == 0
        payload = _strict_loads(capsys.readouterr().out)
        if argv[0] == "sweep":
            assert [point["pgr"] for point in payload["points"]] == [None] * 5


@pytest.mark.parametrize("path", sorted((Path(__file__).parent / "cli_golden").glob("*.json")), ids=lambda p: p.stem)
def test_every_recorded_json_output_parses_strictly(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    if "--format" in case["argv"] and case["argv"][case["argv"].index("--format") + 1] == "json":
        _strict_loads(case["stdout"])
