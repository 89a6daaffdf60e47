"""The failure transforms: pure functions (world, severity in [0, 1], rng) -> world.

A World is the experiment and one strategy's signals (plus, where a failure needs them, the quality
the team measures and notes on what happened). Severity 0 returns the world unchanged, and every
transform reuses the draws already in the world and draws its own from a Generator that depends on
the scenario's seed and the failure's name only, never on the severity (common random numbers):
the difference between a clean and an injected run is the failure's alone, and a failure's effect
grows with its severity on nested sets of queries.

Failures that change the experiment (queries, prices, calls) rebuild what derives from it: the
CallTable, the Baselines (always-strongest costs more after a price rise; always-cheapest is served
by the fallback during an outage) and the strategy's path costs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from lab.core.calls import CallTable
from lab.core.classifier import cross_fit_scores
from lab.core.errors import LabError
from lab.core.experiment import signals_for
from lab.core.links import logit, sigmoid
from lab.core.metrics import baselines_of
from lab.core.queryset import QuerySet
from lab.core.recorded import rescore_recorded_confidence
from lab.core.strategies import cascade_confidence, length_scores, strategy_rng
from lab.failures.world import World

FAILED_ATTEMPT_MS = 1_000.0  # a failed call to a model (429 / 5xx, with backoff) before the fallback is tried
PADDING_TOKENS = 1_500  # a long system prompt added by one integration
MALFORMED_RATE_AT_FULL = 0.5  # share of router replies that cannot be parsed at severity 1
JUDGE_NOISE_AT_FULL = 0.6  # share of verdicts a noisy judge replaces with a lenient guess at severity 1
JUDGE_LENIENCY = 0.8  # P(a guessing judge says "good")
TUNING_TARGET_RETAINED = 0.95  # thresholds are tuned to retain this share of always-strongest quality
_SCORE_CLIP = 1e-4


def _rebuild(
    world: World, queries: QuerySet | None = None, models: tuple | None = None, calls: CallTable | None = None
) -> World:
    """The world over a changed experiment: baselines, path costs, cascade scores and fixed tiers follow."""
    old = world.experiment
    queries = old.queries if queries is None else queries
    calls = old.calls if calls is None else calls
    experiment = dataclasses.replace(
        old,
        queries=queries,
        models=old.models if models is None else tuple(models),
        calls=calls,
        baselines=baselines_of(queries, calls),
    )
    signals = world.signals
    if signals.trained:  # a trained classifier adds no call: its paths are the calls (and refitting is not a rebuild)
        signals = signals.replace(path_cost_usd=calls.cost_usd, path_latency_ms=calls.latency_ms)
    else:
        fresh = signals_for(experiment, signals.strategy)
        if signals.fixed_tier is not None:
            signals = fresh
        else:
            signals = signals.replace(path_cost_usd=fresh.path_cost_usd, path_latency_ms=fresh.path_latency_ms)
    world = world.replace(experiment=experiment, signals=signals)
    return _rescore_cascade(world, **signals.knobs) if signals.escalates else world


def _rescore_cascade(world: World, temperature: float, bias_logit: float, auroc: float) -> World:
    """The cascade's scores from its own draws under these scorer knobs."""
    signals = world.signals
    queries = world.experiment.queries
    knobs = world.experiment.scenario.signals.cascade
    m = queries.n_models
    if "recorded_confidence" in signals.draws:  # a live run's confidences (lab.core.recorded), rescored
        base = float(signals.draws["recorded_auroc"][0]) if len(queries.ids) else auroc
        confidence = rescore_recorded_confidence(
            signals.draws["recorded_confidence"], signals.draws["noise"], base, auroc, temperature, bias_logit
        )
    else:
        good = (queries.quality[:, : m - 1] >= knobs.pass_mark).astype(float)
        confidence = cascade_confidence(good, signals.draws["noise"], auroc, temperature, bias_logit)
    score = 1.0 - confidence
    description = signals.description.split("; injected:")[0] + (
        f"; injected: scorer AUROC {auroc:.2f}, temperature {temperature:.2f}, bias {bias_logit:+.2f} logits"
    )
    return world.replace(
        signals=signals.replace(
            score=score if m > 2 else score[:, 0],
            knobs={"auroc": auroc, "temperature": temperature, "bias_logit": bias_logit},
            description=description,
        )
    )


