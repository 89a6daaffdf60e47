"""Failure modes: pure transforms (world, severity in [0, 1], rng) -> world, registered by name.

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
import zlib
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import numpy as np
from pydantic import BaseModel

from lab.bootstrap import interval, replicate_means
from lab.calls import CallTable
from lab.classifier import cross_fit_scores
from lab.errors import LabError
from lab.experiment import Experiment, run, signals_for, thresholds_for
from lab.links import logit, sigmoid
from lab.metrics import DAYS_PER_MONTH, Summary, baselines_of
from lab.queryset import QuerySet
from lab.routing import Result
from lab.signals import Signals
from lab.strategies import cascade_confidence, length_scores, strategy_rng
from lab.sweep import sweep

FAILED_ATTEMPT_MS = 1_000.0  # a failed call to a model (429 / 5xx, with backoff) before the fallback is tried
PADDING_TOKENS = 1_500  # a long system prompt added by one integration
MALFORMED_RATE_AT_FULL = 0.5  # share of router replies that cannot be parsed at severity 1
JUDGE_NOISE_AT_FULL = 0.6  # share of verdicts a noisy judge replaces with a lenient guess at severity 1
JUDGE_LENIENCY = 0.8  # P(a guessing judge says "good")
TUNING_TARGET_RETAINED = 0.95  # thresholds are tuned to retain this share of always-strongest quality
_SCORE_CLIP = 1e-4


@dataclass(frozen=True, eq=False)
class World:
    """What a failure can change: the experiment (queries, prices, calls) and a strategy's signals.

    judged_quality: (n, m) the quality the team measures and tunes on (a judge); None = the true one.
    notes: what the failures did, in words (requests that failed over, labels that could not be parsed).
    """

    experiment: Experiment
    signals: Signals
    judged_quality: np.ndarray | None = None
    notes: tuple[str, ...] = ()

    @property
    def tuning_quality(self) -> np.ndarray:
        """The quality thresholds are tuned on: the judge's where a judge is in play, else the true one."""
        return self.experiment.queries.quality if self.judged_quality is None else self.judged_quality

    def replace(self, **changes) -> World:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def noted(self, note: str) -> World:
        """A copy with one more note."""
        return self.replace(notes=(*self.notes, note))


Transform = Callable[[World, float, np.random.Generator], World]


@dataclass(frozen=True)
class FailureMode:
    """A named failure: what it is in the real world, which strategies it touches, its transform.

    effect: the expected effect in a line (for display).
    retunes: True when the failure acts through the thresholds the team tunes (a noisy judge):
      compare at thresholds tuned on each world's `tuning_quality` (see tuned_thresholds).
    variants: other policies for the same failure (fallback orderings), by name; `transform` is the default.
    """

    name: str
    title: str
    description: str
    touches: tuple[str, ...]  # strategy names, or ("*",) for every strategy
    transform: Transform
    demo: dict = field(default_factory=dict)  # a preset demonstration: strategy, severity, thresholds
    effect: str = ""
    retunes: bool = False
    variants: dict[str, Transform] = field(default_factory=dict)

    def applies_to(self, strategy: str) -> bool:
        """Whether this failure changes anything for `strategy`."""
        return "*" in self.touches or strategy in self.touches


# --- rebuilding what derives from the experiment -------------------------------------------------


def _rebuild(world: World, queries: QuerySet | None = None, models: tuple | None = None, calls: CallTable | None = None) -> World:
    """The world over a changed experiment: baselines, path costs, cascade scores and fixed tiers follow."""
    old = world.experiment
    queries = old.queries if queries is None else queries
    calls = old.calls if calls is None else calls
    experiment = dataclasses.replace(
        old, queries=queries, models=old.models if models is None else tuple(models), calls=calls,
        baselines=baselines_of(queries, calls),
    )
    signals = world.signals
    if signals.strategy == "classifier":  # the classifier adds no call: its paths are the calls
        signals = signals.replace(path_cost_usd=calls.cost_usd, path_latency_ms=calls.latency_ms)
    else:
        fresh = signals_for(experiment, signals.strategy)
        if signals.fixed_tier is not None:
            signals = fresh
        else:
            signals = signals.replace(path_cost_usd=fresh.path_cost_usd, path_latency_ms=fresh.path_latency_ms)
    world = world.replace(experiment=experiment, signals=signals)
    return _rescore_cascade(world, **signals.knobs) if signals.strategy == "cascade" else world


