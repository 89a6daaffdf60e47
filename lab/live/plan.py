"""A live run's plan: the models, the router and the judge, the prompts, and the settings that bound it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lab.core.errors import LabError
from lab.live.models import LiveModel, parse_api_bases, parse_price, resolve_model
from lab.live.prompts import PromptTemplates
from lab.live.replies import CONFIDENCE_FALLBACK, ROUTER_FALLBACK_RATING


class LiveSettings(BaseModel):
    """How a run calls: concurrency, budget, token limits, timeouts, retries and the reservation margin."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    budget_usd: float = Field(gt=0, description="hard cap on everything the run spends")
    concurrency: int = Field(default=4, ge=1, le=256, description="calls in flight per model")
    max_tokens: int = Field(default=512, ge=1, le=200_000, description="answer length limit (and its worst case)")
    router_max_tokens: int = Field(default=16, ge=1)
    judge_max_tokens: int = Field(default=16, ge=1)
    confidence_max_tokens: int = Field(default=16, ge=1)
    timeout_s: float = Field(default=60.0, gt=0, description="per attempt")
    max_attempts: int = Field(default=4, ge=1, le=20, description="first try plus retries, per call")
    backoff_base_s: float = Field(default=0.5, ge=0)
    backoff_max_s: float = Field(default=30.0, ge=0)
    retry_after_max_s: float = Field(default=120.0, ge=0, description="a longer Retry-After fails the call instead")
    prompt_token_margin: float = Field(
        default=0.25,
        ge=0,
        description="reserved on top of the offline prompt count (other tokenizers count differently)",
    )
    expected_output_tokens: int = Field(default=200, ge=1, description="answer length the expected cost assumes")
    seed: int = Field(default=0, description="backoff jitter and sampling")


class LivePlan(BaseModel):
    """What to call: the models (cheapest first), the router and judge models, the prompts and the settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    models: list[LiveModel] = Field(min_length=2)
    router: LiveModel | None = None
    judge: LiveModel | None = None
    templates: PromptTemplates = PromptTemplates()
    settings: LiveSettings

    @model_validator(mode="after")
    def _distinct(self) -> LivePlan:
        keys = [m.key for m in self.models]
        if len(set(keys)) != len(keys):
            raise ValueError(f"a model is named twice in {', '.join(keys)}")
        return self

    def model(self, key: str) -> LiveModel:
        """The LiveModel with this key (an answer model, the router or the judge)."""
        for candidate in [*self.models, self.router, self.judge]:
            if candidate is not None and candidate.key == key:
                return candidate
        raise LabError(f"no model '{key}' in this run")

    def header(self) -> dict:
        """What the log records about the plan: models, endpoint hosts, prices, prompts, limits (no key)."""
        s = self.settings
        return {
            "models": [m.public() for m in self.models],
            "router_model": None if self.router is None else self.router.key,
            "router": None if self.router is None else self.router.public(),
            "judge_model": None if self.judge is None else self.judge.key,
            "judge": None if self.judge is None else self.judge.public(),
            "templates": self.templates.model_dump(),
            "max_tokens": s.max_tokens,
            "router_max_tokens": s.router_max_tokens,
            "judge_max_tokens": s.judge_max_tokens,
            "confidence_max_tokens": s.confidence_max_tokens,
            "router_fallback_rating": ROUTER_FALLBACK_RATING,
            "confidence_fallback": CONFIDENCE_FALLBACK,
        }


def plan_from_options(
    model_keys: list[str],
    settings: LiveSettings,
    api_bases: list[str] | None = None,
    prices: list[str] | None = None,
    router: str | None = None,
    judge: str | None = None,
) -> LivePlan:
    """A plan from the options people give (CLI or app): keys cheapest first, 'URL' or 'MODEL=URL' endpoints,
    'MODEL=IN/OUT' prices per million tokens, a router key (None: the cheapest model; 'none': no router), a judge."""
    stated: dict[str, tuple[float, float]] = {}
    for text in prices or []:
        key, price_in, price_out = parse_price(text)
        stated[key] = (price_in, price_out)
    default_base, per_model_base = parse_api_bases(api_bases)

    def model(key: str) -> LiveModel:
        return resolve_model(key, per_model_base.get(key, default_base), stated)

    keys = [k.strip() for k in model_keys if k.strip()]
    if len(keys) < 2:
        raise LabError(f"models '{', '.join(keys)}': name two or more litellm keys, cheapest first")
    if len(set(keys)) != len(keys):
        raise LabError(f"models '{', '.join(keys)}': a model is named twice")
    models = [model(key) for key in keys]
    unknown = set(per_model_base) - set(keys) - {judge, router}
    if unknown:
        raise LabError(f"--api-base names a model that is not in the run: {', '.join(sorted(unknown))}")
    if router is not None and router.strip().lower() == "none":
        router_model = None
    else:
        router_model = model(router) if router else models[0]
    return LivePlan(models=models, router=router_model, judge=model(judge) if judge else None, settings=settings)
