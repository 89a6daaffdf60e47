"""Probe one typed prompt: every strategy's score for it and where it would be routed.

Only strategies that can score an unseen prompt do so: length (its token count ranked against the
query set's prompts), the classifier (fitted on the query set) and LiteLLM's complexity router (its
own local scorer). The oracle, the simulated LLM
router and the simulated cascade scorer draw on each query's known outcomes, which a new prompt does
not have: they are marked as such instead of being given a made-up score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.core.classifier import RouterClassifier
from lab.core.complexity import complexity_scores
from lab.core.experiment import Experiment, thresholds_for
from lab.core.routing import assign_tiers
from lab.core.signals import Signals
from lab.core.strategies import length_scores, list_strategies
from lab.sources.tokens import count_tokens


@dataclass(frozen=True)
class ProbeRow:
    """One strategy's verdict on the prompt: score (None where it cannot score a new prompt), route, note."""

    strategy: str
    score: float | None
    route: str | None
    thresholds: tuple[float, ...]
    note: str


def _tier_of(score: float, thresholds: tuple[float, ...], n_models: int) -> int:
    one = Signals("probe", np.array([score]), np.zeros((1, n_models)), np.zeros((1, n_models)), "probe")
    return int(assign_tiers(one, thresholds)[0])


def probe_prompt(
    text: str,
    experiment: Experiment,
    classifier: RouterClassifier | None,
    thresholds: dict[str, tuple[float, ...]] | None = None,
) -> list[ProbeRow]:
    """Each strategy's score and route for `text`; thresholds per strategy default to thresholds_for."""
    names = experiment.model_names
    m = len(names)
    given = thresholds or {}
    tokens = int(count_tokens([text])[0])
    rows = []
    for info in list_strategies(list(experiment.models)):
        chosen = tuple(given.get(info.name) or thresholds_for(experiment, info.name))
        tier = info.fixed_tier_of(m)
        if tier is not None:
            rows.append(ProbeRow(info.name, None, names[tier], (), "fixed: ignores the prompt"))
        elif info.name == "length":
            score = float(length_scores(np.array([tokens]), experiment.queries.prompt_tokens)[0])
            rows.append(
                ProbeRow(
                    info.name,
                    score,
                    names[_tier_of(score, chosen, m)],
                    chosen,
                    f"{tokens:,} prompt tokens, longer than {score:.0%} of this set's prompts",
                )
            )
        elif info.name == "classifier":
            if classifier is None:
                rows.append(ProbeRow(info.name, None, None, chosen, "no classifier could be trained on this query set"))
                continue
            score = float(classifier.predict(np.array([text], dtype=object))[0])
            rows.append(
                ProbeRow(
                    info.name,
                    score,
                    names[_tier_of(score, chosen, m)],
                    chosen,
                    f"P(needs a stronger model), trained on {classifier.n_train:,} queries of {classifier.trained_on}",
                )
            )
        elif info.name == "litellm-complexity":
            scores = complexity_scores([text])
            score = float(scores.score[0])
            why = (
                "two or more reasoning markers: LiteLLM's override sends it to its top tier"
                if scores.override[0]
                else f"LiteLLM's weighted score {scores.weighted[0]:+.3f}, clipped to [0, 1]"
            )
            rows.append(ProbeRow(info.name, score, names[_tier_of(score, chosen, m)], chosen, why))
        elif info.name == "random":
            rows.append(
                ProbeRow(
                    info.name, None, None, chosen, "a fresh uniform draw per query: no score belongs to the prompt"
                )
            )
        elif info.name == "oracle":
            rows.append(
                ProbeRow(
                    info.name, None, None, chosen, "needs ground truth: each model's quality on this prompt is unknown"
                )
            )
        else:
            rows.append(
                ProbeRow(
                    info.name,
                    None,
                    None,
                    chosen,
                    "simulated from ground truth in this lab: a new prompt has none; a live deployment would call the router",
                )
            )
    return rows
