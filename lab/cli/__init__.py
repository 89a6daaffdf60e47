"""The `routing-lab` command: start the app, or simulate, sweep, list, import, export, calibrate, run live calls
and check workshops without a browser.

This package assembles the parser and dispatches; each command group is a module (app, simulate: simulate and
sweep, listing, data: import and data, export: export and calibrate, live, workshop) with its options and its
handler, and options.py holds what they share. Every user-fixable problem is a LabError, printed as one line on
stderr with exit status 2; so is a usage error (argparse's, through options.Parser), and every numeric option
states its range in --help. The command is on top of the house: it may import every subpackage of lab/.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from types import MappingProxyType

from lab.cli import app, data, export, listing, live, simulate, workshop
from lab.cli.options import Parser
from lab.core.errors import LabError

__all__ = ["main"]

HANDLERS: MappingProxyType[str, Callable[[argparse.Namespace], int]] = MappingProxyType(
    {
        "app": app.app_command,
        "simulate": simulate.simulate_command,
        "sweep": simulate.sweep_command,
        "list": listing.list_command,
        "import": data.import_command,
        "data": data.data_command,
        "export": export.export_command,
        "calibrate": export.calibrate_command,
        "live": live.live_command,
        "workshop": workshop.workshop_command,
    }
)


def _parser() -> argparse.ArgumentParser:
    """The whole command line: every subcommand in the order --help lists them."""
    parser = Parser(
        prog="routing-lab", description="Routing Lab: see when LLM model routing saves money and when it breaks."
    )
    sub = parser.add_subparsers(dest="command")
    app.add_parser(sub)
    simulate.add_parsers(sub)
    listing.add_parser(sub)
    data.add_parsers(sub)
    export.add_parsers(sub)
    live.add_parser(sub)
    workshop.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `routing-lab` command."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), printed already
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return HANDLERS[args.command or "app"](args)
    except LabError as exc:
        print(f"routing-lab: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
