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


def test_a_named_yaml_is_a_builtin_by_name_or_a_file_by_path(tmp_path) -> None:
    from lab.core.yaml_text import read_named_yaml

    builtin = tmp_path / "default.yaml"
    builtin.write_text("name: default\n", encoding="utf-8")
    assert read_named_yaml("default", {"default": builtin}, "workshop") == ("name: default\n", str(builtin))
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\n", encoding="utf-8")
    assert read_named_yaml(mine, {"default": builtin}, "workshop") == ("name: mine\n", str(mine))
    with pytest.raises(LabError, match=r"^unknown workshop 'nope': not a built-in \(default\) and no such file$"):
        read_named_yaml("nope", {"default": builtin}, "workshop")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(LabError, match="cannot read the scenario .*save it as UTF-8 YAML"):
        read_named_yaml(latin, {}, "scenario")
