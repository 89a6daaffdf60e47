"""The `routing-lab` command: start the app, or simulate, sweep and list without a browser.

Every user-fixable problem is a LabError, printed as one line on stderr with exit status 2; so is a
usage error (argparse's, through _Parser), and every numeric option states its range in --help.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from lab._paths import SERVER_FILE  # st.App around app.py (the checkout's, or the installed copy)
from lab.core.errors import LabError
from lab.core.limits import MAX_QUERIES, MAX_SEED, MAX_SWEEP_POINTS, MIN_QUERIES, MIN_SWEEP_POINTS


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line on stderr (`routing-lab: ...`) with exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print the problem as one line and exit with status 2 (no usage block)."""
        self.exit(2, f"routing-lab: {message}\n")


def _shown(bound: float) -> str:
    return f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"


def ranged(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a `kind` read from the text and within [low, high] (NaN never is)."""
    noun = "an integer" if kind is int else "a number"
    span = f"give {noun} from {_shown(low)} to {_shown(high)}"

    def parse(text: str) -> float:
        shown = text if len(text) <= 40 else text[:40] + "…"
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"'{shown}' is not {noun}; {span}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{shown} is out of range; {span}")
        return value

    return parse


def add_ranged(
    parser: argparse.ArgumentParser, flag: str, kind: type[int] | type[float], low: float, high: float, help: str, **kw
) -> None:
    """Add a numeric option whose range is stated in --help and checked when parsed (outside it: one line, exit 2)."""
    parser.add_argument(flag, type=ranged(kind, low, high), help=f"{help} ({_shown(low)} to {_shown(high)})", **kw)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="routing-lab", description="Routing Lab: see when LLM model routing saves money and when it breaks."
    )
    sub = parser.add_subparsers(dest="command")

    app = sub.add_parser("app", help="start the Streamlit app (the default with no command)")
    add_ranged(app, "--port", int, 1, 65_535, "the port to serve on", default=None)
    app.add_argument("--headless", action="store_true", help="do not open a browser")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--scenario", default="customer-support", help="built-in scenario name or a YAML file")
        p.add_argument("--strategy", default=None, help="strategy name (see `routing-lab list strategies`)")
        add_ranged(p, "--seed", int, 0, MAX_SEED, "override the scenario's seed", default=None)
        add_ranged(
            p,
            "--queries",
            int,
            MIN_QUERIES,
            MAX_QUERIES,
            "number of synthetic queries; a size this machine's memory cannot hold is refused up front",
            default=None,
        )
        p.add_argument(
            "--data-dir", default=None, help="folder with the public data sets (else $ROUTING_LAB_DATA or the cache)"
        )

    sim = sub.add_parser("simulate", help="route one scenario with one strategy and print the figures")
    common(sim)
    add_ranged(sim, "--threshold", float, 0.0, 1.0, "one per tier boundary", action="append", default=None)
    sim.add_argument("--format", choices=["table", "json"], default="table")
    sim.add_argument(
        "--inject",
        action="append",
        default=None,
        metavar="NAME=SEVERITY",
        help="inject a failure at a severity from 0 to 1 (repeatable; see `routing-lab list failures`); "
        "adds clean and delta blocks",
    )
    sim.add_argument(
        "--config",
        default=None,
        metavar="FILE",
        help="run a snapshot again (`routing-lab export snapshot`): its scenario, strategy, thresholds, failures, seed",
    )

    sw = sub.add_parser("sweep", help="sweep thresholds from always-cheapest to always-strongest")
    common(sw)
    add_ranged(sw, "--points", int, MIN_SWEEP_POINTS, MAX_SWEEP_POINTS, "thresholds swept", default=201)
    sw.add_argument("--format", choices=["table", "json", "csv"], default="table")

    ls = sub.add_parser("list", help="list scenarios or strategies")
    ls.add_argument("what", choices=["scenarios", "strategies", "failures"])

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
    ex = sub.add_parser(
        "export", help="write what the lab measured for production: a LiteLLM config, a snapshot, or a decisions CSV"
    )
    ex.add_argument(
        "what",
        choices=["litellm", "snapshot", "decisions"],
        help="litellm: a config LiteLLM routes with as measured; snapshot: this view as YAML (`simulate --config`); "
        "decisions: each query's route as CSV",
    )
    common(ex)
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
    common(cal)
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
    live = sub.add_parser(
        "live",
        help="call real models through litellm on a sample of queries, inside a hard budget; write an outcome log",
    )
    from lab.live.command import add_arguments as live_arguments

    live_arguments(live, add_ranged)

    ws = sub.add_parser("workshop", help="check a workshop file: every goal unmet at its start, met at its solution")
    ws.add_argument("action", choices=["check"])
    ws.add_argument("workshop", nargs="?", default="default", help="a built-in workshop name or a YAML file")
    ws.add_argument("--data-dir", default=None, help="folder with the public data sets (replayed exercises)")
    return parser


def _live(args: argparse.Namespace) -> int:
    """`routing-lab live estimate|run` (lab.live.command): its exit status."""
    from lab.live.command import live_command

    return live_command(args)


def _workshop(args: argparse.Namespace) -> int:
    """Validate a workshop and check every exercise against the engine; 1 when one is not honest."""
    from lab.workshop.exercises import load_workshop
    from lab.workshop.measure import exercise_experiment, goal_status, stage

    workshop = load_workshop(args.workshop)
    dishonest = skipped = 0
    for k, exercise in enumerate(workshop.exercises, start=1):
        try:
            experiment = exercise_experiment(exercise, args.data_dir)
        except LabError as exc:  # e.g. a replay without the public data: say so, check the rest
            print(f"skip\t{k}. {exercise.id}: {exc}")
            skipped += 1
            continue
        at_start = goal_status(exercise, stage(experiment, exercise.start))
        solved = goal_status(exercise, stage(experiment, exercise.solution_view))
        honest = not at_start.met and solved.met
        dishonest += not honest
        problem = (
            "" if honest else (" (goal already met at the start)" if at_start.met else " (solution misses the goal)")
        )
        print(f"{'ok' if honest else 'FAIL'}\t{k}. {exercise.id}{problem}")
        print(f"\tstart: {at_start.summary()}\n\tsolution: {solved.summary()}")
    checked = len(workshop.exercises) - skipped
    print(f"{checked - dishonest} of {checked} exercises checked ok, {skipped} skipped ({workshop.minutes} minutes)")
    return 1 if dishonest else 0


def _import(args: argparse.Namespace) -> None:
    from lab.sources.replay.importer import import_source

    imported = import_source(args.source_format, args.path)
    if args.output is None:
        print(imported.yaml_text, end="")
        return
    out = Path(args.output)
    try:
        out.write_text(imported.yaml_text, encoding="utf-8")
    except OSError as exc:
        raise LabError(f"cannot write {out} ({exc.strerror or exc.__class__.__name__})") from None
    print("\n".join(imported.summary()))
    data_dir = f" --data-dir {args.path}" if imported.scenario.replay.path is None else ""
    print(f"wrote {out}: run `routing-lab simulate --scenario {out}{data_dir}`")


def _data(args: argparse.Namespace) -> None:
    from lab.sources.datadir import DATA_SETS, download, status

    if args.action == "download":
        report = download(args.data_dir, args.sets, progress=lambda line: print(line, file=sys.stderr))
        print(
            f"{report.data_dir}: {len(report.fetched)} file(s) fetched and sha256-checked, {len(report.already_ok)} already there"
        )
    where, files = status(args.data_dir, args.sets)
    print(f"data directory: {where.path} ({where.origin})")
    for name in args.sets or DATA_SETS:
        from lab.sources.datadir import set_files

        mine = [f for f in files if f.path in set(set_files(name))]
        states = {state: sum(f.state == state for f in mine) for state in ("ok", "missing", "changed")}
        verdict = "ready" if states["ok"] == len(mine) else "incomplete: run `routing-lab data download`"
        print(
            f"  {name}: {states['ok']}/{len(mine)} files ok, {states['missing']} missing, {states['changed']} changed ({verdict})"
        )


def _scenario(args: argparse.Namespace):
    from lab.core.scenario import load_scenario

    scenario = getattr(args, "snapshot_scenario", None) or load_scenario(args.scenario)
    if args.seed is not None:
        scenario = scenario.model_copy(update={"seed": args.seed})
    if args.queries is not None:
        scenario = scenario.with_queries(args.queries)
    return scenario


def _experiment(args: argparse.Namespace, points: int = 0):
    """The experiment the options ask for; a synthetic size this machine cannot hold is refused before building it."""
    from lab.core.limits import check_size
    from lab.core.scenario import SyntheticSource
    from lab.sources.loader import load_experiment

    scenario = _scenario(args)
    if isinstance(scenario.source, SyntheticSource):
        strategy = args.strategy or scenario.defaults.strategy
        injected = bool(getattr(args, "inject", None))
        check_size(scenario.source.n_queries, len(scenario.models), points, strategy == "classifier", injected)
    return load_experiment(scenario, data_dir=args.data_dir)


def simulate_payload(args: argparse.Namespace) -> dict:
    """simulate's figures as a JSON-ready dict."""
    from lab.core.experiment import run, signals_for, thresholds_for
    from lab.core.routing import check_thresholds
    from lab.failures.registry import parse_injection

    if getattr(args, "config", None):
        args = _from_snapshot(args)
    injections = dict(parse_injection(text) for text in args.inject or [])  # before any work: a typo fails at once
    experiment = _experiment(args)
    strategy = args.strategy or experiment.scenario.defaults.strategy
    signals = signals_for(experiment, strategy)
    thresholds = check_thresholds(thresholds_for(experiment, strategy, args.threshold), experiment.queries.n_models)
    if injections:
        return _injected_payload(
            experiment, signals, thresholds, injections, retune=None if not args.threshold else False
        )
    _, summary = run(experiment, signals, thresholds)
    return _run_payload(experiment, signals, summary)


def _run_payload(experiment, signals, summary) -> dict:
    payload = {"scenario": experiment.scenario.name, **summary.model_dump()}
    payload["simulated_signal"] = signals.description if signals.simulated else None
    payload["notes"] = list(experiment.notes)  # provenance, drops and assumptions of replayed data
    return payload


def _injected_payload(experiment, signals, thresholds, injections: dict[str, float], retune: bool | None) -> dict:
    """The injected run at the top level, the clean run in `clean`, injected minus clean in `delta` (same keys)."""
    from lab.failures.clean_vs_injected import compare, payload_difference

    comparison = compare(experiment, signals, injections, thresholds, retune=retune)
    clean = _run_payload(experiment, signals, comparison.clean)
    top = _run_payload(comparison.world.experiment, comparison.world.signals, comparison.injected)
    top["notes"] += list(comparison.notes)
    delta = {**payload_difference(top, clean), **comparison.delta}  # paired bootstrap intervals of the difference
    return {**top, "failures": injections, "clean": clean, "delta": delta}


def sweep_payload(args: argparse.Namespace) -> dict:
    """sweep's points and summaries as a JSON-ready dict."""
    from lab.core.experiment import signals_for, sweep_for

    experiment = _experiment(args, points=args.points)
    strategy = args.strategy or experiment.scenario.defaults.strategy
    result = sweep_for(experiment, signals_for(experiment, strategy), points=args.points)
    points = [
        {
            "threshold": [float(t) for t in th] if len(th) > 1 else float(th[0]),
            "strong_share": float(s),
            "quality": float(q),
            "cost_per_query_usd": float(c),
            "pgr": float(g),
        }
        for th, s, q, c, g in zip(
            result.thresholds, result.strong_share, result.quality, result.cost_per_query_usd, result.pgr
        )
    ]
    return {
        "scenario": experiment.scenario.name,
        "strategy": strategy,
        "points": points,
        "apgr": result.apgr,
        "cpt50": result.cpt50,
        "cpt80": result.cpt80,
        "aiq": result.aiq,
    }


def strict_json(value):
    """`value` with every non-finite float (an undefined figure: PGR where the quality gap is 0) as None."""
    if isinstance(value, dict):
        return {key: strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(payload: dict) -> str:
    """The CLI's JSON: always valid JSON (null where a figure is undefined, never a bare NaN)."""
    return json.dumps(strict_json(payload), indent=2, allow_nan=False)


def _print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def _fmt_ci(ci: tuple[float, float], fmt: str) -> str:
    return f"[{format(ci[0], fmt)}, {format(ci[1], fmt)}]"


def _show_simulate(payload: dict, fmt: str) -> None:
    if fmt == "json":
        print(to_json(payload))
        return
    rows = [
        ("scenario", payload["scenario"]),
        ("strategy", payload["strategy"]),
        ("thresholds", ", ".join(f"{t:.3f}" for t in payload["thresholds"])),
        ("queries", f"{payload['n_queries']:,}"),
        ("quality", f"{payload['quality']:.4f} {_fmt_ci(payload['quality_ci'], '.4f')}"),
        ("quality retained", f"{payload['quality_retained']:.2%} {_fmt_ci(payload['quality_retained_ci'], '.2%')}"),
        ("call share", ", ".join(f"{k} {v:.1%}" for k, v in payload["call_share"].items())),
        ("cost per query", f"${payload['cost_per_query_usd']:.6f}"),
        (
            "monthly cost",
            f"${payload['monthly_cost_usd']:,.0f} {_fmt_ci(payload['monthly_cost_ci'], ',.0f')} vs ${payload['baseline_monthly_cost_usd']:,.0f} always-strongest",
        ),
        ("savings", f"{payload['savings']:.1%} {_fmt_ci(payload['savings_ci'], '.1%')}"),
        ("latency p50 / p95", f"{payload['latency_p50_ms']:,.0f} ms / {payload['latency_p95_ms']:,.0f} ms"),
    ]
    if payload.get("simulated_signal"):
        rows.append(("simulated", payload["simulated_signal"]))
    if "delta" in payload:
        c, d = payload["clean"], payload["delta"]
        rows += [
            ("injected", ", ".join(f"{name}={severity:g}" for name, severity in payload["failures"].items())),
            ("clean quality", f"{c['quality']:.4f}; change {d['quality']:+.4f} {_fmt_ci(d['quality_ci'], '+.4f')}"),
            (
                "clean cost per query",
                f"${c['cost_per_query_usd']:.6f}; change {d['cost_per_query_usd']:+.6f} {_fmt_ci(d['cost_per_query_ci'], '+.6f')}",
            ),
            ("clean latency p95", f"{c['latency_p95_ms']:,.0f} ms; change {d['latency_p95_ms']:+,.0f} ms"),
        ]
    rows += [("note", note) for note in payload.get("notes", [])]
    _print_table(rows)


def _show_sweep(payload: dict, fmt: str) -> None:
    if fmt == "json":
        print(to_json(payload))
        return
    if fmt == "csv":
        print("threshold,strong_share,quality,cost_per_query_usd,pgr")
        for p in payload["points"]:
            th = p["threshold"] if not isinstance(p["threshold"], list) else "|".join(str(t) for t in p["threshold"])
            print(
                f"{th},{p['strong_share']},{p['quality']},{p['cost_per_query_usd']},{'' if p['pgr'] is None else p['pgr']}"
            )
        return
    print(
        f"scenario {payload['scenario']}, strategy {payload['strategy']}: APGR {payload['apgr']:.3f}, "
        f"CPT(50%) {payload['cpt50']}, CPT(80%) {payload['cpt80']}, AIQ {payload['aiq']:.4f}"
    )
    print(f"{'threshold':>12} {'strong share':>12} {'quality':>8} {'$/query':>10}")
    step = max(1, len(payload["points"]) // 20)
    for p in payload["points"][::step]:
        th = p["threshold"] if not isinstance(p["threshold"], list) else max(p["threshold"])
        print(f"{th:>12.4f} {p['strong_share']:>12.3f} {p['quality']:>8.4f} {p['cost_per_query_usd']:>10.6f}")


def _from_snapshot(args: argparse.Namespace) -> argparse.Namespace:
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


def _export(args: argparse.Namespace) -> None:
    """`routing-lab export`: a LiteLLM config (and plugin), a snapshot, or a decisions CSV."""
    from lab.core.experiment import signals_for, thresholds_for
    from lab.core.routing import check_thresholds, route

    _check_threshold_range(args.threshold)
    if args.what == "snapshot":
        from lab.export.snapshot import snapshot_of, snapshot_yaml
        from lab.failures.registry import parse_injection

        payload = simulate_payload(args)  # the figures the snapshot reproduces
        failures = dict(parse_injection(text) for text in args.inject or [])
        snapshot = snapshot_of(_scenario(args), payload["strategy"], args.threshold, failures, payload)
        _write_or_print(args.output, snapshot_yaml(snapshot))
        return
    experiment = _experiment(args)
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
        return
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
        return
    out = Path(args.output)
    written = write_files({out.parent / name: text for name, text in exported.files(out.name).items()})
    print(f"wrote {', '.join(str(p) for p in written)}")
    print(f"start LiteLLM with `litellm --config {out}`; clients call model '{options.router_name}'")


def _calibrate(args: argparse.Namespace) -> None:
    """`routing-lab calibrate`: thresholds for a target share of calls per model, achieved beside target."""
    from lab.core.experiment import signals_for
    from lab.export.calibrate import calibrate_shares

    if not args.share:
        raise LabError("give the share of calls for each model, cheapest first: e.g. --share 0.7 --share 0.3")
    experiment = _experiment(args)
    strategy = args.strategy or experiment.scenario.defaults.strategy
    calibration = calibrate_shares(
        signals_for(experiment, strategy), experiment.queries, args.share, experiment.model_names
    )
    if args.format == "json":
        print(json.dumps({"scenario": experiment.scenario.name, **calibration.model_dump()}, indent=2))
        return
    print(f"scenario {experiment.scenario.name}, strategy {strategy}")
    width = max(len(name) for name in calibration.models)
    print(f"{'model':<{width}}  {'target':>7}  {'achieved':>8}")
    for name, target, achieved in zip(calibration.models, calibration.target, calibration.achieved):
        print(f"{name:<{width}}  {target:>7.1%}  {achieved:>8.1%}")
    print(f"thresholds  {', '.join(f'{t:.4f}' for t in calibration.thresholds)}")
    if calibration.note:
        print(f"note  {calibration.note}")


def _list(what: str) -> None:
    if what == "scenarios":
        from lab.core.scenario import builtin_scenarios, load_scenario

        for name in builtin_scenarios():
            scenario = load_scenario(name)
            print(f"{name}\t{scenario.title or scenario.description.strip().splitlines()[0]}")
    elif what == "failures":
        from lab.failures.registry import list_failures

        for mode in list_failures():
            print(f"{mode.name}\t{mode.title}; touches {', '.join(mode.touches)}; {mode.effect}")
    else:
        from lab.core.strategies import list_strategies

        for info in list_strategies():
            print(f"{info.name}\t{info.description}")
        print("always-<model>\tsend every query to the named model (its litellm key)")


def _start_app(port: int | None, headless: bool) -> int:
    """Replace this process with `python -m streamlit run server.py` (lab/ itself never imports streamlit)."""
    import os

    argv = [sys.executable, "-m", "streamlit", "run", str(SERVER_FILE)]
    if port is not None:
        argv += ["--server.port", str(port)]
    if headless:
        argv += ["--server.headless", "true"]
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `routing-lab` command."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), printed already
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.command in (None, "app"):
            return _start_app(getattr(args, "port", None), getattr(args, "headless", False))
        if args.command == "simulate":
            _show_simulate(simulate_payload(args), args.format)
        elif args.command == "sweep":
            _show_sweep(sweep_payload(args), args.format)
        elif args.command == "list":
            _list(args.what)
        elif args.command == "import":
            _import(args)
        elif args.command == "data":
            _data(args)
        elif args.command == "export":
            _export(args)
        elif args.command == "calibrate":
            _calibrate(args)
        elif args.command == "live":
            return _live(args)
        elif args.command == "workshop":
            return _workshop(args)
    except LabError as exc:
        print(f"routing-lab: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
