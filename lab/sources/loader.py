"""The one loader: a scenario's query set from its source kind (generated or replayed), and its Experiment."""

from __future__ import annotations

from pathlib import Path

from lab.core.classifier import RouterClassifier
from lab.core.experiment import Experiment, build_experiment
from lab.core.limits import check_size
from lab.core.queryset import QuerySet
from lab.core.scenario import Scenario, SyntheticSource


def load_queries(scenario: Scenario, data_dir: str | Path | None = None) -> tuple[QuerySet, RouterClassifier | None]:
    """The scenario's query set (generated or replayed) and a cross-domain classifier where it asks for one."""
    if isinstance(scenario.source, SyntheticSource):
        # the least any run on the set needs; callers that know more (a classifier, a sweep) check that first
        check_size(scenario.source.n_queries, len(scenario.models), classifier=False, injected=False)
        return generated_queries(scenario), None
    from lab.sources.replay import load_replay

    return load_replay(scenario, data_dir)


def generated_queries(scenario: Scenario) -> QuerySet:
    """A synthetic scenario's query set: from the query-set cache when this lab generated it before, else generated
    (and cached). The key holds everything the generator reads: the source, the models, the seed and the name."""
    from lab.sources import cache

    assert isinstance(scenario.source, SyntheticSource)
    choices = {
        "source": scenario.source.model_dump(mode="json"),
        "models": [spec.model_dump(mode="json") for spec in scenario.models],
        "seed": scenario.seed,
        "name": scenario.name,
    }
    key = cache.cache_key("synthetic", (), choices)
    cached = cache.load(key)
    if cached is not None:
        return cached
    from lab.sources.synthetic import generate_queryset

    queries = generate_queryset(scenario.source, list(scenario.models), scenario.seed, scenario.name)
    cache.store(key, queries)
    return queries


def load_experiment(scenario: Scenario, data_dir: str | Path | None = None) -> Experiment:
    """The Experiment of a scenario, its queries generated or replayed from `data_dir`."""
    queries, classifier = load_queries(scenario, data_dir)
    return build_experiment(scenario, queries, classifier)
