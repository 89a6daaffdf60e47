"""A user's YAML: one line naming the file and the line where it broke, or what the mapping should hold."""

from __future__ import annotations

import pytest

from lab.core.errors import LabError
from lab.core.yaml_text import parse_yaml_mapping


def test_a_mapping_comes_back_as_written() -> None:
    assert parse_yaml_mapping("name: a\nmodels: [x, y]\n", "s.yaml", "a scenario is a mapping") == {
        "name": "a",
        "models": ["x", "y"],
    }


def test_broken_yaml_names_the_file_and_line() -> None:
    with pytest.raises(LabError, match=r"^s\.yaml: line 2 is not valid YAML"):
        parse_yaml_mapping("name: a\n  - broken: [\n", "s.yaml", "a scenario is a mapping")


@pytest.mark.parametrize("text", ["- a\n- b\n", "just words\n", ""])
def test_anything_but_a_mapping_says_what_it_should_hold(text: str) -> None:
    with pytest.raises(LabError, match=r"^w\.yaml: a workshop is a YAML mapping$"):
        parse_yaml_mapping(text, "w.yaml", "a workshop is a YAML mapping")


def test_yaml_tags_that_run_code_are_refused() -> None:
    with pytest.raises(LabError, match="not valid YAML"):
        parse_yaml_mapping("a: !!python/object/apply:os.system ['true']\n", "s.yaml", "a mapping")
