"""The CLI prints exactly what it printed before the house was regrouped (tests/lab/cli/golden/*.json).

Each file holds a command, its exit status and its standard output, recorded on the commit before lab/ was
split into subpackages. A deliberate change of a figure re-records the file in the same commit and says why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.cli import main

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))
REPLAYS = ("routellm", "routerarena")


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_the_cli_prints_what_it_printed_before(path, capsys, monkeypatch, request):
    case = json.loads(path.read_text(encoding="utf-8"))
    if any(arg.startswith(REPLAYS) for arg in case["argv"]):
        monkeypatch.setenv("ROUTING_LAB_DATA", str(request.getfixturevalue("data_dir")))
    assert main(case["argv"]) == case["exit"]
    assert capsys.readouterr().out.rstrip("\n") == case["stdout"]
