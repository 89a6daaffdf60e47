"""`routing-lab export` and `routing-lab calibrate`: what the lab measured, for production (a LiteLLM config and
its plugin, a snapshot of the view, each query's route as CSV), and thresholds for a target share per model."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lab.cli.experiment import experiment_of, scenario_of
from lab.cli.options import add_ranged, add_scenario_options
from lab.cli.simulate import simulate_payload
from lab.core.errors import LabError


def add_parsers(sub) -> None:
    """The export and calibrate subcommands."""
    ex = sub.add_parser(
        "export", help="write what the lab measured for production: a LiteLLM config, a snapshot, or a decisions CSV"
    )
    ex.add_argument(
        "what",
        choices=["litellm", "snapshot", "decisions"],
        help="litellm: a config LiteLLM routes with as measured; snapshot: this view as YAML (`simulate --config`); "
        "decisions: each query's route as CSV",
    )
    add_scenario_options(ex)
    add_ranged(ex, "--threshold", float, 0.0, 1.0, "one per tier boundary", action="append", default=None)
    ex.add_argument(
        "--inject", action="append", default=None, metavar="NAME=SEVERITY", help="a failure (snapshot, decisions)"
    )
    ex.add_argument("-o", "--output", default=None, help="file to write (default: print it); a plugin lands beside it")
    ex.add_argument(
        "--fallback", default="next-stronger", help="next-stronger, retry-then-next or no-fallback (litellm)"
    )
    add_ranged(ex, "--timeout", float, 0.1, 3600.0, "seconds per model call (litellm)", default=60.0)
    ex.add_argument("--router-name", default="routing-lab", help="the model name clients call (litellm)")
    ex.add_argument(
        "--api-key-env",
        action="append",
        default=None,
        metavar="MODEL=NAME",
        help="the variable holding a model's API key (litellm; default: the one LiteLLM reads for its provider)",
    )

    cal = sub.add_parser("calibrate", help="thresholds that send a target share of calls to each model")
    add_scenario_options(cal)
    add_ranged(
        cal,
        "--share",
        float,
        0.0,
        1.0,
        "share of calls for each model, cheapest first, summing to 1 (repeat once per model)",
        action="append",
        default=None,
    )
    cal.add_argument("--format", choices=["table", "json"], default="table")


def _check_threshold_range(thresholds: list[float] | None) -> None:
    for t in thresholds or []:
        if not 0.0 <= t <= 1.0:
            raise LabError(f"threshold {t} is outside [0, 1]; thresholds are scores in [0, 1]")


def _write_or_print(output: str | None, text: str) -> None:
    from lab.export.files import write_files

    if output is None:
        print(text, end="")
        return
    write_files({Path(output): text})
    print(f"wrote {output}", file=sys.stderr)


def export_command(args: argparse.Namespace) -> int:
    """`routing-lab export`: a LiteLLM config (and plugin), a snapshot, or a decisions CSV."""
    from lab.core.experiment import signals_for, thresholds_for
    from lab.core.routing import check_thresholds, route

    _check_threshold_range(args.threshold)
    if args.what == "snapshot":
        from lab.export.snapshot import snapshot_of, snapshot_yaml
        from lab.failures.registry import parse_injection

        payload = simulate_payload(args)  # the figures the snapshot reproduces
        failures = dict(parse_injection(text) for text in args.inject or [])
        snapshot = snapshot_of(scenario_of(args), payload["strategy"], args.threshold, failures, payload)
        _write_or_print(args.output, snapshot_yaml(snapshot))
        return 0
    experiment = experiment_of(args)
    strategy = args.strategy or experiment.scenario.defaults.strategy
    signals = signals_for(experiment, strategy)
    thresholds = check_thresholds(thresholds_for(experiment, strategy, args.threshold), experiment.queries.n_models)
    if args.what == "decisions":
        from lab.export.decisions import decisions_csv
        from lab.failures.injection import inject
        from lab.failures.registry import parse_injection

        failures = dict(parse_injection(text) for text in args.inject or [])
        if failures:
            world = inject(experiment, signals, failures)
            experiment, signals = world.experiment, world.signals
        result = route(signals, experiment.queries, thresholds)
        _write_or_print(args.output, decisions_csv(experiment.queries, signals, result, experiment.model_names))
        return 0
    from lab.export.files import write_files
    from lab.export.litellm_config import ExportOptions, litellm_export

    if args.inject:
        raise LabError("--inject applies to snapshots and decisions: a LiteLLM config holds no failure")
    keys = []
    for text in args.api_key_env or []:
        model, sep, name = text.partition("=")
        if not sep or not model or not name:
            raise LabError(f"--api-key-env {text}: write MODEL=NAME, e.g. gpt-4o-mini=MY_OPENAI_KEY")
        keys.append((model, name))
    options = ExportOptions(
        router_name=args.router_name, fallback=args.fallback, timeout_s=args.timeout, api_key_env=tuple(keys)
    )
    exported = litellm_export(experiment, strategy, thresholds, options)
    if args.output is None:
        if exported.plugin_params is not None:
            raise LabError(
                f"'{strategy}' exports a plugin module beside the config: give -o FILE (e.g. -o config.yaml)"
            )
        print(exported.config_text, end="")
        return 0
    out = Path(args.output)
    written = write_files({out.parent / name: text for name, text in exported.files(out.name).items()})
    print(f"wrote {', '.join(str(p) for p in written)}")
    print(f"start LiteLLM with `litellm --config {out}`; clients call model '{options.router_name}'")
    return 0


def calibrate_command(args: argparse.Namespace) -> int:
    """`routing-lab calibrate`: thresholds for a target share of calls per model, achieved beside target."""
    from lab.core.experiment import signals_for
    from lab.export.calibrate import calibrate_shares

    if not args.share:
        raise LabError("give the share of calls for each model, cheapest first: e.g. --share 0.7 --share 0.3")
    experiment = experiment_of(args)
    strategy = args.strategy or experiment.scenario.defaults.strategy
    calibration = calibrate_shares(
        signals_for(experiment, strategy), experiment.queries, args.share, experiment.model_names
    )
    if args.format == "json":
        print(json.dumps({"scenario": experiment.scenario.name, **calibration.model_dump()}, indent=2))
        return 0
    print(f"scenario {experiment.scenario.name}, strategy {strategy}")
    width = max(len(name) for name in calibration.models)
    print(f"{'model':<{width}}  {'target':>7}  {'achieved':>8}")
    for name, target, achieved in zip(calibration.models, calibration.target, calibration.achieved):
        print(f"{name:<{width}}  {target:>7.1%}  {achieved:>8.1%}")
    print(f"thresholds  {', '.join(f'{t:.4f}' for t in calibration.thresholds)}")
    if calibration.note:
        print(f"note  {calibration.note}")
    return 0
