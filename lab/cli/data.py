"""`routing-lab import` and `routing-lab data`: recorded outcomes into the lab (a public set or the user's log,
checked and written as a scenario replaying them), and the public data directory's status and download."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lab.core.errors import LabError


def add_parsers(sub) -> None:
    """The import and data subcommands."""
    imp = sub.add_parser(
        "import", help="check recorded outcomes (a public set or your log) and write a scenario replaying them"
    )
    imp.add_argument(
        "source_format",
        metavar="FORMAT",
        help="routellm-mmlu, routellm-gsm8k, routellm-mt-bench, routerarena, routerbench or outcomes",
    )
    imp.add_argument(
        "path", metavar="PATH", help="the data directory for a public set, else the file (.csv, .jsonl, .parquet)"
    )
    imp.add_argument("-o", "--output", default=None, help="write the scenario YAML here (default: print it)")

    data = sub.add_parser("data", help="the public outcome data: status, or download from the pinned upstream commits")
    data.add_argument("action", choices=["status", "download"])
    data.add_argument("--data-dir", default=None, help="folder for the data (else $ROUTING_LAB_DATA or the user cache)")
    data.add_argument(
        "--set", dest="sets", action="append", default=None, help="one public set (repeatable; default: all)"
    )


def import_command(args: argparse.Namespace) -> int:
    """Check a source and print (or write) the scenario replaying it."""
    from lab.sources.replay.importer import import_source

    imported = import_source(args.source_format, args.path)
    if args.output is None:
        print(imported.yaml_text, end="")
        return 0
    out = Path(args.output)
    try:
        out.write_text(imported.yaml_text, encoding="utf-8")
    except OSError as exc:
        raise LabError(f"cannot write {out} ({exc.strerror or exc.__class__.__name__})") from None
    print("\n".join(imported.summary()))
    data_dir = f" --data-dir {args.path}" if imported.scenario.replay.path is None else ""
    print(f"wrote {out}: run `routing-lab simulate --scenario {out}{data_dir}`")
    return 0


def data_command(args: argparse.Namespace) -> int:
    """Download the public sets (if asked), then say which files are there, missing or changed."""
    from lab.sources.datadir import DATA_SETS, download, set_files, status

    if args.action == "download":
        report = download(args.data_dir, args.sets, progress=lambda line: print(line, file=sys.stderr))
        print(
            f"{report.data_dir}: {len(report.fetched)} file(s) fetched and sha256-checked, {len(report.already_ok)} already there"
        )
    where, files = status(args.data_dir, args.sets)
    print(f"data directory: {where.path} ({where.origin})")
    for name in args.sets or DATA_SETS:
        mine = [f for f in files if f.path in set(set_files(name))]
        states = {state: sum(f.state == state for f in mine) for state in ("ok", "missing", "changed")}
        verdict = "ready" if states["ok"] == len(mine) else "incomplete: run `routing-lab data download`"
        print(
            f"  {name}: {states['ok']}/{len(mine)} files ok, {states['missing']} missing, {states['changed']} changed ({verdict})"
        )
    return 0
