"""Scenario: a YAML file naming the query source, the models, the traffic, the router's knobs and defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lab import _paths as paths
from lab.core.errors import LabError
from lab.core.limits import MAX_QUERIES, MAX_SEED, MAX_TEXTS_PER_CATEGORY, MIN_QUERIES
from lab.core.models import ModelSpec
from lab.core.yaml_text import parse_yaml_mapping, read_named_yaml

# The text families of the synthetic generator (lab.sources.texts holds their templates).
TextFamily = Literal[
    "order_status",
    "refund",
    "account",
    "troubleshooting",
    "billing_dispute",
    "policy_reasoning",
    "chit_chat",
    "factual_lookup",
    "summarisation",
    "extraction",
    "coding_simple",
    "coding_debug",
    "coding_design",
    "math",
    "agentic",
]


SCENARIO_DIR = paths.SCENARIO_DIR


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Capability(_Strict):
    """P(model j answers query i well) = sigmoid(slope * (ability_j - difficulty_i)); draws correlated across models."""

    slope: float = Field(default=3.0, gt=0)
    outcome_correlation: float = Field(default=0.6, ge=0, le=1)
    residual_difficulty_sd: float = Field(default=0.35, ge=0)


class Category(_Strict):
    """A kind of query: its share of traffic, its difficulty and its typical answer length."""

    name: str
    family: TextFamily
    share: float = Field(gt=0)
    difficulty_mean: float
    difficulty_sd: float = Field(default=0.4, ge=0)
    output_tokens_mean: float = Field(default=200, gt=0)
    context_tokens_mean: float = Field(
        default=0, ge=0, description="attached context (document, history) sent with the prompt"
    )
    band: Literal["simple", "borderline", "frontier"] = "simple"


class SyntheticSource(_Strict):
    """Generated queries: realistic texts per category, latent difficulty, capability curve."""

    kind: Literal["synthetic"] = "synthetic"
    n_queries: int = Field(default=10_000, ge=MIN_QUERIES, le=MAX_QUERIES)
    texts_per_category: int = Field(default=3_000, ge=10, le=MAX_TEXTS_PER_CATEGORY)
    capability: Capability = Capability()
    categories: list[Category] = Field(min_length=1)


ReplayFormat = Literal["routellm-mmlu", "routellm-gsm8k", "routellm-mt-bench", "routerarena", "routerbench", "outcomes"]


class ReplaySource(_Strict):
    """Recorded outcomes replayed as recorded: a public data set or the user's own log."""

    kind: Literal["replay"] = "replay"
    format: ReplayFormat
    path: str | None = Field(
        default=None, description="a file (routerbench, outcomes); public sets come from the data directory"
    )
    source_models: list[str] | None = Field(
        default=None, description="columns of the source, cheapest first; default: all"
    )
    typical_output_tokens: dict[str, float] = Field(default_factory=dict)
    train_format: ReplayFormat | None = Field(
        default=None, description="cross-domain classifier: train on this set instead"
    )

    @model_validator(mode="after")
    def _check_replay(self) -> ReplaySource:
        if self.format in ("routerbench", "outcomes") and not self.path:
            raise ValueError(f"a '{self.format}' source needs path: the file to replay")
        if self.train_format in ("routerbench", "outcomes"):
            raise ValueError(
                "train_format must be a public set (routellm-mmlu, routellm-gsm8k, routellm-mt-bench, routerarena)"
            )
        if any(value <= 0 for value in self.typical_output_tokens.values()):
            raise ValueError("typical_output_tokens must be positive token counts")
        return self


Source = Annotated[SyntheticSource | ReplaySource, Field(discriminator="kind")]


class Traffic(_Strict):
    """Production traffic used for projections."""

    queries_per_day: float = Field(default=50_000, gt=0)
    growth_per_month: float = Field(default=0.0, ge=-0.5, le=5)


class ClassifierKnobs(_Strict):
    """TF-IDF + logistic regression, cross-fitted so no query is scored by a model trained on it."""

    folds: int = Field(default=2, ge=2, le=10)
    max_train_queries: int = Field(default=20_000, ge=50)
    regularisation_c: float = Field(default=2.0, gt=0)


class LlmRouterKnobs(_Strict):
    """A simulated LLM router: it picks the right tier with `accuracy`; `bias` > 0 leans to stronger tiers."""

    model: str | None = Field(default=None, description="litellm key of the router model; default: the cheapest model")
    accuracy: float = Field(default=0.8, ge=0, le=1)
    bias: float = Field(default=0.0, ge=-1, le=1)
    prompt_overhead_tokens: int = Field(default=250, ge=0)
    output_tokens: int = Field(default=4, ge=1)


