import pickle

import pytest

from lab.core.errors import LabError
from lab.live.credentials import PLACEHOLDER_KEY, Credentials, redact


def test_a_custom_endpoint_never_gets_the_providers_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-openai-key-123")
    assert Credentials().key_for("openai/llama3", has_api_base=True) == PLACEHOLDER_KEY
    assert Credentials().key_for("gpt-4o", has_api_base=False) is None  # litellm reads OPENAI_API_KEY itself
    named = Credentials(default="sk-named-456789")
    assert named.key_for("openai/llama3", has_api_base=True) == "sk-named-456789"


def test_keys_are_masked_in_repr_and_never_pickled():
    creds = Credentials(default="sk-secret-abcdef", per_model={"m": "sk-other-123456"})
    assert "sk-" not in repr(creds) and "sk-" not in str(creds)
    with pytest.raises(TypeError):
        pickle.dumps(creds)


def test_redact_removes_held_keys_and_environment_keys(monkeypatch):
    monkeypatch.setenv("SOMEPROVIDER_API_KEY", "env-secret-998877")
    creds = Credentials(default="sk-secret-abcdef")
    text = "sent sk-secret-abcdef and env-secret-998877 and no-key"
    assert creds.redact(text) == "sent *** and *** and no-key"
    assert redact("nothing here") == "nothing here"


def test_api_key_env_names_a_variable_that_is_set(monkeypatch):
    monkeypatch.setenv("MY_ENDPOINT_KEY", "sk-from-env-1234")
    assert Credentials.from_env("MY_ENDPOINT_KEY").key_for("x", True) == "sk-from-env-1234"
    monkeypatch.delenv("MY_ENDPOINT_KEY")
    with pytest.raises(LabError, match="not set"):
        Credentials.from_env("MY_ENDPOINT_KEY")
    with pytest.raises(LabError, match="not the key"):
        Credentials.from_env("sk-pasted-a-key-here")
