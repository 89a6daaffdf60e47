"""Export page: the current view's LiteLLM config, snapshot and decisions CSV are offered for download."""

from __future__ import annotations

import yaml

from tests.pages.conftest import assert_clean, open_app

EXPORT_PAGE = "../../pages/export.py"


def _open(strategy: str):
    at = open_app({"strategy": strategy, "n": "2000"})
    at.switch_page(EXPORT_PAGE).run()
    return at


def _downloads(at) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def test_a_complexity_view_downloads_a_litellm_config_a_snapshot_and_decisions():
    at = _open("litellm-complexity")
    assert_clean(at)
    assert _downloads(at) == ["Download config.yaml", "Download snapshot.yaml", "Download decisions.csv"]
    config = yaml.safe_load(at.code[0].value)
    router = config["model_list"][-1]["litellm_params"]
    assert router["model"] == "auto_router/complexity_router"
    assert router["complexity_router_config"]["tier_boundaries"]["simple_medium"] == 0.15


def test_a_classifier_view_downloads_its_plugin_with_the_config():
    at = _open("classifier")
    assert_clean(at)
    assert _downloads(at)[0] == "Download config.yaml with its routing plugin (zip)"


def test_a_cascade_view_says_why_it_cannot_be_exported_and_still_offers_the_rest():
    at = _open("cascade")
    assert_clean(at)
    assert any("cannot be exported" in box.value for box in at.info)
    assert _downloads(at) == ["Download snapshot.yaml", "Download decisions.csv"]