def _rescore_cascade(world: World, temperature: float, bias_logit: float, auroc: float) -> World:
    """The cascade's scores from its own draws under these scorer knobs."""
    signals = world.signals
    queries = world.experiment.queries
    knobs = world.experiment.scenario.signals.cascade
    m = queries.n_models
    good = (queries.quality[:, : m - 1] >= knobs.pass_mark).astype(float)
    confidence = cascade_confidence(good, signals.draws["noise"], auroc, temperature, bias_logit)
    score = 1.0 - confidence
    description = signals.description.split("; injected:")[0] + (
        f"; injected: scorer AUROC {auroc:.2f}, temperature {temperature:.2f}, bias {bias_logit:+.2f} logits"
    )
    return world.replace(signals=signals.replace(
        score=score if m > 2 else score[:, 0], knobs={"auroc": auroc, "temperature": temperature, "bias_logit": bias_logit},
        description=description,
    ))


def _take_rows(world: World, index: np.ndarray) -> World:
    """The world where row i holds query index[i]: its outcomes, prices, signal and draws travel with it."""
    old = world.experiment
    queries = old.queries.take(index)
    calls = CallTable(old.calls.cost_usd[index], old.calls.latency_ms[index], old.calls.recorded_cost)
    s = world.signals
    signals = s.replace(
        score=s.score[index], path_cost_usd=s.path_cost_usd[index], path_latency_ms=s.path_latency_ms[index],
        fixed_tier=None if s.fixed_tier is None else s.fixed_tier[index],
        draws={k: v[index] for k, v in s.draws.items()},
    )
    experiment = dataclasses.replace(old, queries=queries, calls=calls, baselines=baselines_of(queries, calls))
    judged = None if world.judged_quality is None else world.judged_quality[index]
    return world.replace(experiment=experiment, signals=signals, judged_quality=judged)


def _clipped_logit(p: np.ndarray) -> np.ndarray:
    return logit(np.clip(p, _SCORE_CLIP, 1 - _SCORE_CLIP))


# --- the confidence scorer of a cascade ---------------------------------------------------------


def _overconfident_scorer(world: World, severity: float, rng: np.random.Generator) -> World:
    # sharper (temperature down) and shifted up; the shift is scaled so the point where confidence
    # crosses 1/2 moves monotonically (by 2.5 x severity calibrated logits) as the severity grows
    k = world.signals.knobs
    shrink = 1 - 0.6 * severity
    return _rescore_cascade(world, k["temperature"] * shrink, k["bias_logit"] + 2.5 * severity / shrink, k["auroc"])


def _underconfident_scorer(world: World, severity: float, rng: np.random.Generator) -> World:
    k = world.signals.knobs
    return _rescore_cascade(world, k["temperature"] * (1 + 2.0 * severity), k["bias_logit"] - 3.0 * severity, k["auroc"])


def _scorer_loses_discrimination(world: World, severity: float, rng: np.random.Generator) -> World:
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


def _traffic_drift(world: World, severity: float, rng: np.random.Generator) -> World:
    queries = world.experiment.queries
    n = queries.n_queries
    names, mix, category = drift_mix(queries)
    order = np.argsort(category, kind="stable")
    starts = np.searchsorted(category[order], np.arange(len(names) + 1))
    donor_category = rng.choice(len(names), size=n, p=mix)
    donor = order[starts[donor_category] + (rng.random(n) * (starts[donor_category + 1] - starts[donor_category])).astype(np.int64)]
    replaced = rng.random(n) < severity
    index = np.where(replaced, donor, np.arange(n))
    hard = names[np.argsort(mix)[::-1][:3]]
    return _take_rows(world, index).noted(
        f"traffic drift: {replaced.mean():.0%} of queries now follow a mix tilted toward {', '.join(hard)}; thresholds stay as tuned"
    )