def _take_rows(world: World, index: np.ndarray) -> World:
    """The world where row i holds query index[i]: its outcomes, prices, signal and draws travel with it."""
    old = world.experiment
    queries = old.queries.take(index)
    calls = CallTable(old.calls.cost_usd[index], old.calls.latency_ms[index], old.calls.recorded_cost)
    s = world.signals
    signals = s.replace(
        score=s.score[index],
        path_cost_usd=s.path_cost_usd[index],
        path_latency_ms=s.path_latency_ms[index],
        fixed_tier=None if s.fixed_tier is None else s.fixed_tier[index],
        draws={k: v[index] for k, v in s.draws.items()},
    )
    experiment = dataclasses.replace(old, queries=queries, calls=calls, baselines=baselines_of(queries, calls))
    judged = None if world.judged_quality is None else world.judged_quality[index]
    return world.replace(experiment=experiment, signals=signals, judged_quality=judged)


def _clipped_logit(p: np.ndarray) -> np.ndarray:
    return logit(np.clip(p, _SCORE_CLIP, 1 - _SCORE_CLIP))


# --- the confidence scorer of a cascade ---------------------------------------------------------


def overconfident_scorer(world: World, severity: float, rng: np.random.Generator) -> World:
    # sharper (temperature down) and shifted up; the shift is scaled so the point where confidence
    # crosses 1/2 moves monotonically (by 2.5 x severity calibrated logits) as the severity grows
    k = world.signals.knobs
    shrink = 1 - 0.6 * severity
    return _rescore_cascade(world, k["temperature"] * shrink, k["bias_logit"] + 2.5 * severity / shrink, k["auroc"])


def underconfident_scorer(world: World, severity: float, rng: np.random.Generator) -> World:
    k = world.signals.knobs
    return _rescore_cascade(
        world, k["temperature"] * (1 + 2.0 * severity), k["bias_logit"] - 3.0 * severity, k["auroc"]
    )


def scorer_loses_discrimination(world: World, severity: float, rng: np.random.Generator) -> World:
    k = world.signals.knobs
    return _rescore_cascade(world, k["temperature"], k["bias_logit"], 0.5 + (k["auroc"] - 0.5) * (1 - severity))


# --- traffic ------------------------------------------------------------------------------------


