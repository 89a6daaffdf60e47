"""The models a live run calls: litellm keys, an optional OpenAI-compatible endpoint, and a price per token.

A price comes from litellm's offline price map or is stated by the user (`--price
MODEL=IN/OUT`, USD per million input and output tokens); a model with no known price is refused,
never treated as free. Where a model is served from `api_base`, only the endpoint's scheme, host and
port are ever recorded.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from lab.core.errors import LabError
from lab.core.pricing import closest_model_keys, litellm_version, model_cost_map

# Providers whose keys may carry a prefix (openai/gpt-4o-mini) that litellm's price map lists without it.
_PREFIXES = ("openai/", "azure/", "anthropic/", "hosted_vllm/", "ollama/", "ollama_chat/", "lm_studio/", "llamafile/")


class LiveModel(BaseModel):
    """One model to call: its litellm key, where it is served, and what a token costs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1, description="litellm model key, e.g. gpt-4o-mini or openai/llama3 with api_base")
    api_base: str | None = Field(default=None, description="an OpenAI-compatible endpoint (…/v1); None: the provider's")
    input_usd_per_token: float = Field(ge=0)
    output_usd_per_token: float = Field(ge=0)
    price_source: str

    @property
    def endpoint(self) -> str:
        """Where calls go, without any credential or path: scheme://host:port, or the provider's default."""
        if self.api_base is None:
            return f"{self.key.split('/')[0] if '/' in self.key else 'provider'} default endpoint"
        return endpoint_host(self.api_base)

    def cost_usd(self, prompt_tokens: float, completion_tokens: float) -> float:
        """USD of one call with these token counts."""
        return prompt_tokens * self.input_usd_per_token + completion_tokens * self.output_usd_per_token

    def public(self) -> dict:
        """What a log or an export may show of this model: key, endpoint host, prices per million tokens."""
        return {
            "key": self.key,
            "endpoint": self.endpoint,
            "input_usd_per_1m": self.input_usd_per_token * 1e6,
            "output_usd_per_1m": self.output_usd_per_token * 1e6,
            "price_source": self.price_source,
        }


def endpoint_host(api_base: str) -> str:
    """scheme://host:port of an endpoint URL (no user, password, path or query)."""
    parts = urlsplit(api_base)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def check_api_base(api_base: str) -> str:
    """An endpoint URL as given, if it is http(s) with a host and carries no credential; else a LabError."""
    parts = urlsplit(api_base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LabError(f"--api-base '{api_base}' is not an http(s) URL with a host, e.g. http://localhost:11434/v1")
    if parts.username or parts.password:
        raise LabError(
            "--api-base carries a user or password in the URL: remove it and put the key in an environment "
            "variable (see --api-key-env); URLs end up in logs, keys must not"
        )
    return api_base.rstrip("/")


def parse_price(text: str) -> tuple[str, float, float]:
    """'MODEL=IN/OUT' (USD per million input and output tokens) -> (model, USD per input token, per output token)."""
    model, sep, value = text.rpartition("=")
    prices = value.split("/")
    try:
        if not sep or not model or len(prices) != 2:
            raise ValueError
        per_1m_in, per_1m_out = float(prices[0]), float(prices[1])
    except ValueError:
        raise LabError(
            f"--price '{text}': write MODEL=IN/OUT in USD per million input and output tokens, "
            "e.g. --price openai/llama3=0/0 or --price gpt-4o-mini=0.15/0.60"
        ) from None
    if not (0 <= per_1m_in < 1e6 and 0 <= per_1m_out < 1e6):
        raise LabError(f"--price '{text}': prices must be finite and >= 0 (USD per million tokens)")
    return model, per_1m_in / 1e6, per_1m_out / 1e6


def _map_price(key: str) -> tuple[float, float, str] | None:
    cost_map = model_cost_map()
    candidates = [key] + [key[len(p) :] for p in _PREFIXES if key.startswith(p)]
    for candidate in candidates:
        entry = cost_map.get(candidate)
        if entry and "input_cost_per_token" in entry and "output_cost_per_token" in entry:
            return float(entry["input_cost_per_token"]), float(entry["output_cost_per_token"]), candidate
    return None


def resolve_model(key: str, api_base: str | None, stated: dict[str, tuple[float, float]]) -> LiveModel:
    """A LiveModel for `key`: the stated price, else litellm's; no known price is a LabError naming the closest keys."""
    key = key.strip()
    if not key:
        raise LabError("an empty model key: name models by their litellm key, e.g. --models gpt-4o-mini,gpt-4o")
    if key in stated:
        price_in, price_out = stated[key]
        return LiveModel(
            key=key,
            api_base=api_base,
            input_usd_per_token=price_in,
            output_usd_per_token=price_out,
            price_source="stated with --price",
        )
    found = _map_price(key)
    if found is None:
        near = closest_model_keys(key.split("/", 1)[-1] if key.startswith(_PREFIXES) else key)
        hint = f"closest known keys: {', '.join(near)}" if near else "no similar key is known"
        raise LabError(
            f"unknown model '{key}': litellm {litellm_version()}'s price map has no price for it ({hint}); "
            f"use a known key, or state its price with --price {key}=IN/OUT (USD per million input/output tokens, "
            "0/0 for a model that costs you nothing)"
        )
    price_in, price_out, matched = found
    source = f"litellm {litellm_version()} model_cost['{matched}']"
    if api_base is not None:
        source += " (served from your endpoint: state --price if it charges otherwise)"
    return LiveModel(
        key=key, api_base=api_base, input_usd_per_token=price_in, output_usd_per_token=price_out, price_source=source
    )


def parse_api_bases(values: list[str] | None) -> tuple[str | None, dict[str, str]]:
    """--api-base values: a bare URL (every model) and MODEL=URL entries (that model); checked."""
    default: str | None = None
    per_model: dict[str, str] = {}
    for value in values or []:
        model, sep, url = value.partition("=")
        if sep and "://" not in model:
            per_model[model.strip()] = check_api_base(url.strip())
        else:
            if default is not None:
                raise LabError("--api-base given twice without a model: write MODEL=URL for all but one endpoint")
            default = check_api_base(value.strip())
    return default, per_model
