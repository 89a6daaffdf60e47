import pytest

from lab.core.errors import LabError
from lab.live.models import check_api_base, endpoint_host, parse_api_bases, parse_price, resolve_model


def test_a_known_key_takes_litellms_price():
    model = resolve_model("gpt-4o-mini", None, {})
    assert model.input_usd_per_token == pytest.approx(1.5e-7)
    assert model.output_usd_per_token == pytest.approx(6e-7)
    assert "model_cost" in model.price_source


def test_a_provider_prefix_is_priced_as_the_bare_key_and_says_so_on_a_custom_endpoint():
    model = resolve_model("openai/gpt-4o-mini", "http://localhost:4000/v1", {})
    assert model.input_usd_per_token == pytest.approx(1.5e-7)
    assert "state --price" in model.price_source


def test_an_unknown_key_names_the_closest_keys_and_how_to_state_a_price():
    with pytest.raises(LabError) as caught:
        resolve_model("gpt-4o-mni", None, {})
    message = str(caught.value)
    assert "gpt-4o-mini" in message
    assert "--price gpt-4o-mni=IN/OUT" in message


def test_a_model_without_a_price_is_refused_never_free():
    with pytest.raises(LabError, match="--price openai/my-llama"):
        resolve_model("openai/my-llama", "http://localhost:11434/v1", {})
    stated = resolve_model("openai/my-llama", "http://localhost:11434/v1", {"openai/my-llama": (0.0, 0.0)})
    assert stated.price_source == "stated with --price"
    assert stated.cost_usd(1000, 1000) == 0.0


def test_price_option_is_usd_per_million_tokens():
    assert parse_price("openai/llama3=0.2/0.6") == ("openai/llama3", pytest.approx(2e-7), pytest.approx(6e-7))
    assert parse_price("a=b=1/2")[0] == "a=b"
    for bad in ["gpt-4o", "gpt-4o=1", "gpt-4o=x/2", "=1/2", "gpt-4o=-1/2", "gpt-4o=1/2/3"]:
        with pytest.raises(LabError, match="--price"):
            parse_price(bad)


def test_the_endpoint_is_recorded_without_user_password_path_or_query():
    assert endpoint_host("https://api.example.com:8443/v1?key=abc") == "https://api.example.com:8443"
    assert endpoint_host("http://127.0.0.1:11434/v1") == "http://127.0.0.1:11434"


def test_an_endpoint_carrying_a_credential_is_refused():
    with pytest.raises(LabError, match="environment variable"):
        check_api_base("https://user:sk-secret@api.example.com/v1")
    with pytest.raises(LabError, match="http"):
        check_api_base("localhost:11434")


def test_api_base_for_every_model_or_one():
    default, per_model = parse_api_bases(["http://localhost:8000/v1", "openai/b=http://localhost:9000/v1/"])
    assert default == "http://localhost:8000/v1"
    assert per_model == {"openai/b": "http://localhost:9000/v1"}
    with pytest.raises(LabError, match="twice"):
        parse_api_bases(["http://a/v1", "http://b/v1"])
