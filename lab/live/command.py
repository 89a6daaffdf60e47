"""`routing-lab live estimate|run`: build a plan from the command line, price it, run it with a progress bar.

Every bad input is a LabError (one line, exit status 2): an unknown model key names the closest
known keys, a model without a price asks for --price, a prompts file without a text column, a
budget of zero or below, a sample larger than the query set, an unreachable endpoint (after the
retries, with the finished rows kept).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from pydantic import ValidationError

from lab.core.errors import LabError
from lab.live.credentials import Credentials, redact
from lab.live.estimate import estimate_run
from lab.live.plan import LivePlan, LiveSettings, plan_from_options
from lab.live.queries import LiveQuery, queries_from_file, queries_from_scenario, sample_queries
from lab.live.runner import LiveRunner
from lab.live.summary import Progress, RunSummary


def build_plan(args: argparse.Namespace, budget_usd: float) -> LivePlan:
    """The plan the options describe; unknown keys and unpriced models are refused here, before any query is read."""
    keys = [k.strip() for k in args.models.split(",") if k.strip()]
    if len(keys) < 2:
        raise LabError(f"--models '{args.models}': name two or more litellm keys, cheapest first, comma-separated")
    try:
        settings = LiveSettings(
            budget_usd=budget_usd,
            concurrency=args.concurrency,
            max_tokens=args.max_tokens,
            timeout_s=args.timeout,
            max_attempts=args.max_attempts,
            seed=args.seed,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise LabError(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from None
    return plan_from_options(keys, settings, args.api_base, args.price, args.router_model, args.judge)


def load_queries(args: argparse.Namespace) -> tuple[list[LiveQuery], str]:
    """The queries the options name, sampled; a missing source or an oversized sample is a LabError."""
    if args.prompts:
        queries, source = queries_from_file(args.prompts), args.prompts
    elif args.scenario:
        queries, source = queries_from_scenario(args.scenario, args.data_dir)
        source = f"scenario {source}"
    else:
        raise LabError("name the queries to send: --prompts FILE or --scenario NAME")
    return sample_queries(queries, args.sample, args.seed, source), source


def _budget(args: argparse.Namespace, required: bool) -> float | None:
    if args.budget_usd is None:
        if required:
            raise LabError("--budget-usd is required for a run: the hard cap on what it may spend, e.g. --budget-usd 2")
        return None
    if not args.budget_usd > 0 or args.budget_usd != args.budget_usd or args.budget_usd == float("inf"):
        raise LabError(f"--budget-usd {args.budget_usd:g}: a budget must be a positive amount of USD, e.g. 2.50")
    return float(args.budget_usd)


def _progress_bar(total: int, enabled: bool) -> tuple[Callable[[Progress], None], Callable[[], None]]:
    if not enabled:
        return (lambda _p: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=total, unit="query", file=sys.stderr, dynamic_ncols=True, leave=True)

    def update(p: Progress) -> None:
        bar.total = p.queries_total
        bar.n = p.queries_done
        bar.set_postfix_str(
            f"calls {p.calls_done:,}, spent ${p.spent_usd:,.4f}, left ${p.left_usd:,.4f}", refresh=False
        )
        bar.refresh()

    return update, bar.close


def live_command(args: argparse.Namespace) -> int:
    """Run `routing-lab live estimate|run`; returns the exit status (bad input raises LabError)."""
    budget = _budget(args, required=args.action == "run" and not args.dry_run)
    plan = build_plan(args, budget if budget is not None else 1.0)
    queries, source = load_queries(args)
    estimate = estimate_run(plan, queries)
    if args.action == "estimate" or args.dry_run:
        print(f"queries: {source}, {len(queries):,} to send; models: {', '.join(m.key for m in plan.models)}")
        print(
            f"router: {plan.router.key if plan.router else 'none'}; judge: {plan.judge.key if plan.judge else 'none'}"
        )
        print("\n".join(estimate.lines(budget)))
        if args.dry_run:
            print("dry run: nothing was sent")
        return 0
    if args.output is None:
        raise LabError("-o FILE is required for a run: the outcome log to write (a rerun continues it)")
    credentials = Credentials.from_env(args.api_key_env)
    update, close = _progress_bar(len(queries), not args.no_progress)
    runner = LiveRunner(plan, queries, args.output, credentials, update)
    assert budget is not None
    print(
        f"{len(queries):,} queries from {source}; expected ${estimate.expected_usd:,.4f}; {estimate.budget_line(budget)}"
    )
    import asyncio

    interrupted = False
    try:
        summary = asyncio.run(runner.run())
    except KeyboardInterrupt:
        interrupted = True
        summary = runner.summary()
    except LabError:
        raise
    except Exception as exc:  # not the user's input: say what, keep what finished, no traceback
        close()
        so_far = runner.summary()
        raise LabError(
            redact(
                f"the run failed ({type(exc).__name__}: {exc}); {so_far.rows_in_log:,} finished rows kept in "
                f"{so_far.output}",
                credentials.secrets(),
            )
        ) from None
    finally:
        close()
    _print_summary(summary, credentials)
    if interrupted:
        return 130
    if summary.stop_reason == "endpoint":
        kept = f"; {summary.rows_in_log:,} finished rows kept in {summary.output} (rerun to continue)"
        print(f"routing-lab: {redact(summary.message, credentials.secrets())}{kept}", file=sys.stderr)
        return 2
    return 0


def _print_summary(summary: RunSummary, credentials: Credentials) -> None:
    for line in summary.lines():
        print(redact(line, credentials.secrets()))
    print(f"replay it: routing-lab import outcomes {summary.output} -o live.yaml")
