import numpy as np
import pytest

from lab.core.calls import call_cost_usd, call_latency_ms, price_calls
from lab.core.models import ModelSpec
from tests.lab.factories import make_models, make_queryset


def test_cost_is_tokens_times_prices():
    qs = make_queryset(
        np.ones((3, 2)),
        prompt_tokens=np.array([100, 200, 300]),
        output_tokens=np.array([[10, 20], [30, 40], [50, 60]], float),
    )
    models = make_models(2)
    calls = price_calls(qs, models)
    expected = qs.prompt_tokens[:, None] * np.array(
        [m.input_usd_per_token for m in models]
    ) + qs.output_tokens * np.array([m.output_usd_per_token for m in models])
    assert np.allclose(calls.cost_usd, expected)
    assert not calls.recorded_cost


def test_recorded_cost_is_used_where_the_source_has_it():
    qs = make_queryset(np.ones((2, 2)))
    recorded = qs.__class__(**{**qs.__dict__, "cost_usd": np.array([[0.1, 0.2], [0.3, 0.4]])})
    calls = price_calls(recorded, make_models(2))
    assert calls.recorded_cost and np.allclose(calls.cost_usd, [[0.1, 0.2], [0.3, 0.4]])
    assert not price_calls(recorded, make_models(2), use_recorded_cost=False).recorded_cost


def test_latency_is_time_to_first_token_plus_generation():
    spec = ModelSpec(key="x", input_usd_per_token=0, output_usd_per_token=0, ttft_ms=200, tokens_per_s=50)
    assert call_latency_ms(np.array([0.0, 100.0]), spec).tolist() == [200.0, 2200.0]
    assert call_cost_usd(np.array([10]), np.array([0]), spec).tolist() == [0.0]


def test_model_count_must_match():
    with pytest.raises(ValueError):
        price_calls(make_queryset(np.ones((2, 3))), make_models(2))