def _prompt_padding(world: World, severity: float, rng: np.random.Generator) -> World:
    exp = world.experiment
    queries = exp.queries
    padded = rng.random(queries.n_queries) < severity
    pad = np.where(padded, PADDING_TOKENS, 0)
    price_in = np.array([spec.input_usd_per_token for spec in exp.models])
    calls = CallTable(exp.calls.cost_usd + pad[:, None] * price_in[None, :], exp.calls.latency_ms, exp.calls.recorded_cost)
    new_queries = dataclasses.replace(queries, prompt_tokens=queries.prompt_tokens + pad)
    world = _rebuild(world, queries=new_queries, calls=calls)
    if world.signals.strategy == "length":  # ranked against the prompts its thresholds were tuned on
        world = world.replace(signals=world.signals.replace(score=length_scores(new_queries.prompt_tokens, queries.prompt_tokens)))
    return world.noted(f"prompt padding: {padded.mean():.0%} of requests carry a {PADDING_TOKENS:,}-token system prompt")


# --- models: verbosity, prices, outages ---------------------------------------------------------


def _verbose_cheap_model(world: World, severity: float, rng: np.random.Generator) -> World:
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
    world = _rebuild(world, queries=dataclasses.replace(queries, output_tokens=output), calls=CallTable(cost, latency, exp.calls.recorded_cost))
    return world.noted(f"{cheap.name} answers are {1 + 2 * severity:.1f}x as long, at the same quality")


def _strong_price_change(world: World, severity: float, rng: np.random.Generator) -> World:
    exp = world.experiment
    factor = 1.0 + 2.0 * severity
    strong = exp.models[-1]
    models = (*exp.models[:-1], strong.with_prices(
        strong.input_usd_per_token * factor, strong.output_usd_per_token * factor, f"{strong.price_source} x {factor:.2f} (price change)",
    ))
    cost = exp.calls.cost_usd.copy()
    cost[:, -1] *= factor
    world = _rebuild(world, models=models, calls=CallTable(cost, exp.calls.latency_ms, exp.calls.recorded_cost))
    return world.noted(f"{strong.name} costs {factor:.2f}x its list price; always-strongest costs as much more")


OUTAGE_ORDERINGS = ("next-stronger", "retry-then-next", "no-fallback")


def _cheap_outage(world: World, severity: float, rng: np.random.Generator, ordering: str = "next-stronger") -> World:
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
    affected, served = (failed, "answered with an error") if ordering == "no-fallback" else (to_next, f"served by {names[1]}")
    return world.noted(
        f"{names[0]} outage ({ordering}): {failed.mean():.0%} of its calls failed; {affected.mean():.0%} of the requests routed to it were {served}"
    )


# --- judges and classifiers ---------------------------------------------------------------------


def _noisy_judge(world: World, severity: float, rng: np.random.Generator) -> World:
    queries = world.experiment.queries
    shape = queries.quality.shape
    guessed = rng.random(shape) < JUDGE_NOISE_AT_FULL * severity
    guess = (rng.random(shape) < JUDGE_LENIENCY).astype(queries.quality.dtype)
    judged = np.where(guessed, guess, world.tuning_quality)
    world = world.replace(judged_quality=judged)
    signals = world.signals
    if signals.strategy == "classifier" and world.experiment.classifier is None:
        # the classifier learns "needs a stronger model" from the judge's verdicts
        ck = world.experiment.scenario.signals.classifier
        rng_classifier = strategy_rng(world.experiment.scenario.seed, "classifier")
        score = cross_fit_scores(dataclasses.replace(queries, quality=judged), ck.folds, ck.regularisation_c, ck.max_train_queries, rng_classifier)
        world = world.replace(signals=signals.replace(score=score))
    return world.noted(f"noisy judge: {guessed.mean():.0%} of verdicts are lenient guesses; the quality the team measures and tunes on is the judge's")


