"""A LiteLLM configuration that routes as the lab measured: model_list, router_settings and the router itself.

Every export has one deployment per model (its model group is the model's litellm key; the API key is
`os.environ/NAME`, never a value; the lab's prices are written so LiteLLM's cost tracking agrees with the
lab's), `router_settings` (routing strategy, retries, timeout, and fallbacks from the lab's fallback
ordering: each model falls back to the next stronger one), and the entry point clients call
(`routing-lab` unless named otherwise):

- litellm-complexity: an `auto_router/complexity_router` deployment whose `complexity_router_config`
  carries the tuned boundaries and every setting its scorer reads, written out (LiteLLM marks the
  feature beta and moves its defaults between releases);
- length and classifier: the same complexity router with `classifier_type: custom`, whose classifier is
  the lab's router as a small plugin module written beside the config (routing_lab_plugin.py, with its
  parameters in routing_lab_plugin.json: no pickle, no dependency on the lab). LiteLLM's proxy loads it
  from a dotted path at startup, as it loads router_settings.plugins. A tier is a model group, so the
  fallbacks in router_settings apply to a routed request as to any other;
- always-<model>: that deployment alone, under the entry-point name.

In every routed config the complexity router's features that move a request off the tier its score
names (escalation keywords, housekeeping and plan-mode routing, stall and context-window escalation,
session affinity, adaptive and cache-aware picks, keyword rules) are written out switched off, so it
routes by the score alone, as the lab measured. The strategies whose router needs a model call at routing
time (cascade, llm-router) are simulated here and cannot be exported yet; random and the oracle are
yardsticks, not routers. Comments at the top say what the lab measured at this setting, on which data,
with intervals, and its caveats.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from inspect import getsource
from types import MappingProxyType
from typing import Literal

import numpy as np
import yaml

from lab.core.complexity import (
    OVERRIDE_MIN_SCORE,
    TIER_NAMES,
    boundaries_for,
    check_model_count,
    import_litellm,
    scorer_settings,
    tier_models,
)
from lab.core.errors import LabError
from lab.core.experiment import Experiment, run, signals_for
from lab.core.metrics import Summary
from lab.core.models import ModelSpec
from lab.core.routing import assign_tiers, check_thresholds
from lab.core.strategies import StrategyInfo, strategy_info
from lab.export import plugin_module
from lab.export.plugin_params import PluginParams, classifier_plugin, length_plugin

ROUTER_NAME = "routing-lab"
PLUGIN_MODULE = "routing_lab_plugin"  # the file names beside the config: routing_lab_plugin.py / .json
FallbackOrdering = Literal["next-stronger", "retry-then-next", "no-fallback"]
FALLBACK_ORDERINGS: tuple[str, ...] = ("next-stronger", "retry-then-next", "no-fallback")  # the lab's outage orderings
RETRIES = MappingProxyType({"next-stronger": 0, "retry-then-next": 1, "no-fallback": 0})

# The variable LiteLLM reads each provider's key from (litellm.validate_environment names it; a test checks).
API_KEY_ENV = MappingProxyType(
    {
        "openai": "OPENAI_API_KEY",
        "anthropic": "ANTHROPIC_API_KEY",
        "together_ai": "TOGETHERAI_API_KEY",
        "gemini": "GEMINI_API_KEY",
        "mistral": "MISTRAL_API_KEY",
        "groq": "GROQ_API_KEY",
        "deepseek": "DEEPSEEK_API_KEY",
        "fireworks_ai": "FIREWORKS_AI_API_KEY",
        "openrouter": "OPENROUTER_API_KEY",
        "cohere": "COHERE_API_KEY",
        "xai": "XAI_API_KEY",
        "perplexity": "PERPLEXITYAI_API_KEY",
        "cerebras": "CEREBRAS_API_KEY",
        "deepinfra": "DEEPINFRA_API_KEY",
    }
)

# Complexity-router features that would move a request off the tier its score names: off, written out.
SCORE_ONLY_SETTINGS: MappingProxyType[str, object] = MappingProxyType(
    {
        "escalation_keywords": [],
        "keyword_tier_rules": [],
        "semantic_keyword_matching": False,
        "route_housekeeping_to_cheapest_tier": False,
        "plan_mode_min_tier": None,
        "stall_escalation_enabled": False,
        "enable_context_window_escalation": False,
        "modality_routing": False,
        "cache_aware_routing": False,
        "session_affinity": False,
        "deployment_affinity": False,
        "adaptive": False,
        "classification_mode": "every_request",
        "enable_non_reasoning_tier": False,
    }
)

NOT_EXPORTABLE = MappingProxyType(
    {
        "random": "random is the baseline every router must beat, not a router to deploy",
        "cascade": (
            "the cascade cannot be exported yet: it needs model calls at routing time (the cheapest model's answer "
            "and a confidence scorer's verdict), which LiteLLM's Router does not make; `routing-lab live run` measures "
            "it with real calls (docs/live.md)"
        ),
        "llm-router": (
            "the LLM router cannot be exported yet: it needs a model call at routing time (the router model's "
            "rating), which LiteLLM's Router does not make; `routing-lab live run` measures it with real calls "
            "(docs/live.md)"
        ),
    }
)


@dataclass(frozen=True)
class ExportOptions:
    """How the export is written: the entry point's name, the fallback ordering, timeout and API key variables."""

    router_name: str = ROUTER_NAME
    fallback: FallbackOrdering = "next-stronger"
    timeout_s: float = 60.0
    api_key_env: tuple[tuple[str, str], ...] = ()  # (model key, variable name) overrides


