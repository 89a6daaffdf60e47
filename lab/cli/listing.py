"""`routing-lab list scenarios|strategies|failures`: one per line, the name, a tab, then what it is."""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    """The list subcommand."""
    ls = sub.add_parser("list", help="list scenarios or strategies")
    ls.add_argument("what", choices=["scenarios", "strategies", "failures"])


def list_command(args: argparse.Namespace) -> int:
    """Print the scenarios, strategies or failure modes."""
    if args.what == "scenarios":
        from lab.core.scenario import builtin_scenarios, load_scenario

        for name in builtin_scenarios():
            scenario = load_scenario(name)
            print(f"{name}\t{scenario.title or scenario.description.strip().splitlines()[0]}")
    elif args.what == "failures":
        from lab.failures.registry import list_failures

        for mode in list_failures():
            print(f"{mode.name}\t{mode.title}; touches {', '.join(mode.touches)}; {mode.effect}")
    else:
        from lab.core.strategies import list_strategies

        for info in list_strategies():
            print(f"{info.name}\t{info.description}")
        print("always-<model>\tsend every query to the named model (its litellm key)")
    return 0