FOREIGN_POSITIVE_RATE = 0.08  # the share needing a stronger model in the domain the classifier was trained on


def _classifier_other_domain(world: World, severity: float, rng: np.random.Generator) -> World:
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


def _malformed_router(world: World, severity: float, rng: np.random.Generator, policy: str = "strongest") -> World:
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


def _slow_router(world: World, severity: float, rng: np.random.Generator) -> World:
    s = world.signals
    _, router_ms = _router_call(world)
    tail = rng.lognormal(-0.5**2 / 2, 0.5, len(router_ms))  # queueing: a heavy tail around the mean
    extra_ms = router_ms * 9.0 * severity * tail
    return world.replace(signals=s.replace(path_latency_ms=s.path_latency_ms + extra_ms[:, None])).noted(
        f"LLM router: about {1 + 9 * severity:.0f}x slower (mean +{extra_ms.mean():,.0f} ms on every request)"
    )


# --- the registry -------------------------------------------------------------------------------
# Order matters when several are injected: failures of the traffic and the experiment first (they
# rebuild the derived parts), then the judge, then the routers' own faults.

_REGISTRY: tuple[FailureMode, ...] = (
    FailureMode(
        name="traffic-drift",
        title="Traffic drift after tuning",
        description=(
            "Thresholds were tuned on last quarter's traffic; then a product launch, a new market or a seasonal peak "
            "shifts the mix toward categories the cheap model handles badly. Nothing in the router changes, so no alarm "
            "rings: the same thresholds now keep more hard queries on the cheap model. Severity is the share of traffic "
            "that follows the new mix (categories tilted toward those where the cheap model fails)."
        ),
        touches=("*",),
        transform=_traffic_drift,
        demo={"strategy": "cascade", "severity": 0.8},
        effect="quality falls for every router; thresholds stay as tuned",
    ),
    FailureMode(
        name="prompt-padding",
        title="Prompt padding fools the length router",
        description=(
            "One integration adds a long system prompt, retrieved context or chat history to every request. A router "
            "that uses prompt length as a proxy for difficulty reads every padded request as hard and escalates it, "
            f"and every model bills the extra input tokens. Severity is the share of traffic padded with {PADDING_TOKENS:,} tokens."
        ),
        touches=("*",),
        transform=_prompt_padding,
        demo={"strategy": "length", "severity": 0.5},
        effect="the length router escalates padded requests: cost rises for little quality",
    ),
    FailureMode(
        name="verbose-cheap-model",
        title="The cheap model grows verbose",
        description=(
            "A new snapshot of the cheap model writes longer answers (more caveats, more formatting) at the same "
            "quality. Output tokens cost 4-5x input tokens and take time to stream, so the cheap route becomes "
            "dearer and slower, and a cascade pays its scorer to read the longer answers too. Severity 1 triples "
            "the cheap model's answer length."
        ),
        touches=("*",),
        transform=_verbose_cheap_model,
        demo={"strategy": "cascade", "severity": 0.8},
        effect="cost and latency of the cheap route rise; quality unchanged",
    ),
    FailureMode(
        name="strong-price-change",
        title="The stronger model's price changes",
        description=(
            "The stronger model's price per token rises: a promotional price ends, a snapshot is retired for a dearer "
            "one, or a committed-use discount lapses. Every escalation costs more, and so does the baseline "
            "(always-strongest), so savings in percent can rise while the bill rises too. Severity 1 triples the price."
        ),
        touches=("*",),
        transform=_strong_price_change,
        demo={"strategy": "cascade", "severity": 0.5},
        effect="cost and the always-strongest baseline rise; quality unchanged",
    ),
    FailureMode(
        name="cheap-model-outage",
        title="Cheap-model outage or rate limit",
        description=(
            "The cheap model's provider has an outage, or your account hits its rate limit (HTTP 429). Each failed "
            f"call costs about {FAILED_ATTEMPT_MS:,.0f} ms before the fallback (the next stronger model) answers, at "
            "its price. Severity is the share of calls to the cheap model that fail; the guardrails compare fallback orderings."
        ),
        touches=("*",),
        transform=_cheap_outage,
        demo={"strategy": "cascade", "severity": 0.5},
        effect="cost and latency rise; quality is held by the fallback",
        variants={ordering: partial(_cheap_outage, ordering=ordering) for ordering in OUTAGE_ORDERINGS},
    ),
    FailureMode(
        name="noisy-judge",
        title="A noisy quality judge",
        description=(
            "Thresholds are tuned on quality measured by an LLM judge, not on ground truth. A lenient, noisy judge "
            "calls many bad answers good, so the cheap model looks nearly as good as the strong one and the tuned "
            "thresholds send too little to the strong model; a classifier trained on the judge's labels learns noise. "
            f"Severity 1 replaces {JUDGE_NOISE_AT_FULL:.0%} of verdicts with guesses that say 'good' {JUDGE_LENIENCY:.0%} of the time."
        ),
        touches=("*",),
        transform=_noisy_judge,
        demo={"strategy": "cascade", "severity": 0.8},
        effect="thresholds tuned on the judge's quality under-escalate: true quality falls",
        retunes=True,
    ),
    FailureMode(
        name="classifier-other-domain",
        title="Classifier trained on another domain",
        description=(
            "The router's classifier was trained on a public benchmark or another product's logs, then deployed here. "
            "Its words and its base rate belong to the other domain: it ranks this traffic little better than chance "
            "and expects fewer hard queries than there are. Severity is the share of its log-odds that come from the "
            "other domain (1 = no signal about this traffic)."
        ),
        touches=("classifier",),
        transform=_classifier_other_domain,
        demo={"strategy": "classifier", "severity": 0.8},
        effect="the classifier misses hard queries: quality falls",
    ),
    FailureMode(
        name="overconfident-scorer",
        title="Overconfident cascade scorer",
        description=(
            "The confidence scorer says 'this answer is fine' more often and more strongly than it should: "
            "self-reported LLM confidence and log-prob scores are typically overconfident, more so after a "
            "model update. The cascade escalates fewer queries, so it saves more and quietly serves more bad answers."
        ),
        touches=("cascade",),
        transform=_overconfident_scorer,
        demo={"strategy": "cascade", "severity": 0.8},
        effect="the cascade escalates less: quality and cost fall",
    ),
    FailureMode(
        name="underconfident-scorer",
        title="Underconfident cascade scorer",
        description=(
            "The scorer doubts good answers: a stricter grading prompt, a new scorer model or a safety filter makes "
            "its confidence too low. The cascade escalates answers that were fine, paying for the cheap call, the "
            "scorer and the strong call: the savings melt away and latency grows, for little quality."
        ),
        touches=("cascade",),
        transform=_underconfident_scorer,
        demo={"strategy": "cascade", "severity": 0.6},
        effect="the cascade escalates more: cost and latency rise",
    ),
    FailureMode(
        name="scorer-loses-discrimination",
        title="Scorer loses discrimination",
        description=(
            "The scorer can no longer tell good answers from bad (its AUROC falls toward 0.5): the answers moved to a "
            "kind the scorer never saw, or a prompt change broke the signal it relied on. Its confidence collapses "
            "toward the average pass rate, so it escalates the wrong queries or none."
        ),
        touches=("cascade",),
        transform=_scorer_loses_discrimination,
        demo={"strategy": "cascade", "severity": 0.8},
        effect="escalations stop finding the bad answers: quality falls",
    ),
    FailureMode(
        name="llm-router-malformed",
        title="LLM router returns malformed or refused labels",
        description=(
            "The router model answers 'I cannot help with that', wraps the label in prose, or returns JSON that does "
            "not parse, more so after a model update or on unusual prompts. Something must decide where those queries "
            "go: the default sends them to the strongest model (safe, dear); the guardrails compare retrying and "
            f"sending them to the cheapest. Severity 1 makes {MALFORMED_RATE_AT_FULL:.0%} of labels unusable."
        ),
        touches=("llm-router",),
        transform=_malformed_router,
        demo={"strategy": "llm-router", "severity": 0.8},
        effect="with fallback to the strongest: cost rises, quality holds",
        variants={policy: partial(_malformed_router, policy=policy) for policy in MALFORMED_POLICIES},
    ),
    FailureMode(
        name="llm-router-slow",
        title="LLM router slows down",
        description=(
            "The router is an LLM call on the critical path of every request. When its provider is loaded, its time to "
            "first token grows and its tail grows more: every request waits, whichever model answers it. "
            "Severity 1 makes the router about ten times slower, with a heavy tail."
        ),
        touches=("llm-router",),
        transform=_slow_router,
        demo={"strategy": "llm-router", "severity": 0.8},
        effect="latency rises on every request; cost and quality unchanged",
    ),
)


