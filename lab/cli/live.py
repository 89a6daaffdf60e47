"""`routing-lab live estimate|run`: real model calls through litellm inside a hard budget (lab.live.options holds
the options, lab.live.command the run; this module only registers them)."""

from __future__ import annotations

import argparse

from lab.cli.options import add_ranged
from lab.live.options import add_arguments


def add_parser(sub) -> None:
    """The live subcommand, with lab.live's options."""
    live = sub.add_parser(
        "live",
        help="call real models through litellm on a sample of queries, inside a hard budget; write an outcome log",
    )
    add_arguments(live, add_ranged)


def live_command(args: argparse.Namespace) -> int:
    """`routing-lab live estimate|run` (lab.live.command): its exit status."""
    from lab.live.command import live_command as run

    return run(args)
