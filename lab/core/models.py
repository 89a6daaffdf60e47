"""ModelSpec: one model a router can send a query to, with its prices and latency profile."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lab.core.pricing import litellm_version, token_prices_usd


class ModelSpec(BaseModel):
    """A model: litellm key, USD per token (litellm's unless stated), latency profile, capability."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="litellm model key, e.g. gpt-4o-mini")
    label: str | None = Field(default=None, description="name shown in charts; defaults to the key")
    # None until validated: an unstated price is read from litellm's map (typed float: after validation it is one)
    input_usd_per_token: float = Field(default=None, ge=0)  # type: ignore[assignment]
    output_usd_per_token: float = Field(default=None, ge=0)  # type: ignore[assignment]
    price_source: str | None = Field(default=None, description="where the prices come from")
    ttft_ms: float = Field(default=400.0, gt=0, description="time to first token")
    tokens_per_s: float = Field(default=80.0, gt=0, description="output tokens per second")
    ability: float | None = Field(
        default=None, description="synthetic capability (see the scenario's capability model)"
    )
    verbosity: float = Field(default=1.0, gt=0, description="multiplier on a category's typical answer length")

    @model_validator(mode="after")
    def _resolve_prices(self) -> ModelSpec:
        if self.input_usd_per_token is None or self.output_usd_per_token is None:
            price_in, price_out = token_prices_usd(self.key)
            object.__setattr__(
                self,
                "input_usd_per_token",
                self.input_usd_per_token if self.input_usd_per_token is not None else price_in,
            )
            object.__setattr__(
                self,
                "output_usd_per_token",
                self.output_usd_per_token if self.output_usd_per_token is not None else price_out,
            )
            if self.price_source is None:
                object.__setattr__(self, "price_source", f"litellm {litellm_version()} model_cost")
        elif self.price_source is None:
            object.__setattr__(self, "price_source", "stated in the scenario")
        return self

    @property
    def name(self) -> str:
        """The name shown to people."""
        return self.label or self.key

    def with_prices(self, input_usd_per_token: float, output_usd_per_token: float, source: str) -> ModelSpec:
        """A copy with other prices (an edited price, a re-pricing, a price-change failure)."""
        return self.model_copy(
            update={
                "input_usd_per_token": input_usd_per_token,
                "output_usd_per_token": output_usd_per_token,
                "price_source": source,
            }
        )