def list_failures() -> list[FailureMode]:
    """Every registered failure mode."""
    return list(_REGISTRY)


def get_failure(name: str) -> FailureMode:
    """The failure mode called `name`; an unknown name is an error listing the known ones."""
    for mode in _REGISTRY:
        if mode.name == name:
            return mode
    raise LabError(f"unknown failure '{name}'; known: {', '.join(m.name for m in _REGISTRY)}")


def parse_injection(text: str) -> tuple[str, float]:
    """'NAME=SEVERITY' -> (name, severity), severity in [0, 1]."""
    name, sep, value = text.partition("=")
    try:
        severity = float(value) if sep else float("nan")
    except ValueError:
        severity = float("nan")
    if not sep or not 0.0 <= severity <= 1.0:
        raise LabError(f"--inject '{text}': write NAME=SEVERITY with a severity in [0, 1], e.g. overconfident-scorer=0.8")
    get_failure(name)
    return name, severity


def failure_rng(experiment: Experiment, name: str) -> np.random.Generator:
    """The Generator a failure draws from: the scenario's seed and the failure's name, never its severity."""
    return np.random.default_rng([experiment.scenario.seed, zlib.crc32(name.encode())])


def inject(experiment: Experiment, signals: Signals, failures: dict[str, float], variants: dict[str, str] | None = None) -> World:
    """The world after applying each failure at its severity, in registry order; severity 0 changes nothing.

    variants: a failure's alternative policy by name (e.g. {"cheap-model-outage": "retry-then-next"}).
    """
    known = {m.name for m in _REGISTRY}
    unknown = set(failures) - known
    if unknown:
        raise LabError(f"unknown failure '{sorted(unknown)[0]}'; known: {', '.join(m.name for m in _REGISTRY)}")
    world = World(experiment, signals)
    for mode in _REGISTRY:
        severity = float(failures.get(mode.name, 0.0))
        if not 0.0 <= severity <= 1.0:
            raise LabError(f"failure '{mode.name}': severity {severity} is outside [0, 1]")
        if severity == 0:
            continue
        if not mode.applies_to(signals.strategy):
            world = world.noted(f"{mode.name} does not touch the {signals.strategy} strategy (it touches {', '.join(mode.touches)}): no effect")
            continue
        transform = mode.transform
        choice = (variants or {}).get(mode.name)
        if choice is not None:
            if choice not in mode.variants:
                raise LabError(f"failure '{mode.name}' has no policy '{choice}'; known: {', '.join(mode.variants) or 'none'}")
            transform = mode.variants[choice]
        world = transform(world, severity, failure_rng(experiment, mode.name))
    return world


