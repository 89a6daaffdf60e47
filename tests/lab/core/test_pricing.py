import pytest

from lab.core.errors import LabError
from lab.core.models import ModelSpec
from lab.core.pricing import closest_model_keys, token_prices_usd


@pytest.mark.parametrize("key", ["gpt-4o-mini", "gpt-4o", "gpt-5-mini", "claude-sonnet-4-5"])
def test_prices_are_litellms_model_cost(litellm_module, key):
    entry = litellm_module.model_cost[key]
    assert token_prices_usd(key) == (entry["input_cost_per_token"], entry["output_cost_per_token"])


def test_unknown_key_names_the_closest_known_keys():
    with pytest.raises(LabError) as err:
        token_prices_usd("gpt-4o-mni")
    assert "gpt-4o-mini" in str(err.value)
    assert "gpt-4o-mini" in closest_model_keys("gpt-4o-mni")


def test_modelspec_takes_litellm_prices_unless_stated():
    priced = ModelSpec(key="gpt-4o")
    assert priced.input_usd_per_token == token_prices_usd("gpt-4o")[0]
    assert priced.price_source.startswith("litellm")
    stated = ModelSpec(key="my-private-model", input_usd_per_token=1e-6, output_usd_per_token=2e-6)
    assert stated.price_source == "stated in the scenario"


def test_modelspec_with_an_unknown_key_and_no_prices_is_an_error():
    with pytest.raises(LabError, match="closest known keys"):
        ModelSpec(key="gpt-4o-mni")
