"""`routing-lab simulate` and `routing-lab sweep`: route one scenario with one strategy and print its figures (with
failures injected beside the clean run), or sweep the thresholds from always-cheapest to always-strongest."""

from __future__ import annotations

import argparse

from lab.cli.experiment import experiment_of, from_snapshot
from lab.cli.options import add_ranged, add_scenario_options, fmt_ci, print_table, to_json
from lab.core.limits import MAX_SWEEP_POINTS, MIN_SWEEP_POINTS


def add_parsers(sub) -> None:
    """The simulate and sweep subcommands."""
    sim = sub.add_parser("simulate", help="route one scenario with one strategy and print the figures")
    add_scenario_options(sim)
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
    add_scenario_options(sw)
    add_ranged(sw, "--points", int, MIN_SWEEP_POINTS, MAX_SWEEP_POINTS, "thresholds swept", default=201)
    sw.add_argument("--format", choices=["table", "json", "csv"], default="table")


def simulate_payload(args: argparse.Namespace) -> dict:
    """simulate's figures as a JSON-ready dict."""
    from lab.core.experiment import run, signals_for, thresholds_for
    from lab.core.routing import check_thresholds
    from lab.failures.registry import parse_injection

    if getattr(args, "config", None):
        args = from_snapshot(args)
    injections = dict(parse_injection(text) for text in args.inject or [])  # before any work: a typo fails at once
    experiment = experiment_of(args)
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

    experiment = experiment_of(args, points=args.points)
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


def show_simulate(payload: dict, fmt: str) -> None:
    """Print simulate's figures as a table or JSON."""
    if fmt == "json":
        print(to_json(payload))
        return
    rows = [
        ("scenario", payload["scenario"]),
        ("strategy", payload["strategy"]),
        ("thresholds", ", ".join(f"{t:.3f}" for t in payload["thresholds"])),
        ("queries", f"{payload['n_queries']:,}"),
        ("quality", f"{payload['quality']:.4f} {fmt_ci(payload['quality_ci'], '.4f')}"),
        ("quality retained", f"{payload['quality_retained']:.2%} {fmt_ci(payload['quality_retained_ci'], '.2%')}"),
        ("call share", ", ".join(f"{k} {v:.1%}" for k, v in payload["call_share"].items())),
        ("cost per query", f"${payload['cost_per_query_usd']:.6f}"),
        (
            "monthly cost",
            f"${payload['monthly_cost_usd']:,.0f} {fmt_ci(payload['monthly_cost_ci'], ',.0f')} vs ${payload['baseline_monthly_cost_usd']:,.0f} always-strongest",
        ),
        ("savings", f"{payload['savings']:.1%} {fmt_ci(payload['savings_ci'], '.1%')}"),
        ("latency p50 / p95", f"{payload['latency_p50_ms']:,.0f} ms / {payload['latency_p95_ms']:,.0f} ms"),
    ]
    if payload.get("simulated_signal"):
        rows.append(("simulated", payload["simulated_signal"]))
    if "delta" in payload:
        c, d = payload["clean"], payload["delta"]
        rows += [
            ("injected", ", ".join(f"{name}={severity:g}" for name, severity in payload["failures"].items())),
            ("clean quality", f"{c['quality']:.4f}; change {d['quality']:+.4f} {fmt_ci(d['quality_ci'], '+.4f')}"),
            (
                "clean cost per query",
                f"${c['cost_per_query_usd']:.6f}; change {d['cost_per_query_usd']:+.6f} {fmt_ci(d['cost_per_query_ci'], '+.6f')}",
            ),
            ("clean latency p95", f"{c['latency_p95_ms']:,.0f} ms; change {d['latency_p95_ms']:+,.0f} ms"),
        ]
    rows += [("note", note) for note in payload.get("notes", [])]
    print_table(rows)


def show_sweep(payload: dict, fmt: str) -> None:
    """Print sweep's points as a table (every twentieth), CSV or JSON."""
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


def simulate_command(args: argparse.Namespace) -> int:
    """`routing-lab simulate`."""
    show_simulate(simulate_payload(args), args.format)
    return 0


def sweep_command(args: argparse.Namespace) -> int:
    """`routing-lab sweep`."""
    show_sweep(sweep_payload(args), args.format)
    return 0
