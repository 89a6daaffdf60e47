"""Fixtures for the engine's tests: the default scenario's experiment, built once per session."""

from __future__ import annotations

import os

import pytest

from lab.core.scenario import load_scenario
from lab.sources.loader import load_experiment


@pytest.fixture(scope="session")
def default_experiment():
    """The default scenario (customer-support, 10,000 queries)."""
    return load_experiment(load_scenario("customer-support"))


@pytest.fixture(scope="session")
def experiment(default_experiment):
    """The default experiment, under the name the failure, calibration and guardrail tests use."""
    return default_experiment


@pytest.fixture(scope="session")
def cascade(default_experiment):
    """The default experiment's clean cascade signals."""
    from lab.core.experiment import signals_for

    return signals_for(default_experiment, "cascade")


@pytest.fixture(scope="session")
def litellm_module():
    """litellm itself, imported offline (slow: once per session)."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    return litellm


@pytest.fixture(scope="session")
def three_model_experiment():
    """The three-model scenario (mixed-production: gpt-5-nano, gpt-5-mini, gpt-5) at 3,000 queries."""
    return load_experiment(load_scenario("mixed-production").with_queries(3000))