class CascadeKnobs(_Strict):
    """A simulated confidence scorer on each answer: discrimination (AUROC) and calibration (temperature, bias)."""

    auroc: float = Field(default=0.85, ge=0.5, le=1)
    temperature: float = Field(default=1.0, gt=0, description="1 = calibrated; < 1 overconfident; > 1 underconfident")
    bias_logit: float = Field(default=0.0, description="shift of the scorer's log-odds; > 0 overconfident")
    scorer_model: str | None = Field(default=None, description="litellm key of the scorer; default: the cheapest model")
    scorer_overhead_tokens: int = Field(default=80, ge=0)
    scorer_output_tokens: int = Field(default=2, ge=1)
    pass_mark: float = Field(default=0.5, ge=0, le=1, description="an answer with quality >= pass_mark counts as good")


class SignalKnobs(_Strict):
    """Knobs of the strategies' signals."""

    classifier: ClassifierKnobs = ClassifierKnobs()
    llm_router: LlmRouterKnobs = LlmRouterKnobs()
    cascade: CascadeKnobs = CascadeKnobs()


class Defaults(_Strict):
    """What the lab opens with."""

    strategy: str = "cascade"
    thresholds: list[float] | None = None
    failures: dict[str, float] = Field(default_factory=dict)

    @field_validator("thresholds")
    @classmethod
    def _in_unit_interval(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and any(not 0 <= t <= 1 for t in value):
            raise ValueError("thresholds must lie in [0, 1]")
        return value


class Scenario(_Strict):
    """A whole scenario, validated on load."""

    name: str
    title: str | None = None
    description: str = ""
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    models: list[ModelSpec] = Field(min_length=2)
    source: Source
    traffic: Traffic = Traffic()
    signals: SignalKnobs = SignalKnobs()
    defaults: Defaults = Defaults()

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if isinstance(self.source, SyntheticSource):
            missing = [m.key for m in self.models if m.ability is None]
            if missing:
                raise ValueError(
                    f"synthetic scenarios need an ability for every model; missing for {', '.join(missing)}"
                )
        if self.defaults.thresholds is not None and len(self.defaults.thresholds) != len(self.models) - 1:
            raise ValueError(f"defaults.thresholds needs {len(self.models) - 1} values (one per tier boundary)")
        return self

    @property
    def replay(self) -> ReplaySource:
        """The source of a replay scenario; a synthetic one is an error saying so."""
        if not isinstance(self.source, ReplaySource):
            raise LabError(f"scenario '{self.name}' generates synthetic queries; it replays no recorded data")
        return self.source

    def with_queries(self, n_queries: int) -> Scenario:
        """A copy with another number of synthetic queries."""
        if not isinstance(self.source, SyntheticSource):
            raise LabError(f"scenario '{self.name}' replays recorded data; its number of queries is fixed")
        if not MIN_QUERIES <= n_queries <= MAX_QUERIES:
            raise LabError(f"{n_queries:,} queries: a synthetic scenario has {MIN_QUERIES:,} to {MAX_QUERIES:,}")
        return self.model_copy(update={"source": self.source.model_copy(update={"n_queries": n_queries})})


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenario names and their files."""
    return {path.stem: path for path in sorted(SCENARIO_DIR.glob("*.yaml"))}


def _describe_validation(error: ValidationError) -> str:
    first = error.errors()[0]
    # a discriminated union puts the tag ("synthetic", "replay") in the location: leave it out
    loc = [
        part
        for k, part in enumerate(first["loc"])
        if not (k > 0 and first["loc"][k - 1] == "source" and part in ("synthetic", "replay"))
    ]
    where = ".".join(str(part) for part in loc) or "(top level)"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def parse_scenario(text: str, origin: str = "<scenario>") -> Scenario:
    """A Scenario from YAML text; any problem is a LabError naming `origin` and where."""
    data = parse_yaml_mapping(text, origin, "a scenario is a YAML mapping with name, models and source")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise LabError(f"{origin}: {_describe_validation(exc)}") from None


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a scenario file by path."""
    text, origin = read_named_yaml(name_or_path, builtin_scenarios(), "scenario")
    return parse_scenario(text, origin=origin)
