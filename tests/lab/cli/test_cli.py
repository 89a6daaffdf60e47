import contextlib
import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
        (["simulate", "--threshold", "1.5"], "argument --threshold: 1.5 is out of range; give a number from 0 to 1"),
        (["simulate", "--threshold", "-0.1"], "out of range; give a number from 0 to 1"),
        (["sweep", "--points", "1"], "argument --points: 1 is out of range; give an integer from 2 to 10,001"),
        (["simulate", "--queries", "-5"], "argument --queries: -5 is out of range; give an integer from 10 to"),
        (["simulate", "--seed", "-1"], "argument --seed: -1 is out of range; give an integer from 0 to 4,294,967,295"),
        (["simulate", "--queries", "2000000000"], "out of range; give an integer from 10 to 20,000,000"),
        (["sweep", "--points", "100000000"], "out of range; give an integer from 2 to 10,001"),
        (["simulate", "--queries", "1e5"], "'1e5' is not an integer"),
        (["simulate", "--threshold", "nan"], "nan is out of range"),
        (["app", "--port", "70000"], "give an integer from 1 to 65,535"),
        (["simulate", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["simulate", "--queries", "500", "--scenario", "routellm-mmlu"], "replays recorded data"),
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


@pytest.mark.parametrize("path", sorted((Path(__file__).parent / "golden").glob("*.json")), ids=lambda p: p.stem)
def test_every_recorded_json_output_parses_strictly(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    if "--format" in case["argv"] and case["argv"][case["argv"].index("--format") + 1] == "json":
        _strict_loads(case["stdout"])


def _numeric_actions():
    """Every option of every subcommand that reads a number, as (command, action)."""
    from lab.cli import _parser

    parser = _parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    return [
        (name, action)
        for name, sub in commands.items()
        for action in sub._actions
        if action.type is not None and action.type is not str and action.option_strings
    ]


def test_every_numeric_option_states_and_checks_its_range():
    numeric = _numeric_actions()
    flags = {(command, action.option_strings[0]) for command, action in numeric}
    assert {("simulate", "--queries"), ("simulate", "--seed"), ("simulate", "--threshold")} <= flags
    assert {("sweep", "--points"), ("sweep", "--queries"), ("app", "--port")} <= flags
    for command, action in numeric:
        assert action.type not in (int, float), f"{command} {action.option_strings[0]}: use add_ranged"
        low, high = re.search(r"\(([-\d,.]+) to ([-\d,.]+)\)$", action.help).groups()
        assert action.type(low.replace(",", "")) is not None and action.type(high.replace(",", "")) is not None


@pytest.fixture
def small_machine(monkeypatch):
    """A machine with 0.4 GB available: any size larger than a few hundred thousand queries is refused."""
    monkeypatch.setattr("lab.core.limits.available_bytes", lambda: 400_000_000)


def test_a_size_the_machine_cannot_hold_is_refused_before_anything_is_built(capsys, small_machine, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the query set was built")

    monkeypatch.setattr("lab.sources.loader.load_experiment", never)
    assert main(["simulate", "--queries", "20000000", "--strategy", "classifier"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert re.search(r"would need about [\d.]+ GB of memory; this machine has 400 MB available", err)
    assert "use at most" in err


_VALUES = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.integers(-3, 12).map(str),
    st.integers(2, 3_000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(-0.5, 1.5).map(str),
    st.sampled_from(["", "abc", "1e5", "0x10", " 7 ", "1_000", "-", "--", "٣"]),
)
_OPTIONS = [
    (["simulate"], "--queries"),
    (["simulate"], "--seed"),
    (["simulate"], "--threshold"),
    (["simulate"], "--inject", "noisy-judge={}"),
    (["sweep"], "--queries"),
    (["sweep"], "--seed"),
    (["sweep"], "--points"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    option=st.sampled_from(_OPTIONS),
    value=_VALUES,
    strategy=st.sampled_from(["length", "random", "oracle", "cascade", "llm-router", "classifier"]),
    scenario=st.sampled_from(["customer-support", "mixed-production"]),
)
def test_any_number_in_a_numeric_option_exits_0_or_2_with_one_line(option, value, strategy, scenario):
    command, flag, *template = option
    argv = [
        *command,
        "--scenario",
        scenario,
        "--strategy",
        strategy,
        flag,
        template[0].format(value) if template else value,
    ]
    if flag != "--queries":
        argv += ["--queries", "300"]
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        mp.setattr("lab.core.limits.available_bytes", lambda: 400_000_000)  # big in-range sizes are refused, fast
        code = main(argv)
    lines = err.getvalue().strip().splitlines()
    assert code in (0, 2), argv
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("routing-lab: "), (argv, lines)
    assert "Traceback" not in err.getvalue()


def test_port_values_parse_or_fail_in_one_line(capsys):
    from lab.cli import _parser

    assert _parser().parse_args(["app", "--port", "8501"]).port == 8501
    for bad in ("0", "65536", "-1", "http"):
        assert main(["app", "--port", bad]) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_help_exits_0(capsys):
    assert main(["sweep", "--help"]) == 0
    assert "(2 to 10,001)" in capsys.readouterr().out