@dataclass(frozen=True, eq=False)
class LiteLLMExport:
    """An exported configuration: its files (name -> text), and the route the lab predicts for each query."""

    strategy: str
    thresholds: tuple[float, ...]
    config: dict
    header: tuple[str, ...]
    summary: Summary
    lab_tiers: np.ndarray  # (n,) model index the lab predicts LiteLLM picks for each query of the experiment
    deployment_ids: tuple[str, ...]  # model_info.id of each model's deployment, cheapest first
    plugin_params: dict | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def config_text(self) -> str:
        """The YAML file: comment header, then the configuration."""
        body = yaml.safe_dump(self.config, sort_keys=False, allow_unicode=True, width=120)
        return "\n".join(f"# {line}" if line else "#" for line in self.header) + "\n\n" + body

    def files(self, config_name: str = "config.yaml") -> dict[str, str]:
        """Every file of the export by name: the config, and the plugin module and its parameters where it has them."""
        out = {config_name: self.config_text}
        if self.plugin_params is not None:
            out[f"{PLUGIN_MODULE}.py"] = getsource(plugin_module)
            out[f"{PLUGIN_MODULE}.json"] = params_json(self.plugin_params)
        return out


def params_json(params: dict) -> str:
    """Plugin parameters as JSON: one top-level key per line, long arrays on one line (floats round-trip exactly)."""
    lines = [f" {json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}" for key, value in params.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def unexportable_reason(info: StrategyInfo) -> str | None:
    """Why a strategy cannot be exported as a LiteLLM config (None when it can)."""
    if info.hindsight:
        return f"{info.name} reads each query's outcomes in hindsight: it is an upper bound, not a router to deploy"
    return NOT_EXPORTABLE.get(info.name)


def check_order(thresholds: tuple[float, ...]) -> None:
    """Thresholds rise from the cheapest model's boundary to the strongest's (a gateway cannot skip a tier backwards)."""
    if any(b < a for a, b in itertools.pairwise(thresholds)):
        raise LabError(
            f"thresholds {', '.join(f'{t:g}' for t in thresholds)} are out of order: give them cheapest boundary "
            "first, each at least the one before"
        )


def api_key_variable(spec: ModelSpec, overrides: dict[str, str]) -> str:
    """The environment variable holding a model's API key: given, else the one LiteLLM reads for its provider."""
    litellm = import_litellm()
    try:
        _, provider, _, _ = litellm.get_llm_provider(model=spec.key)
    except Exception:  # litellm raises its BadRequestError (and others) for a name it cannot place
        raise LabError(
            f"model '{spec.key}' is not a litellm model key (litellm finds no provider for it): give the scenario "
            "model the key LiteLLM calls it by, e.g. openai/gpt-4o-mini or together_ai/<org>/<model>"
        ) from None
    if spec.key in overrides:
        name = overrides[spec.key]
        if not name.replace("_", "").isalnum() or not name[:1].isalpha():
            raise LabError(f"--api-key-env {spec.key}={name}: a variable name is letters, digits and _ (e.g. MY_KEY)")
        return name
    known = API_KEY_ENV.get(provider)
    if known is None:
        raise LabError(
            f"model '{spec.key}' (provider {provider}) needs more than one API key variable or one the lab does not "
            f"know: pass --api-key-env {spec.key}=NAME and add the provider's other settings to the config by hand"
        )
    return known


def deployment(spec: ModelSpec, group: str, key_variable: str, deployment_id: str) -> dict:
    """One model_list entry: the model, its API key by reference, the lab's prices, a stable id."""
    return {
        "model_name": group,
        "litellm_params": {
            "model": spec.key,
            "api_key": f"os.environ/{key_variable}",
            "input_cost_per_token": spec.input_usd_per_token,
            "output_cost_per_token": spec.output_usd_per_token,
        },
        "model_info": {"id": deployment_id},
    }


def router_settings(groups: list[str], options: ExportOptions, fallbacks: bool = True) -> dict:
    """Routing strategy, retries and timeout, and each model group's fallback to the next stronger one."""
    settings: dict = {
        "routing_strategy": "simple-shuffle",
        "num_retries": RETRIES[options.fallback],
        "timeout": float(options.timeout_s),
        "fallbacks": [],
    }
    if fallbacks and options.fallback != "no-fallback":
        settings["fallbacks"] = [{weak: [strong]} for weak, strong in itertools.pairwise(groups)]
    return settings


def _complexity_config(names: list[str], thresholds: tuple[float, ...]) -> dict:
    return {
        **scorer_settings(),
        "tiers": tier_models(names),
        "tier_boundaries": boundaries_for(thresholds),
        "default_model": names[0],  # a request with no user text: litellm's scorer puts it in the cheapest tier too
        **SCORE_ONLY_SETTINGS,
    }


def _plugin_config(names: list[str]) -> dict:
    return {
        "classifier_type": "custom",
        "classifier_plugin": f"{PLUGIN_MODULE}.classifier",
        "classifier_plugin_timeout_ms": 3000,
        "classifier_fallback": "default_model",
        "default_model": names[-1],  # should the plugin fail, the strongest model answers (quality first)
        "tiers": tier_models(names),
        **SCORE_ONLY_SETTINGS,
    }


def _header(
    experiment: Experiment,
    strategy: str,
    thresholds: tuple[float, ...],
    summary: Summary,
    extra: tuple[str, ...],
    fixed: bool,
) -> tuple[str, ...]:
    s = experiment.scenario
    data = f"{s.title or s.name} ({experiment.queries.n_queries:,} queries, seed {s.seed})"
    shares = ", ".join(f"{name} {share:.1%}" for name, share in summary.call_share.items())
    lines = [
        f"LiteLLM configuration exported by Routing Lab for strategy '{strategy}' on {data}.",
        f"Checked against litellm {package_version('litellm')}; the project pins litellm >=1.110.2,<1.111.",
        f"Thresholds (the lab routes a query up when its score > threshold): {', '.join(f'{t:.4g}' for t in thresholds)}."
        if not fixed
        else "Thresholds: none (every request goes to one model).",
        "",
        "What the lab measured at this setting (95% bootstrap intervals over the queries):",
        f"  quality retained {summary.quality_retained:.1%} [{summary.quality_retained_ci[0]:.1%}, "
        f"{summary.quality_retained_ci[1]:.1%}] of always-strongest's",
        f"  savings {summary.savings:.1%} [{summary.savings_ci[0]:.1%}, {summary.savings_ci[1]:.1%}] against always-strongest",
        f"  calls: {shares}; strongest model's share {summary.strong_share:.1%}",
        f"  monthly cost ${summary.monthly_cost_usd:,.0f} [${summary.monthly_cost_ci[0]:,.0f}, "
        f"${summary.monthly_cost_ci[1]:,.0f}] at {summary.queries_per_day:,.0f} queries a day "
        f"(always-strongest ${summary.baseline_monthly_cost_usd:,.0f})",
        "",
        "Caveats:",
        f"  tuned on this data only ({s.name}); traffic unlike it routes differently: measure on your own logs first",
        *(f"  {note}" for note in (*experiment.notes, *extra)),
    ]
    return tuple(lines)


def litellm_export(
    experiment: Experiment, strategy: str, thresholds: list[float] | tuple[float, ...], options: ExportOptions
) -> LiteLLMExport:
    """A LiteLLM configuration routing as `strategy` at `thresholds`; any problem is a LabError saying what to change."""
    models = list(experiment.models)
    info = strategy_info(strategy, models)
    reason = unexportable_reason(info)
    if reason is not None:
        raise LabError(f"cannot export '{strategy}' to LiteLLM: {reason}")
    if options.fallback not in FALLBACK_ORDERINGS:
        raise LabError(f"unknown fallback ordering '{options.fallback}'; known: {', '.join(FALLBACK_ORDERINGS)}")
    if not options.timeout_s > 0:
        raise LabError(f"timeout {options.timeout_s:g} s: give a positive number of seconds")
    values = check_thresholds(thresholds, experiment.queries.n_models)
    check_order(values)
    keys = [spec.key for spec in models]
    if len(set(keys)) < len(keys):
        raise LabError(
            f"two models share the litellm key '{next(k for k in keys if keys.count(k) > 1)}'; each tier needs its own"
        )
    overrides = dict(options.api_key_env)
    unknown = sorted(set(overrides) - set(keys))
    if unknown:
        raise LabError(f"--api-key-env names '{unknown[0]}', which is not a model of this scenario ({', '.join(keys)})")
    if not options.router_name.strip() or options.router_name in keys:
        raise LabError(
            f"--router-name '{options.router_name}': name the entry point something other than a model key, e.g. routing-lab"
        )
    fixed = info.fixed_tier_of(len(models))
    used = [models[fixed]] if fixed is not None else models  # a fixed strategy needs its one model's key only
    variable_of = {spec.key: api_key_variable(spec, overrides) for spec in used}
    variables = [variable_of.get(spec.key, "") for spec in models]
    ids = tuple(f"{options.router_name}-tier-{k}" for k in range(len(models)))
    signals = signals_for(experiment, strategy)
    _, summary = run(experiment, signals, values)
    n = experiment.queries.n_queries
    plugin: PluginParams | None = None
    if fixed is not None:
        spec = models[fixed]
        config = {
            "model_list": [deployment(spec, options.router_name, variables[fixed], ids[fixed])],
            "router_settings": router_settings([options.router_name], options, fallbacks=False),
        }
        lab_tiers = np.full(n, fixed, dtype=np.int8)
        extra: tuple[str, ...] = ("every request goes to this one deployment: no routing, no fallback",)
    else:
        check_model_count(len(models))
        model_list = [deployment(spec, spec.key, var, i) for spec, var, i in zip(models, variables, ids)]
        if strategy == "litellm-complexity":
            if values[-1] >= 1.0:
                raise LabError(
                    "a last threshold of 1 sends nothing to the strongest model, but LiteLLM's reasoning-marker "
                    "override still sends prompts with two or more reasoning markers to its top tier: use a threshold below 1"
                )
            router_config = _complexity_config(keys, values)
            lab_tiers = assign_tiers(signals, values)
            extra = (
                "the tier boundaries below are the lab's thresholds, the same numbers: the lab scores each prompt as "
                "the float just above LiteLLM's score, so its score > threshold is LiteLLM's score >= boundary; prompts "
                f"with two or more reasoning markers scoring at least {OVERRIDE_MIN_SCORE} go to the top tier whatever the boundaries",
            )
        else:
            tier_names = list(TIER_NAMES[: len(models)])
            build = {"length": length_plugin, "classifier": classifier_plugin}.get(strategy)
            if build is None:
                raise LabError(f"cannot export '{strategy}' to LiteLLM: no exporter for it")
            plugin = build(experiment, values, tier_names)
            router_config = _plugin_config(keys)
            lab_tiers = plugin.lab_tiers
            extra = (
                f"the router is {PLUGIN_MODULE}.py beside this file, its parameters in {PLUGIN_MODULE}.json: "
                "keep all three files together",
                *plugin.notes,
            )
        model_list.append(
            {
                "model_name": options.router_name,
                "litellm_params": {"model": "auto_router/complexity_router", "complexity_router_config": router_config},
                "model_info": {"id": f"{options.router_name}-router"},
            }
        )
        config = {"model_list": model_list, "router_settings": router_settings(keys, options)}
        extra = (
            *extra,
            f"clients call model '{options.router_name}'; the router's own features that move a request off its "
            "scored tier are switched off below, so it routes by the score alone as the lab measured",
        )
    needed = ", ".join(sorted(set(variable_of.values())))
    extra = (*extra, f"set {needed} in the gateway's environment (the keys are read from there, never written here)")
    return LiteLLMExport(
        strategy=strategy,
        thresholds=values,
        config=config,
        header=_header(experiment, strategy, values, summary, extra, fixed is not None),
        summary=summary,
        lab_tiers=lab_tiers,
        deployment_ids=ids,
        plugin_params=plugin.params if plugin is not None else None,
    )
