"""Proof that LiteLLM accepts each exported config and routes real replay prompts exactly as the lab predicted.

Each export is written to disk, read back with yaml.safe_load, checked the way LiteLLM itself does not
(router_settings keys against Router's own argument list, their types, complexity_router_config keys
against LiteLLM's config model, which accepts unknown keys silently), validated with LiteLLM's
ComplexityRouterConfig, loaded into litellm.Router (a plugin resolved from its dotted path beside the
config, as LiteLLM's proxy resolves it) and sent a few hundred real prompts with mock_response: the
deployment LiteLLM picks is the lab's decision for every prompt. No network: mock responses, dummy keys.
"""

from __future__ import annotations

import ast
import asyncio
import os
from pathlib import Path

import numpy as np
import pytest
import yaml

from lab.core.experiment import signals_for, thresholds_for
from lab.core.scenario import load_scenario
from lab.export.files import write_files
from lab.export.litellm_config import ExportOptions, LiteLLMExport, litellm_export
from lab.sources.loader import load_experiment

DUMMY_KEYS = {"OPENAI_API_KEY": "sk-routing-lab-dummy", "TOGETHERAI_API_KEY": "together-routing-lab-dummy"}
SETTING_TYPES = {"routing_strategy": str, "num_retries": int, "timeout": (int, float), "fallbacks": list}


@pytest.fixture(scope="module")
def litellm_offline():
    """litellm imported offline, with dummy keys in the environment for the exported os.environ/ references."""
    from lab.core.complexity import import_litellm

    saved = {name: os.environ.get(name) for name in DUMMY_KEYS}
    os.environ.update(DUMMY_KEYS)
    yield import_litellm()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def experiments(data_dir):
    """The RouteLLM MMLU and GSM8K replays, the cross-domain MMLU-to-GSM8K one, and a 3-model synthetic scenario."""
    out = {name: load_experiment(load_scenario(name), data_dir) for name in ("routellm-mmlu", "routellm-gsm8k")}
    out["routellm-mmlu-to-gsm8k"] = load_experiment(load_scenario("routellm-mmlu-to-gsm8k"), data_dir)
    out["mixed-production"] = load_experiment(load_scenario("mixed-production").with_queries(3_000))
    return out