# --- comparing a clean and an injected run ------------------------------------------------------


def tuned_thresholds(world: World, quality_retained: float = TUNING_TARGET_RETAINED, points: int = 401) -> tuple[float, ...]:
    """The cheapest thresholds on the sweep whose quality, as the world measures it, retains this share of always-strongest."""
    queries = dataclasses.replace(world.experiment.queries, quality=world.tuning_quality)
    baselines = baselines_of(queries, world.experiment.calls)
    path = sweep(world.signals, queries, baselines, points)
    target = quality_retained * baselines.mean_quality_strong
    ok = np.flatnonzero(path.quality >= target - 1e-12)
    if len(ok) == 0:
        return tuple(float(t) for t in path.thresholds[-1])
    best = ok[np.argmin(path.cost_per_query_usd[ok])]
    return tuple(float(t) for t in path.thresholds[best])


def live_thresholds(world: World, failures: dict[str, float], thresholds: tuple[float, ...], clean: Summary) -> tuple[tuple[float, ...], str | None]:
    """The thresholds an injected run uses beside a clean run at `thresholds`, with a note when they differ.

    A failure that acts through tuning (a noisy judge) changes nothing at fixed thresholds, so the injected
    run takes the thresholds a team measuring with it would pick to retain what the clean run retains."""
    if not any(get_failure(name).retunes and severity > 0 for name, severity in failures.items()):
        return tuple(thresholds), None
    tuned = tuned_thresholds(world, clean.quality_retained)
    shown = ", ".join(f"{t:.2f}" for t in tuned)
    return tuned, (f"tuned on the judge: the injected run uses thresholds {shown}, the cheapest setting whose quality as the judge "
                   f"measures it retains {clean.quality_retained:.1%} of always-strongest, as the clean run does; its true quality is shown")


