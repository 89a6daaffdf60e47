"""Strategies: each turns a query set into Signals, computed once; thresholds are applied later.

Simulated signals (llm-router, cascade) are drawn from the ground truth with stated knobs, from a
Generator seeded by the scenario's seed and the strategy's name, so runs are reproducible.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lab.core.calls import CallTable, call_cost_usd, call_latency_ms
from lab.core.classifier import RouterClassifier, cross_fit_scores
from lab.core.complexity import DEFAULT_THRESHOLDS, MAX_MODELS, check_model_count, complexity_scores
from lab.core.errors import LabError
from lab.core.links import logit, normal_quantile, sigmoid
from lab.core.models import ModelSpec
from lab.core.pricing import litellm_version
from lab.core.queryset import QuerySet
from lab.core.recorded import recorded_signals
from lab.core.scenario import CascadeKnobs, LlmRouterKnobs, SignalKnobs
from lab.core.signals import Signals

_PRIOR_CLIP = 1e-3


@dataclass(frozen=True)
class StrategyInfo:
    """A strategy's name, a one-line description and how it routes.

    simulated: its signal is drawn from the ground truth with stated knobs, not measured.
    tier: always-<model>: the tier every query goes to (-1 = the strongest); None for a router.
    hindsight: it reads the outcomes it is judged on (the oracle): an upper bound, not a router.
    thresholds: its own starting thresholds (the first m-1 are used), where it has them (litellm's boundaries).
    max_models: the most models it can route between, where it is limited (litellm's four complexity tiers).
    trained: its score comes from a classifier trained on the query set (which costs memory and time to build).
    """

    name: str
    description: str
    simulated: bool = False
    tier: int | None = None
    hindsight: bool = False
    thresholds: tuple[float, ...] | None = None
    max_models: int | None = None
    trained: bool = False

    @property
    def thresholded(self) -> bool:
        """Whether thresholds move this strategy's routes (a router, not a fixed choice)."""
        return self.tier is None and not self.hindsight

    def fixed_tier_of(self, n_models: int) -> int | None:
        """The tier every query goes to among `n_models`, or None for a strategy that looks at the query."""
        return None if self.tier is None else self.tier % n_models

    def routes(self, n_models: int) -> bool:
        """Whether it can route between `n_models` models."""
        return self.max_models is None or n_models <= self.max_models


_BASE: tuple[StrategyInfo, ...] = (
    StrategyInfo("always-cheapest", "send every query to the cheapest model", tier=0),
    StrategyInfo("always-strongest", "send every query to the strongest model", tier=-1),
    StrategyInfo("random", "a uniform random score: the line every router must beat"),
    StrategyInfo(
        "oracle",
        "hindsight: per query, the model reaching the best quality available at the least cost (upper bound)",
        hindsight=True,
    ),
    StrategyInfo("length", "prompt length, as its rank among the query set's prompts"),
    StrategyInfo(
        "classifier",
        "TF-IDF + logistic regression trained on a disjoint split: P(cheapest fails where strongest succeeds)",
        trained=True,
    ),
    StrategyInfo(
        "litellm-complexity",
        "LiteLLM's own complexity router: its local weighted score (keywords, length, reasoning markers); "
        "thresholds are its tier boundaries",
        thresholds=DEFAULT_THRESHOLDS,
        max_models=MAX_MODELS,
    ),
    StrategyInfo(
        "llm-router",
        "a cheap LLM rates each query 1-10 (simulated: accuracy and bias knobs); its calls are paid for",
        True,
    ),
    StrategyInfo(
        "cascade",
        "the cheapest model answers first; a confidence scorer escalates (simulated: AUROC and calibration knobs)",
        True,
    ),
)


def list_strategies(models: list[ModelSpec] | None = None) -> list[StrategyInfo]:
    """Every strategy, with always-<model> for each model when the models are given (and only those that route that many)."""
    always = [
        StrategyInfo(f"always-{spec.key}", f"send every query to {spec.name}", tier=tier)
        for tier, spec in enumerate(models or [])
    ]
    every = [*_BASE[:2], *always, *_BASE[2:]]
    return every if models is None else [info for info in every if info.routes(len(models))]


def strategy_info(strategy: str, models: list[ModelSpec]) -> StrategyInfo:
    """The StrategyInfo called `strategy` for these models; an unknown name lists the known ones."""
    known = list_strategies(models)
    for info in known:
        if info.name == strategy:
            return info
    if strategy == "litellm-complexity":
        check_model_count(len(models))
    raise LabError(f"unknown strategy '{strategy}'; known: {', '.join(info.name for info in known)}")


def strategy_rng(seed: int, strategy: str) -> np.random.Generator:
    """The Generator a strategy draws from: seeded by the scenario's seed and the strategy's name."""
    return np.random.default_rng([seed, zlib.crc32(strategy.encode())])


def oracle_tiers(queries: QuerySet, cost_usd: np.ndarray) -> np.ndarray:
    """Per query, among the models reaching the best quality available, the one costing least on that query.

    RouterBench's oracle: `cost_usd` (n, m) is one call's cost (CallTable.cost_usd: recorded where the
    source has it, else tokens x price), so a model dearer by list price wins where its answer cost
    less. Equal costs go to the lower tier.
    """
    best = queries.quality.max(axis=1, keepdims=True)
    cost = np.where(queries.quality >= best, cost_usd, np.inf)
    return np.argmin(cost, axis=1).astype(np.int8)


def weakest_sufficient_tiers(queries: QuerySet) -> np.ndarray:
    """Per query, the lowest tier reaching the best quality available: the capability the query needs.

    What a router is asked to name before any model answers: it cannot know an answer's length or
    recorded cost, so this ignores them (the oracle does not: see oracle_tiers).
    """
    best = queries.quality.max(axis=1, keepdims=True)
    return np.argmax(queries.quality >= best, axis=1).astype(np.int8)


def default_thresholds(n_models: int) -> list[float]:
    """Evenly spaced thresholds k/m, one per tier boundary."""
    return [k / n_models for k in range(1, n_models)]


def starting_thresholds(info: StrategyInfo, n_models: int) -> list[float]:
    """A strategy's own starting thresholds where it has them (litellm's boundaries), else k/m."""
    if info.thresholds is not None and len(info.thresholds) >= n_models - 1:
        return list(info.thresholds[: n_models - 1])
    return default_thresholds(n_models)


def _single_call_paths(
    calls: CallTable, extra_cost: np.ndarray | float = 0.0, extra_ms: np.ndarray | float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    extra_cost = np.asarray(extra_cost, dtype=float).reshape(-1, 1) if np.ndim(extra_cost) else extra_cost
    extra_ms = np.asarray(extra_ms, dtype=float).reshape(-1, 1) if np.ndim(extra_ms) else extra_ms
    return calls.cost_usd + extra_cost, calls.latency_ms + extra_ms


def _spec_for(key: str | None, models: list[ModelSpec]) -> ModelSpec:
    if key is None:
        return models[0]
    for spec in models:
        if spec.key == key:
            return spec
    return ModelSpec(key=key)


def length_scores(prompt_tokens: np.ndarray, reference_tokens: np.ndarray) -> np.ndarray:
    """A prompt's length as its rank among the reference prompts, in [0, 1]."""
    ref = np.sort(np.asarray(reference_tokens))
    return np.searchsorted(ref, prompt_tokens, side="right") / len(ref)


def llm_router_scores(
    true_tier: np.ndarray, n_models: int, accuracy: float, bias: float, draws: dict[str, np.ndarray]
) -> np.ndarray:
    """Rating/10 of a router that names the right tier with `accuracy` and leans up by `bias` tiers."""
    wrong_tier = (true_tier + draws["wrong_step"] % max(n_models - 1, 1) + 1) % n_models
    label = np.where(draws["correct_u"] < accuracy, true_tier, wrong_tier)
    raw = np.clip((label + draws["within_u"] + bias) / n_models, 0.0, 1.0)
    return np.clip(np.ceil(raw * 10), 1, 10) / 10 - 0.05


def cascade_confidence(
    good: np.ndarray, noise: np.ndarray, auroc: float, temperature: float, bias_logit: float
) -> np.ndarray:
    """A scorer's confidence that each answer is good.

    The scorer sees s = mu * (good - 1/2) + noise, noise ~ N(0, 1), so AUROC = Phi(mu / sqrt 2).
    Calibrated confidence is the posterior sigmoid(mu s + logit(prior)); temperature < 1 or a
    positive bias makes it overconfident.
    """
    mu = np.sqrt(2.0) * normal_quantile(min(max(auroc, 0.5), 1 - 1e-9))
    prior = np.clip(good.mean(axis=0, keepdims=True), _PRIOR_CLIP, 1 - _PRIOR_CLIP)
    s = mu * (good - 0.5) + noise
    return sigmoid((mu * s + logit(prior)) / temperature + bias_logit)


def _fixed(strategy: str, description: str, tiers: np.ndarray, calls: CallTable) -> Signals:
    cost, ms = _single_call_paths(calls)
    return Signals(strategy, tiers.astype(float), cost, ms, description, fixed_tier=tiers.astype(np.int8))


def _llm_router(
    queries: QuerySet, models: list[ModelSpec], calls: CallTable, knobs: LlmRouterKnobs, rng: np.random.Generator
) -> Signals:
    n, m = queries.n_queries, queries.n_models
    router = _spec_for(knobs.model, models)
    draws = {
        "correct_u": rng.random(n),
        "wrong_step": rng.integers(0, 1 << 30, n),
        "within_u": rng.uniform(0.05, 0.95, n),
    }
    # the router names the tier a query needs (capability order); the oracle's hindsight of costs is not its to know
    score = llm_router_scores(weakest_sufficient_tiers(queries), m, knobs.accuracy, knobs.bias, draws)
    prompt = queries.prompt_tokens + knobs.prompt_overhead_tokens
    router_cost = call_cost_usd(prompt, np.full(n, knobs.output_tokens), router)
    router_ms = call_latency_ms(np.full(n, knobs.output_tokens), router)
    cost, ms = _single_call_paths(calls, router_cost, router_ms)
    return Signals(
        "llm-router",
        score,
        cost,
        ms,
        f"simulated LLM router ({router.name}) rating 1-10: accuracy {knobs.accuracy:.2f}, bias {knobs.bias:+.2f} tiers",
        simulated=True,
        knobs={"accuracy": knobs.accuracy, "bias": knobs.bias},
        draws=draws,
    )


def cascade_paths(
    queries: QuerySet, calls: CallTable, scorer: ModelSpec, knobs: CascadeKnobs
) -> tuple[np.ndarray, np.ndarray]:
    """Cost and latency of serving at tier j through a cascade: every model up to j and its scorer calls."""
    m = queries.n_models
    judged = queries.prompt_tokens[:, None] + knobs.scorer_overhead_tokens + queries.output_tokens[:, : m - 1]
    scorer_cost = call_cost_usd(judged, knobs.scorer_output_tokens, scorer)
    scorer_ms = np.broadcast_to(call_latency_ms(np.float64(knobs.scorer_output_tokens), scorer), scorer_cost.shape)
    stage_cost = calls.cost_usd.copy()
    stage_ms = calls.latency_ms.copy()
    stage_cost[:, : m - 1] += scorer_cost
    stage_ms[:, : m - 1] += scorer_ms
    return np.cumsum(stage_cost, axis=1), np.cumsum(stage_ms, axis=1)


def _cascade(
    queries: QuerySet, models: list[ModelSpec], calls: CallTable, knobs: CascadeKnobs, rng: np.random.Generator
) -> Signals:
    n, m = queries.n_queries, queries.n_models
    good = (queries.quality[:, : m - 1] >= knobs.pass_mark).astype(float)
    draws = {"noise": rng.standard_normal((n, m - 1))}
    confidence = cascade_confidence(good, draws["noise"], knobs.auroc, knobs.temperature, knobs.bias_logit)
    scorer = _spec_for(knobs.scorer_model, models)
    cost, ms = cascade_paths(queries, calls, scorer, knobs)
    score = 1.0 - confidence
    return Signals(
        "cascade",
        score if m > 2 else score[:, 0],
        cost,
        ms,
        f"cascade with a simulated confidence scorer ({scorer.name}): AUROC {knobs.auroc:.2f}, "
        f"temperature {knobs.temperature:.2f}, bias {knobs.bias_logit:+.2f} logits; escalate when 1 - confidence > threshold",
        simulated=True,
        escalates=True,
        knobs={"auroc": knobs.auroc, "temperature": knobs.temperature, "bias_logit": knobs.bias_logit},
        draws=draws,
    )


def compute_signals(
    strategy: str,
    queries: QuerySet,
    models: list[ModelSpec],
    calls: CallTable,
    knobs: SignalKnobs,
    seed: int,
    classifier: RouterClassifier | None = None,
) -> Signals:
    """The Signals of `strategy` on a query set. A given classifier scores every query (it was trained elsewhere)."""
    info = strategy_info(strategy, models)
    rng = strategy_rng(seed, strategy)
    tier = info.fixed_tier_of(queries.n_models)
    if tier is not None:
        return _fixed(strategy, f"every query to {models[tier].name}", np.full(queries.n_queries, tier, np.int8), calls)
    if info.hindsight:
        return _fixed(
            strategy,
            "hindsight: the model reaching the best quality available at the least cost on each query",
            oracle_tiers(queries, calls.cost_usd),
            calls,
        )
    recorded = recorded_signals(strategy, queries, calls, knobs.cascade.pass_mark, rng)  # a live run's real signals
    if recorded is not None:
        return recorded
    builders: dict[str, Callable[[], Signals]] = {
        "random": lambda: Signals(
            "random", rng.random(queries.n_queries), *_single_call_paths(calls), "a uniform random score"
        ),
        "length": lambda: Signals(
            "length",
            length_scores(queries.prompt_tokens, queries.prompt_tokens),
            *_single_call_paths(calls),
            "prompt tokens, as a rank among this query set's prompts",
            ranks_prompt_tokens=True,
        ),
        "classifier": lambda: _classifier(queries, calls, knobs, rng, classifier),
        "litellm-complexity": lambda: _litellm_complexity(queries, calls),
        "llm-router": lambda: _llm_router(queries, models, calls, knobs.llm_router, rng),
        "cascade": lambda: _cascade(queries, models, calls, knobs.cascade, rng),
    }
    return builders[strategy]()


def _litellm_complexity(queries: QuerySet, calls: CallTable) -> Signals:
    check_model_count(queries.n_models)
    scores = complexity_scores(queries.text)
    override = float(scores.override.mean()) if queries.n_queries else 0.0
    cost, ms = _single_call_paths(calls)
    return Signals(
        "litellm-complexity",
        scores.score,
        cost,
        ms,
        f"LiteLLM {litellm_version()}'s complexity router scores each prompt locally (its own code, no call); "
        f"{override:.1%} carry two or more reasoning markers and go to the strongest model whatever the thresholds",
    )


def _classifier(
    queries: QuerySet,
    calls: CallTable,
    knobs: SignalKnobs,
    rng: np.random.Generator,
    classifier: RouterClassifier | None,
) -> Signals:
    ck = knobs.classifier
    if classifier is not None:
        score = classifier.predict(queries.text)
        how = f"trained on {classifier.trained_on} ({classifier.n_train:,} queries), scored on {queries.name}"
    else:
        score = cross_fit_scores(queries, ck.folds, ck.regularisation_c, ck.max_train_queries, rng)
        how = f"{ck.folds}-fold cross-fitted: each query scored by a model that never saw it"
    return Signals(
        "classifier", score, *_single_call_paths(calls), f"TF-IDF + logistic regression, {how}", trained=True
    )