def sample_prompts(experiment, exported: LiteLLMExport, size: int, seed: int = 0) -> np.ndarray:
    """Query indices: random, every tier the lab routes to, and the prompts scoring nearest each threshold."""
    rng = np.random.default_rng(seed)
    n = experiment.queries.n_queries
    picked = [rng.choice(n, size=size // 2, replace=False)]
    for tier in np.unique(exported.lab_tiers):
        members = np.flatnonzero(exported.lab_tiers == tier)
        picked.append(rng.choice(members, size=min(len(members), size // 8), replace=False))
    score = signals_for(experiment, exported.strategy).score
    if score.ndim == 1:
        for t in exported.thresholds:
            picked.append(np.argsort(np.abs(score - t), kind="stable")[: size // 8])
    return np.unique(np.concatenate(picked))


def written(exported: LiteLLMExport, folder: Path) -> Path:
    """The export written to `folder` as a user gets it; the config's path."""
    write_files({folder / name: text for name, text in exported.files("config.yaml").items()})
    return folder / "config.yaml"


def check_config(config: dict, litellm) -> None:
    """What LiteLLM does not check for itself: setting names and types, router config keys, key references."""
    from litellm.router_api import router_init_args
    from litellm.router_strategy.complexity_router.config import ComplexityRouterConfig

    settings = config["router_settings"]
    assert set(settings) <= set(router_init_args())
    for key, kind in SETTING_TYPES.items():
        assert isinstance(settings[key], kind) and not isinstance(settings[key], bool), key
    groups = {entry["model_name"] for entry in config["model_list"]}
    for rule in settings["fallbacks"]:
        ((weak, stronger),) = rule.items()
        assert weak in groups and set(stronger) <= groups
    for entry in config["model_list"]:
        params = entry["litellm_params"]
        router_config = params.get("complexity_router_config")
        if router_config is None:
            assert params["api_key"].startswith("os.environ/") and params["api_key"][11:] in DUMMY_KEYS
            continue
        assert params["model"] == "auto_router/complexity_router"
        assert set(router_config) <= set(ComplexityRouterConfig.model_fields)  # LiteLLM would accept a typo silently
        assert set(router_config["tiers"].values()) <= groups


def resolve_plugins(config: dict, config_path: Path) -> dict:
    """The proxy's load step: a classifier_plugin dotted path becomes the instance in the module beside the config."""
    from litellm.proxy.types_utils.utils import get_instance_fn
    from litellm.router_strategy.complexity_router.config import ComplexityRouterConfig

    for entry in config["model_list"]:
        router_config = entry["litellm_params"].get("complexity_router_config")
        if router_config is None:
            continue
        if isinstance(router_config.get("classifier_plugin"), str):
            router_config["classifier_plugin"] = get_instance_fn(
                router_config["classifier_plugin"], config_file_path=str(config_path)
            )
        ComplexityRouterConfig.model_validate(router_config)
    return config


def routed_tiers(litellm, config: dict, exported: LiteLLMExport, texts: list[str]) -> np.ndarray:
    """The tier of the deployment LiteLLM's Router picks for each prompt (mock responses: no call leaves)."""
    router = litellm.Router(model_list=config["model_list"], **config["router_settings"])
    tier_of = {deployment_id: k for k, deployment_id in enumerate(exported.deployment_ids)}

    async def send() -> list[int]:
        picked = []
        for text in texts:
            response = await router.acompletion(
                model="routing-lab", messages=[{"role": "user", "content": text}], mock_response="ok"
            )
            picked.append(tier_of[response._hidden_params["model_id"]])
        return picked

    return np.array(asyncio.run(send()))


CASES = [
    ("routellm-mmlu", "litellm-complexity", None, 300),
    ("routellm-mmlu", "litellm-complexity", [0.0], 200),
    ("routellm-gsm8k", "litellm-complexity", [0.1], 200),
    ("routellm-gsm8k", "length", [0.6], 300),
    ("routellm-mmlu", "classifier", [0.3], 300),
    ("routellm-mmlu-to-gsm8k", "classifier", None, 200),
    ("mixed-production", "litellm-complexity", [0.0, 0.15], 150),
    ("mixed-production", "length", [0.4, 0.8], 150),
    ("mixed-production", "classifier", [0.3, 0.6], 150),
    ("routellm-gsm8k", "always-strongest", None, 40),
]


@pytest.mark.parametrize(("scenario", "strategy", "thresholds", "size"), CASES)
def test_litellm_accepts_the_export_and_routes_as_the_lab_predicted(
    litellm_offline, experiments, tmp_path, scenario, strategy, thresholds, size
):
    experiment = experiments[scenario]
    exported = litellm_export(experiment, strategy, thresholds or thresholds_for(experiment, strategy), ExportOptions())
    path = written(exported, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert all(value not in text for value in DUMMY_KEYS.values())  # keys by reference only
    config = yaml.safe_load(text)
    check_config(config, litellm_offline)
    resolve_plugins(config, path)
    index = sample_prompts(experiment, exported, size)
    assert len(np.unique(exported.lab_tiers[index])) == len(np.unique(exported.lab_tiers))  # every tier is exercised
    texts = [str(t) for t in experiment.queries.text[index]]
    assert np.array_equal(routed_tiers(litellm_offline, config, exported, texts), exported.lab_tiers[index])


def test_the_complexity_export_pins_every_scorer_setting_and_routes_by_score_alone(litellm_offline, experiments):
    from litellm.router_strategy.complexity_router.config import ComplexityRouterConfig

    from lab.core.complexity import LITELLM_DEFAULT_BOUNDARIES

    experiment = experiments["routellm-mmlu"]
    exported = litellm_export(
        experiment, "litellm-complexity", thresholds_for(experiment, "litellm-complexity"), ExportOptions()
    )
    router_config = exported.config["model_list"][-1]["litellm_params"]["complexity_router_config"]
    validated = ComplexityRouterConfig.model_validate(router_config)
    assert validated.tier_boundaries["simple_medium"] == LITELLM_DEFAULT_BOUNDARIES[0]  # its own default, exactly
    for key in ("dimension_weights", "token_thresholds", "code_keywords", "reasoning_keywords", "simple_keywords"):
        assert router_config[key], key
    assert router_config["escalation_keywords"] == [] and router_config["session_affinity"] is False
    assert exported.config["router_settings"]["fallbacks"] == [
        {"together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1": ["gpt-4-1106-preview"]}
    ]
    header = exported.config_text.split("\n\nmodel_list:")[0]
    assert "quality retained" in header and "savings" in header and "[" in header and "routellm-mmlu" in header


def test_fallback_orderings_become_retries_and_fallbacks(litellm_offline, experiments):
    experiment = experiments["mixed-production"]
    groups = [m.key for m in experiment.models]
    for ordering, retries, fallbacks in (
        ("next-stronger", 0, [{groups[0]: [groups[1]]}, {groups[1]: [groups[2]]}]),
        ("retry-then-next", 1, [{groups[0]: [groups[1]]}, {groups[1]: [groups[2]]}]),
        ("no-fallback", 0, []),
    ):
        exported = litellm_export(experiment, "length", [0.3, 0.7], ExportOptions(fallback=ordering, timeout_s=30))
        settings = exported.config["router_settings"]
        assert (settings["num_retries"], settings["fallbacks"], settings["timeout"]) == (retries, fallbacks, 30.0)


def test_the_plugin_module_depends_on_nothing_from_the_lab():
    source = Path(__file__).resolve().parents[3] / "lab" / "export" / "plugin_module.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "itertools", "json", "math", "re", "pathlib", "typing", "litellm"}


def test_each_providers_key_variable_is_the_one_litellm_reads(litellm_offline, monkeypatch):
    from lab.export.litellm_config import API_KEY_ENV

    for provider, variable in API_KEY_ENV.items():
        monkeypatch.delenv(variable, raising=False)
        assert litellm_offline.get_llm_provider(model=f"{provider}/some-model")[1] == provider
        assert variable in litellm_offline.validate_environment(model=f"{provider}/some-model")["missing_keys"], (
            provider
        )
