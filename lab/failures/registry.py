"""The registry of failure modes: what each is in the real world, which strategies it touches, its transform."""

from __future__ import annotations

from functools import partial

from lab.core.errors import LabError
from lab.failures.transforms import (
    FAILED_ATTEMPT_MS,
    JUDGE_LENIENCY,
    JUDGE_NOISE_AT_FULL,
    MALFORMED_POLICIES,
    MALFORMED_RATE_AT_FULL,
    OUTAGE_ORDERINGS,
    PADDING_TOKENS,
    cheap_outage,
    classifier_other_domain,
    malformed_router,
    noisy_judge,
    overconfident_scorer,
    prompt_padding,
    scorer_loses_discrimination,
    slow_router,
    strong_price_change,
    traffic_drift,
    underconfident_scorer,
    verbose_cheap_model,
)
from lab.failures.world import FailureMode

REGISTRY: tuple[FailureMode, ...] = (
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
        transform=traffic_drift,
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
        transform=prompt_padding,
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
        transform=verbose_cheap_model,
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
        transform=strong_price_change,
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
        transform=cheap_outage,
        demo={"strategy": "cascade", "severity": 0.5},
        effect="cost and latency rise; quality is held by the fallback",
        variants={ordering: partial(cheap_outage, ordering=ordering) for ordering in OUTAGE_ORDERINGS},
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
        transform=noisy_judge,
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
        transform=classifier_other_domain,
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
        transform=overconfident_scorer,
        demo={"strategy": "cascade", "severity": 0.8},
        effect="the cascade escalates less: quality and cost fall",
        remedy="recalibration",
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
        transform=underconfident_scorer,
        demo={"strategy": "cascade", "severity": 0.6},
        effect="the cascade escalates more: cost and latency rise",
        remedy="recalibration",
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
        transform=scorer_loses_discrimination,
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
        transform=malformed_router,
        demo={"strategy": "llm-router", "severity": 0.8},
        effect="with fallback to the strongest: cost rises, quality holds",
        variants={policy: partial(malformed_router, policy=policy) for policy in MALFORMED_POLICIES},
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
        transform=slow_router,
        demo={"strategy": "llm-router", "severity": 0.8},
        effect="latency rises on every request; cost and quality unchanged",
    ),
)


def list_failures() -> list[FailureMode]:
    """Every registered failure mode."""
    return list(REGISTRY)


def get_failure(name: str) -> FailureMode:
    """The failure mode called `name`; an unknown name is an error listing the known ones."""
    for mode in REGISTRY:
        if mode.name == name:
            return mode
    raise LabError(f"unknown failure '{name}'; known: {', '.join(m.name for m in REGISTRY)}")


def parse_injection(text: str) -> tuple[str, float]:
    """'NAME=SEVERITY' -> (name, severity), severity in [0, 1]."""
    name, sep, value = text.partition("=")
    try:
        severity = float(value) if sep else float("nan")
    except ValueError:
        severity = float("nan")
    if not sep or not 0.0 <= severity <= 1.0:
        raise LabError(
            f"--inject '{text}': write NAME=SEVERITY with a severity in [0, 1], e.g. overconfident-scorer=0.8"
        )
    get_failure(name)
    return name, severity
