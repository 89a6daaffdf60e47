"""`routing-lab live estimate|run` against the loopback server, and its answers to bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from lab.cli import main
from tests.lab.live.conftest import PRICES


def _prices() -> list[str]:
    out = []
    for name, (price_in, price_out) in PRICES.items():
        out += ["--price", f"openai/{name}={price_in * 1e6:g}/{price_out * 1e6:g}"]
    return out


def _prompts(tmp_path, n: int = 6):
    path = tmp_path / "prompts.csv"
    lines = ["id,text,category,reference"] + [f"p{i},What is {i} + {i}?,math,{2 * i}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _argv(server, tmp_path, action="run", *extra, n=6):
    argv = ["live", action, "--prompts", str(_prompts(tmp_path, n)), "--models", "openai/cheap,openai/strong"]
    argv += ["--api-base", server.base_url, *_prices(), "--no-progress", "--timeout", "2"]
    return argv + list(extra)


def _one_line_error(capsys, argv) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_estimate_prints_expected_and_worst_case_and_sends_nothing(loopback, tmp_path, capsys):
    server = loopback()
    assert main(_argv(server, tmp_path, "estimate", "--budget-usd", "1")) == 0
    out = capsys.readouterr().out
    assert "worst case" in out and "answer openai/strong" in out and "covers the worst case" in out
    assert server.log.requests == []


def test_a_dry_run_prints_the_estimate_and_sends_nothing(loopback, tmp_path, capsys):
    server = loopback()
    assert main(_argv(server, tmp_path, "run", "--budget-usd", "1", "--dry-run")) == 0
    out = capsys.readouterr().out
    assert "dry run: nothing was sent" in out
    total = next(line.split() for line in out.splitlines() if line.strip().startswith("total"))
    expected_usd, worst_usd = (float(value.lstrip("$").replace(",", "")) for value in total[-2:])
    assert 0 < expected_usd < worst_usd  # the whole run's expected and worst-case cost, before anything is sent
    assert server.log.requests == []
    assert not (tmp_path / "run.jsonl").exists()


def test_a_run_writes_a_log_that_imports_and_simulates_with_recorded_signals(loopback, tmp_path, capsys):
    server = loopback()
    log = tmp_path / "run.jsonl"
    assert main(_argv(server, tmp_path, "run", "--budget-usd", "1", "-o", str(log))) == 0
    out = capsys.readouterr().out
    assert "finished: 6 of 6 queries written" in out and "judge $0.000000" in out
    scenario = tmp_path / "live.yaml"
    assert main(["import", "outcomes", str(log), "-o", str(scenario)]) == 0
    capsys.readouterr()
    assert main(["simulate", "--scenario", str(scenario), "--strategy", "llm-router", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["simulated_signal"] is None  # the recorded router, not a simulated one
    assert payload["n_queries"] == 6


def test_the_progress_bar_shows_calls_cost_and_budget_left(loopback, tmp_path, capsys):
    server = loopback()
    argv = [
        a
        for a in _argv(server, tmp_path, "run", "--budget-usd", "1", "-o", str(tmp_path / "r.jsonl"))
        if a != "--no-progress"
    ]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "calls" in err and "spent $" in err and "left $" in err


def test_an_unreachable_endpoint_is_one_line_naming_the_host_and_finished_rows_stay(loopback, tmp_path, capsys):
    server = loopback()
    log = tmp_path / "run.jsonl"
    assert main(_argv(server, tmp_path, "run", "--budget-usd", "1", "-o", str(log), n=3)) == 0
    capsys.readouterr()
    server.stop()
    line = _one_line_error(
        capsys, _argv(server, tmp_path, "run", "--budget-usd", "1", "-o", str(log), "--max-attempts", "2", n=5)
    )
    assert f"127.0.0.1:{server.port}" in line and "cannot reach" in line and "3 finished rows kept" in line
    rows = [json.loads(x) for x in log.read_text().splitlines()]
    assert sum("routing_lab_run" not in r for r in rows) == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (["--models", "openai/cheap,gpt-4o-mni"], "closest known keys: gpt-4o-mini"),
        (["--models", "openai/cheap,openai/unpriced"], "--price openai/unpriced=IN/OUT"),
        (["--budget-usd", "0"], "--budget-usd: 0 is out of range"),
        (["--budget-usd", "-3"], "out of range"),
        (["--sample", "50"], "--sample 50 is larger than the 6 queries"),
        (["--price", "openai/cheap=free"], "--price"),
        (["--concurrency", "0"], "--concurrency"),
        (["--sample", "0"], "--sample"),
        (["--api-base", "openai/cheap=ftp://x"], "http(s) URL"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(loopback, tmp_path, capsys, change, expected):
    server = loopback()
    argv = _argv(server, tmp_path, "run", "--budget-usd", "1", "-o", str(tmp_path / "x.jsonl"))
    for option in change[::2]:
        if option in argv and option not in ("--price", "--api-base"):
            at = argv.index(option)
            del argv[at : at + 2]
    argv += change
    assert expected in _one_line_error(capsys, argv)
    assert server.log.requests == []


def test_a_prompts_file_without_a_text_column(tmp_path, capsys):
    prompts = tmp_path / "p.csv"
    prompts.write_text("question,answer\nWhat is 1+1?,2\n")
    argv = ["live", "run", "--prompts", str(prompts), "--models", "gpt-4o-mini,gpt-4o", "--budget-usd", "1", "-o", "x"]
    line = _one_line_error(capsys, argv)
    assert "has no 'text' column" in line and "question, answer" in line


def test_queries_without_references_need_a_judge(loopback, tmp_path, capsys):
    server = loopback()
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"text": "Tell me a joke"}\n')
    argv = [
        "live",
        "run",
        "--prompts",
        str(prompts),
        "--models",
        "openai/cheap,openai/strong",
        "--api-base",
        server.base_url,
    ]
    argv += [*_prices(), "--budget-usd", "1", "-o", str(tmp_path / "x.jsonl"), "--no-progress"]
    assert "--judge" in _one_line_error(capsys, argv)


def test_ctrl_c_keeps_every_finished_row_and_a_rerun_continues_without_paying_twice(loopback, tmp_path):
    """A real SIGINT to `routing-lab live run` in its own process: exit 130, no traceback, the rows and calls kept."""
    server = loopback(latency_ms=150)
    log = tmp_path / "run.jsonl"
    argv = _argv(server, tmp_path, "run", "--budget-usd", "1", "-o", str(log), "--concurrency", "1", n=40)
    repo = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lab.cli", *argv], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while len(_row_dicts(log)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = (stream.decode() for stream in proc.communicate(timeout=60))
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Traceback" not in out
    assert "cancelled: every finished call is kept" in out
    finished = {row["text"] for row in _row_dicts(log)}
    assert 2 <= len(finished) < 40
    before = _answer_calls(server)
    server.latency_ms = 5
    assert main(argv) == 0  # the same command continues the log
    assert len(_row_dicts(log)) == 40
    after = _answer_calls(server)
    assert all(after[text] == before[text] == 2 for text in finished)  # no finished query was paid for twice


def _answer_calls(server) -> Counter:
    """Answer calls the server received, per question (the answer call asks for log-probabilities)."""
    return Counter(r["body"]["messages"][-1]["content"] for r in server.log.requests if r["body"].get("logprobs"))


def _row_dicts(log: Path) -> list[dict]:
    if not log.exists():
        return []
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip().endswith("}")]
    return [row for row in rows if "routing_lab_run" not in row]