@dataclass(frozen=True, eq=False)
class Comparison:
    """A clean and an injected run on the same queries and draws, and the difference with paired intervals."""

    clean: Summary
    injected: Summary
    clean_result: Result
    injected_result: Result
    delta: dict
    notes: tuple[str, ...]
    world: World | None = None  # the injected world the run came from
    clean_world: World | None = None  # the clean world (experiment and signals) it is compared with


def payload_difference(a, b):
    """a - b, key by key and item by item, for JSON-ready values; equal text stays, differing text is None."""
    if isinstance(a, bool) or isinstance(a, str) or a is None or b is None:
        return a if a == b else None
    if isinstance(a, (int, float)):
        return float(a) - float(b)
    if isinstance(a, dict):
        return {k: payload_difference(a[k], b.get(k)) for k in a}
    if isinstance(a, (list, tuple)) and len(a) == len(b):
        return [payload_difference(x, y) for x, y in zip(a, b)]
    return None


def delta_of(clean: Summary, injected: Summary, clean_result: Result, injected_result: Result, clean_world: World, world: World) -> dict:
    """Injected minus clean for every key of a Summary; intervals are paired bootstrap intervals of the difference."""
    delta = payload_difference(injected.model_dump(), clean.model_dump())
    qi, qc, ci, cc, q_strong_i, q_strong_c, base_i, base_c = replicate_means(
        world.experiment.plan, injected_result.quality, clean_result.quality, injected_result.cost_usd, clean_result.cost_usd,
        world.experiment.baselines.quality_strong, clean_world.experiment.baselines.quality_strong,
        world.experiment.baselines.cost_strong_usd, clean_world.experiment.baselines.cost_strong_usd,
    ).T
    monthly = injected.queries_per_day * DAYS_PER_MONTH
    with np.errstate(divide="ignore", invalid="ignore"):
        delta["quality_ci"] = list(interval(qi - qc))
        delta["quality_retained_ci"] = list(interval(qi / q_strong_i - qc / q_strong_c))
        delta["cost_per_query_ci"] = list(interval(ci - cc))
        delta["monthly_cost_ci"] = [v * monthly for v in interval(ci - cc)]
        delta["savings_ci"] = list(interval((1 - ci / base_i) - (1 - cc / base_c)))
    delta["latency_p95_ci"] = None  # a quantile's difference has no paired mean-bootstrap interval
    return delta