def drift_mix(queries: QuerySet, tilt: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Categories, the drifted traffic mix (each category's share tilted toward those the cheapest model
    fails) and each query's category index."""
    names, index, counts = np.unique(queries.category.astype(str), return_inverse=True, return_counts=True)
    fails = np.bincount(index, weights=1.0 - queries.quality[:, 0], minlength=len(names)) / counts
    z = (fails - fails.mean()) / (fails.std() or 1.0)
    mix = counts * np.exp(tilt * z)
    return names, mix / mix.sum(), index.reshape(-1)


def traffic_drift(world: World, severity: float, rng: np.random.Generator) -> World:
    queries = world.experiment.queries
    n = queries.n_queries
    names, mix, category = drift_mix(queries)
    order = np.argsort(category, kind="stable")
    starts = np.searchsorted(category[order], np.arange(len(names) + 1))
    donor_category = rng.choice(len(names), size=n, p=mix)
    donor = order[
        starts[donor_category]
        + (rng.random(n) * (starts[donor_category + 1] - starts[donor_category])).astype(np.int64)
    ]
    replaced = rng.random(n) < severity
    index = np.where(replaced, donor, np.arange(n))
    hard = names[np.argsort(mix)[::-1][:3]]
    return _take_rows(world, index).noted(
        f"traffic drift: {replaced.mean():.0%} of queries now follow a mix tilted toward {', '.join(hard)}; thresholds stay as tuned"
    )


def prompt_padding(world: World, severity: float, rng: np.random.Generator) -> World:
    exp = world.experiment
    queries = exp.queries
    padded = rng.random(queries.n_queries) < severity
    pad = np.where(padded, PADDING_TOKENS, 0)
    price_in = np.array([spec.input_usd_per_token for spec in exp.models])
    calls = CallTable(
        exp.calls.cost_usd + pad[:, None] * price_in[None, :], exp.calls.latency_ms, exp.calls.recorded_cost
    )
    new_queries = dataclasses.replace(queries, prompt_tokens=queries.prompt_tokens + pad)
    world = _rebuild(world, queries=new_queries, calls=calls)
    if world.signals.ranks_prompt_tokens:  # ranked against the prompts its thresholds were tuned on
        world = world.replace(
            signals=world.signals.replace(score=length_scores(new_queries.prompt_tokens, queries.prompt_tokens))
        )
    return world.noted(
        f"prompt padding: {padded.mean():.0%} of requests carry a {PADDING_TOKENS:,}-token system prompt"
    )


# --- models: verbosity, prices, outages ---------------------------------------------------------


def verbose_cheap_model(world: World, severity: float, rng: np.random.Generator) -> World:
    exp = world.experiment
    queries = exp.queries
    cheap = exp.models[0]
    extra_tokens = queries.output_tokens[:, 0] * (2.0 * severity)
    output = queries.output_tokens.copy()
    output[:, 0] += extra_tokens
    cost = exp.calls.cost_usd.copy()
    latency = exp.calls.latency_ms.copy()
    cost[:, 0] += extra_tokens * cheap.output_usd_per_token
    latency[:, 0] += extra_tokens * (1000.0 / cheap.tokens_per_s)
    world = _rebuild(
        world,
        queries=dataclasses.replace(queries, output_tokens=output),
        calls=CallTable(cost, latency, exp.calls.recorded_cost),
    )
    return world.noted(f"{cheap.name} answers are {1 + 2 * severity:.1f}x as long, at the same quality")


def strong_price_change(world: World, severity: float, rng: np.random.Generator) -> World:
    exp = world.experiment
    factor = 1.0 + 2.0 * severity
    strong = exp.models[-1]
    models = (
        *exp.models[:-1],
        strong.with_prices(
            strong.input_usd_per_token * factor,
            strong.output_usd_per_token * factor,
            f"{strong.price_source} x {factor:.2f} (price change)",
        ),
    )
    cost = exp.calls.cost_usd.copy()
    cost[:, -1] *= factor
    world = _rebuild(world, models=models, calls=CallTable(cost, exp.calls.latency_ms, exp.calls.recorded_cost))
    return world.noted(f"{strong.name} costs {factor:.2f}x its list price; always-strongest costs as much more")


OUTAGE_ORDERINGS = ("next-stronger", "retry-then-next", "no-fallback")


def cheap_outage(world: World, severity: float, rng: np.random.Generator, ordering: str = "next-stronger") -> World:
    """A share `severity` of calls to the cheapest model fail (outage, rate limit); `ordering` says what follows."""
    exp = world.experiment
    queries = exp.queries
    n = queries.n_queries
    failed = rng.random(n) < severity
    retry_failed = rng.random(n) < severity  # a retry after backoff fails as often as the first attempt
    quality = queries.quality.copy()
    output = queries.output_tokens.copy()
    cost = exp.calls.cost_usd.copy()
    latency = exp.calls.latency_ms.copy()
    if ordering == "next-stronger":
        to_next = failed
        latency[failed, 0] = FAILED_ATTEMPT_MS
    elif ordering == "retry-then-next":
        to_next = failed & retry_failed
        latency[failed, 0] += FAILED_ATTEMPT_MS  # the retry, when it succeeds
        latency[to_next, 0] = 2 * FAILED_ATTEMPT_MS
    elif ordering == "no-fallback":
        to_next = np.zeros(n, bool)
        quality[failed, 0] = 0.0  # the user gets an error
        output[failed, 0] = 0.0
        cost[failed, 0] = 0.0
        latency[failed, 0] = FAILED_ATTEMPT_MS
    else:
        raise LabError(f"unknown fallback ordering '{ordering}'; known: {', '.join(OUTAGE_ORDERINGS)}")
    # the fallback is transparent to the router (as with litellm Router fallbacks): the call to the
    # cheapest model returns the next model's answer, billed at its price, after the failed attempt(s)
    quality[to_next, 0] = queries.quality[to_next, 1]
    output[to_next, 0] = queries.output_tokens[to_next, 1]
    cost[to_next, 0] = exp.calls.cost_usd[to_next, 1]
    latency[to_next, 0] += exp.calls.latency_ms[to_next, 1]
    new_queries = dataclasses.replace(queries, quality=quality, output_tokens=output)
    world = _rebuild(world, queries=new_queries, calls=CallTable(cost, latency, exp.calls.recorded_cost))
    names = exp.model_names
    affected, served = (
        (failed, "answered with an error") if ordering == "no-fallback" else (to_next, f"served by {names[1]}")
    )
    return world.noted(
        f"{names[0]} outage ({ordering}): {failed.mean():.0%} of its calls failed; {affected.mean():.0%} of the requests routed to it were {served}"
    )


# --- judges and classifiers ---------------------------------------------------------------------


def noisy_judge(world: World, severity: float, rng: np.random.Generator) -> World:
    queries = world.experiment.queries
    shape = queries.quality.shape
    guessed = rng.random(shape) < JUDGE_NOISE_AT_FULL * severity
    guess = (rng.random(shape) < JUDGE_LENIENCY).astype(queries.quality.dtype)
    judged = np.where(guessed, guess, world.tuning_quality)
    world = world.replace(judged_quality=judged)
    signals = world.signals
    if signals.trained and world.experiment.classifier is None:
        # the classifier learns "needs a stronger model" from the judge's verdicts
        ck = world.experiment.scenario.signals.classifier
        rng_classifier = strategy_rng(world.experiment.scenario.seed, "classifier")
        score = cross_fit_scores(
            dataclasses.replace(queries, quality=judged),
            ck.folds,
            ck.regularisation_c,
            ck.max_train_queries,
            rng_classifier,
        )
        world = world.replace(signals=signals.replace(score=score))
    return world.noted(
        f"noisy judge: {guessed.mean():.0%} of verdicts are lenient guesses; the quality the team measures and tunes on is the judge's"
    )


FOREIGN_POSITIVE_RATE = 0.08  # the share needing a stronger model in the domain the classifier was trained on


def classifier_other_domain(world: World, severity: float, rng: np.random.Generator) -> World:
    # log-odds keep their spread; their centre moves to the other domain's base rate and their
    # correlation with this domain's need falls from 1 to 0 as the severity grows
    signals = world.signals
    z = _clipped_logit(signals.score)
    centre, spread = z.mean(), z.std()
    rho = 1.0 - severity
    unrelated = rng.standard_normal(z.shape)
    moved = (1 - severity) * centre + severity * logit(FOREIGN_POSITIVE_RATE)
    score = sigmoid(moved + rho * (z - centre) + np.sqrt(1 - rho**2) * spread * unrelated)
    return world.replace(signals=signals.replace(score=score)).noted(
        f"classifier from another domain: {severity:.0%} of its log-odds come from features unrelated to this traffic, "
        f"with that domain's base rate ({FOREIGN_POSITIVE_RATE:.0%})"
    )


# --- the LLM router -----------------------------------------------------------------------------

MALFORMED_POLICIES = ("strongest", "retry", "cheapest")


def _router_call(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Cost and latency of one router call per query (what the router adds to every path)."""
    s, calls = world.signals, world.experiment.calls
    return s.path_cost_usd[:, 0] - calls.cost_usd[:, 0], s.path_latency_ms[:, 0] - calls.latency_ms[:, 0]


def malformed_router(world: World, severity: float, rng: np.random.Generator, policy: str = "strongest") -> World:
    """A share of router replies cannot be parsed (or are refusals); `policy` says where those queries go."""
    if policy not in MALFORMED_POLICIES:
        raise LabError(f"unknown fallback policy '{policy}'; known: {', '.join(MALFORMED_POLICIES)}")
    s = world.signals
    n = len(s.score)
    rate = MALFORMED_RATE_AT_FULL * severity
    malformed = rng.random(n) < rate
    retry_malformed = rng.random(n) < rate
    score = s.score.copy()
    cost, latency = s.path_cost_usd.copy(), s.path_latency_ms.copy()
    if policy == "retry":
        router_cost, router_ms = _router_call(world)
        cost[malformed] += router_cost[malformed, None]
        latency[malformed] += router_ms[malformed, None]
        unresolved = malformed & retry_malformed
        score[unresolved] = 1.0
    else:
        unresolved = malformed
        score[malformed] = 1.0 if policy == "strongest" else 0.0
    return world.replace(signals=s.replace(score=score, path_cost_usd=cost, path_latency_ms=latency)).noted(
        f"LLM router: {malformed.mean():.0%} of labels malformed or refused; fallback policy '{policy}' "
        f"({unresolved.mean():.0%} routed by the fallback)"
    )


def slow_router(world: World, severity: float, rng: np.random.Generator) -> World:
    s = world.signals
    _, router_ms = _router_call(world)
    tail = rng.lognormal(-(0.5**2) / 2, 0.5, len(router_ms))  # queueing: a heavy tail around the mean
    extra_ms = router_ms * 9.0 * severity * tail
    return world.replace(signals=s.replace(path_latency_ms=s.path_latency_ms + extra_ms[:, None])).noted(
        f"LLM router: about {1 + 9 * severity:.0f}x slower (mean +{extra_ms.mean():,.0f} ms on every request)"
    )


# --- the registry -------------------------------------------------------------------------------
# Order matters when several are injected: failures of the traffic and the experiment first (they
# rebuild the derived parts), then the judge, then the routers' own faults.
