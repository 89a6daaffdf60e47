"""A whole live session with a canary key: the key reaches the endpoint and nowhere else.

The key is given the way users give it (an environment variable named by --api-key-env); the
session runs, is resumed, imported, simulated, exported (LiteLLM config, snapshot, decisions), and ends with a server that refuses the key and
echoes it back. Every file written, stdout, stderr and every log record are searched for it.
"""

from __future__ import annotations

import logging

from lab.cli import main
from tests.lab.live.test_command import _prices, _prompts

CANARY = "sk-canary-7f3b9c1e5d2a4680"


def test_the_key_is_sent_but_never_shown_logged_written_or_exported(loopback, tmp_path, capsys, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ROUTING_LAB_TEST_KEY", CANARY)
    server = loopback()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # anything written to the working directory is searched too
    log = work / "run.jsonl"
    base = ["live", "run", "--prompts", str(_prompts(work, 4)), "--models", "openai/cheap,openai/strong"]
    base += ["--api-base", server.base_url, "--api-key-env", "ROUTING_LAB_TEST_KEY", *_prices(), "--budget-usd", "1"]
    outputs = []
    assert main([*base, "-o", str(log), "--sample", "2"]) == 0  # with the progress bar on
    assert main([*base, "-o", str(log), "--no-progress"]) == 0  # resumed
    assert main(["import", "outcomes", str(log), "-o", str(work / "live.yaml")]) == 0
    assert main(["simulate", "--scenario", str(work / "live.yaml"), "--strategy", "cascade", "--format", "json"]) == 0
    exports = (("litellm", "config.yaml", "litellm-complexity"), ("snapshot", "snapshot.yaml", "cascade"))
    for what, name, strategy in (*exports, ("decisions", "decisions.csv", "llm-router")):
        argv = ["export", what, "--scenario", str(work / "live.yaml"), "--strategy", strategy, "-o", str(work / name)]
        assert main(argv) == 0, what
    outputs.append(capsys.readouterr())
    server.set_schedule(["401"])
    assert main([*base, "-o", str(work / "refused.jsonl"), "--no-progress"]) == 2
    refused = capsys.readouterr()
    outputs.append(refused)
    assert "refused the key" in refused.err

    sent = [r["headers"].get("authorization", "") for r in server.log.requests]
    assert sent and all(CANARY in header for header in sent)  # the endpoint did get the key
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"run.jsonl", "run.calls.jsonl", "live.yaml", "refused.jsonl", "config.yaml"}
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), path
    for captured in outputs:
        assert CANARY not in captured.out and CANARY not in captured.err
    assert CANARY not in caplog.text
    assert all(CANARY not in str(record.args) for record in caplog.records)