def compare(experiment: Experiment, signals: Signals, failures: dict[str, float], thresholds: tuple[float, ...] | list[float],
            variants: dict[str, str] | None = None, retune: bool | None = None) -> Comparison:
    """Clean and injected runs of one strategy. retune (default: when an injected failure acts through tuning)
    tunes each world's thresholds on the quality it measures instead of using `thresholds`."""
    clean_world = World(experiment, signals)
    world = inject(experiment, signals, failures, variants)
    if retune is None:
        retune = any(get_failure(name).retunes for name in failures)
    clean_thresholds = tuned_thresholds(clean_world) if retune else tuple(thresholds)
    injected_thresholds = tuned_thresholds(world) if retune else tuple(thresholds)
    clean_result, clean = run(experiment, signals, clean_thresholds)
    injected_result, injected = run(world.experiment, world.signals, injected_thresholds)
    delta = delta_of(clean, injected, clean_result, injected_result, clean_world, world)
    tuned = any(get_failure(name).retunes and sev > 0 for name, sev in failures.items())
    if retune:
        extra = (f"thresholds tuned to retain {TUNING_TARGET_RETAINED:.0%} of always-strongest quality as each run measures it",)
    elif tuned:
        extra = ("thresholds held fixed: a noisy judge then changes only what learns from its labels (the classifier); "
                 "compare tuned thresholds to see its effect",)
    else:
        extra = ()
    notes = world.notes + extra
    return Comparison(clean, injected, clean_result, injected_result, delta, notes, world, clean_world)


def demonstrate(experiment: Experiment, name: str, severity: float | None = None, signals: Signals | None = None) -> Comparison:
    """A failure's preset demonstration on an experiment: its demo strategy and severity unless given."""
    mode = get_failure(name)
    strategy = mode.demo.get("strategy", experiment.scenario.defaults.strategy)
    signals = signals if signals is not None else signals_for(experiment, strategy)
    thresholds = thresholds_for(experiment, signals.strategy, mode.demo.get("thresholds"))
    level = mode.demo.get("severity", 0.8) if severity is None else severity
    return compare(experiment, signals, {name: level}, thresholds)


class DemoRow(BaseModel):
    """A failure's demonstration in one row: what changed, injected minus clean, with paired 95% intervals."""

    name: str
    title: str
    strategy: str
    severity: float
    quality_change: float
    quality_change_ci: tuple[float, float]
    cost_per_1k_change_usd: float
    cost_per_1k_change_ci: tuple[float, float]
    latency_p95_change_ms: float
    strong_share_change: float
    effect: str


def demo_row(name: str, severity: float, comparison: Comparison) -> DemoRow:
    """The row of a demonstration (for the gallery's overview table)."""
    mode = get_failure(name)
    d = comparison.delta
    return DemoRow(
        name=name, title=mode.title, strategy=comparison.clean.strategy, severity=severity,
        quality_change=d["quality"], quality_change_ci=tuple(d["quality_ci"]),
        cost_per_1k_change_usd=d["cost_per_query_usd"] * 1000, cost_per_1k_change_ci=tuple(v * 1000 for v in d["cost_per_query_ci"]),
        latency_p95_change_ms=d["latency_p95_ms"], strong_share_change=d["strong_share"], effect=mode.effect,
    )


@dataclass(frozen=True, eq=False)
class SeverityCurve:
    """A failure's effect against severity: the injected run's figures at each severity (severity 0 = clean)."""

    name: str
    severities: np.ndarray
    quality: np.ndarray
    cost_per_query_usd: np.ndarray
    latency_p95_ms: np.ndarray
    strong_share: np.ndarray


def severity_curve(experiment: Experiment, signals: Signals, name: str, thresholds: tuple[float, ...] | list[float],
                   severities: np.ndarray | None = None) -> SeverityCurve:
    """Quality, cost, p95 latency and strong share of the injected run on a grid of severities."""
    grid = np.linspace(0.0, 1.0, 6) if severities is None else np.asarray(severities, dtype=float)
    rows = [compare(experiment, signals, {name: float(s)}, thresholds).injected for s in grid]
    return SeverityCurve(
        name=name, severities=grid, quality=np.array([r.quality for r in rows]),
        cost_per_query_usd=np.array([r.cost_per_query_usd for r in rows]),
        latency_p95_ms=np.array([r.latency_p95_ms for r in rows]), strong_share=np.array([r.strong_share for r in rows]),
    )
