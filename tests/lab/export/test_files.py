"""Exports are written all or nothing: a bad path leaves no file, half-file or temporary file behind."""

from __future__ import annotations

import pytest

from lab.core.errors import LabError
from lab.export.files import write_files


def test_every_file_appears_whole(tmp_path):
    written = write_files({tmp_path / "config.yaml": "a: 1\n", tmp_path / "plugin.py": "x = 1\n"})
    assert [p.name for p in written] == ["config.yaml", "plugin.py"]
    assert (tmp_path / "config.yaml").read_text() == "a: 1\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "config.yaml",
        "plugin.py",
    ]


def test_an_existing_file_is_replaced_only_when_everything_is_ready(tmp_path):
    (tmp_path / "config.yaml").write_text("old\n")
    (tmp_path / "plugin.py").mkdir()  # the second target cannot be written
    with pytest.raises(LabError, match="plugin.py"):
        write_files({tmp_path / "config.yaml": "new\n", tmp_path / "plugin.py": "x = 1\n"})
    assert (tmp_path / "config.yaml").read_text() == "old\n"  # untouched: nothing half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "plugin.py"]  # no temporary file left


@pytest.mark.parametrize("where", ["missing/config.yaml", "a-file/config.yaml"])
def test_an_unwritable_path_is_one_clear_error(tmp_path, where):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(LabError, match="cannot write"):
        write_files({tmp_path / where: "a: 1\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
