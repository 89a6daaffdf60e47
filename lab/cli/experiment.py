"""The experiment a command's options name (simulate, sweep, export, calibrate): the scenario with the seed and
size given, a snapshot's whole view (--config), and the size check before anything is built."""

from __future__ import annotations

import argparse

from lab.core.errors import LabError


def scenario_of(args: argparse.Namespace):
    """The scenario the options name (or a snapshot holds), with --seed and --queries applied."""
    from lab.core.scenario import load_scenario

    scenario = getattr(args, "snapshot_scenario", None) or load_scenario(args.scenario)
    if args.seed is not None:
        scenario = scenario.model_copy(update={"seed": args.seed})
    if args.queries is not None:
        scenario = scenario.with_queries(args.queries)
    return scenario


def experiment_of(args: argparse.Namespace, points: int = 0):
    """The experiment the options ask for; a synthetic size this machine cannot hold is refused before building it."""
    from lab.core.limits import check_size
    from lab.core.scenario import SyntheticSource
    from lab.core.strategies import strategy_info
    from lab.sources.loader import load_experiment

    scenario = scenario_of(args)
    if isinstance(scenario.source, SyntheticSource):
        strategy = args.strategy or scenario.defaults.strategy
        injected = bool(getattr(args, "inject", None))
        trains = strategy_info(strategy, scenario.models).trained
        check_size(scenario.source.n_queries, len(scenario.models), points, trains, injected)
    return load_experiment(scenario, data_dir=args.data_dir)


def from_snapshot(args: argparse.Namespace) -> argparse.Namespace:
    """simulate's arguments from a snapshot file (--config), which holds the whole view."""
    from lab.export.snapshot import load_snapshot

    given = [
        flag
        for flag, value in (
            ("--strategy", args.strategy),
            ("--threshold", args.threshold),
            ("--inject", args.inject),
            ("--seed", args.seed),
            ("--queries", args.queries),
        )
        if value
    ]
    if given:
        raise LabError(f"--config holds the whole view: drop {', '.join(given)} (or edit the snapshot)")
    snapshot = load_snapshot(args.config)
    return argparse.Namespace(
        **{
            **vars(args),
            "config": None,
            "snapshot_scenario": snapshot.scenario_model(args.config),
            "strategy": snapshot.strategy,
            "threshold": snapshot.thresholds,
            "inject": [f"{name}={severity!r}" for name, severity in snapshot.failures.items()] or None,
        }
    )
