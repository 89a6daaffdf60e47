"""The data directory: where it is found, its sha256 status, and downloads (with a fake network: no network in tests)."""

from __future__ import annotations

import shutil
import urllib.error

import pytest

from lab.core.errors import LabError
from lab.sources.datadir import (
    DATA_SETS,
    ENV_VAR,
    UPSTREAMS,
    default_cache_dir,
    download,
    manifest,
    require_set,
    resolve_data_dir,
    set_files,
    status,
)


def test_manifest_is_the_shared_sums(data_dir):
    shared = {}
    for line in (data_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, path = line.split(maxsplit=1)
        shared[path.strip()] = digest
    assert manifest() == shared
    covered = {p for name in DATA_SETS for p in set_files(name)}
    assert covered == set(shared)  # every file belongs to a set, licences included


def test_sets_name_their_files():
    assert len(set_files("routellm-mmlu")) == 59  # 57 subjects, contamination list, licence
    assert "routerarena/model_cost/cost.json" in set_files("routerarena")
    with pytest.raises(LabError, match="unknown data set"):
        set_files("imagenet")


def test_urls_point_at_the_pinned_commits():
    path = "routellm/routellm/evals/gsm8k/gsm8k_responses.csv"
    routellm = next(u for u in UPSTREAMS if u.repo == "lm-sys/RouteLLM")
    assert (
        routellm.url(path)
        == f"https://github.com/lm-sys/RouteLLM/raw/{routellm.commit}/routellm/evals/gsm8k/gsm8k_responses.csv"
    )
    assert all(len(u.commit) == 40 for u in UPSTREAMS)


def test_resolution_order(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "flag").path == tmp_path / "flag"
    assert resolve_data_dir(None).path == tmp_path / "env" and ENV_VAR in resolve_data_dir(None).origin
    monkeypatch.delenv(ENV_VAR)
    assert resolve_data_dir(None).path == default_cache_dir()
    assert "routing-lab" in str(default_cache_dir())


def test_status_sees_ok_missing_and_changed(data_dir, tmp_path):
    where, report = status(data_dir)
    assert where.path == data_dir and {f.state for f in report} == {"ok"}
    shutil.copytree(data_dir / "routerarena", tmp_path / "routerarena")
    changed = tmp_path / "routerarena" / "model_cost" / "cost.json"
    changed.chmod(0o644)
    changed.write_text("{}", encoding="utf-8")
    _, report = status(tmp_path, ["routerarena", "routellm-gsm8k"])
    states = {f.path: f.state for f in report}
    assert states["routerarena/model_cost/cost.json"] == "changed"
    assert states["routerarena/LICENSE"] == "ok"
    assert states["routellm/routellm/evals/gsm8k/gsm8k_responses.csv"] == "missing"


def test_require_set_says_where_it_looked_and_how_to_fetch(tmp_path):
    with pytest.raises(LabError) as caught:
        require_set("routellm-gsm8k", tmp_path)
    message = str(caught.value)
    assert str(tmp_path) in message and "routing-lab data download" in message and ENV_VAR in message


def _fake_network(data_dir, calls):
    """A fetch that serves the shared copy for each pinned URL (what GitHub would answer)."""
    by_url = {}
    for path in manifest():
        up = next(u for u in UPSTREAMS if path.startswith(u.prefix))
        by_url[up.url(path)] = data_dir / path

    def fetch(url: str) -> bytes:
        calls.append(url)
        return by_url[url].read_bytes()

    return fetch


def test_download_fetches_checks_and_skips_what_is_there(data_dir, tmp_path):
    calls: list[str] = []
    report = download(tmp_path, ["routellm-gsm8k"], fetch=_fake_network(data_dir, calls))
    assert len(report.fetched) == 3 and not report.already_ok
    assert all(url.startswith("https://github.com/lm-sys/RouteLLM/raw/") for url in calls)
    assert require_set("routellm-gsm8k", tmp_path) == tmp_path
    again = download(tmp_path, ["routellm-gsm8k"], fetch=_fake_network(data_dir, calls))
    assert again.fetched == () and len(again.already_ok) == 3 and len(calls) == 3


def test_a_corrupted_download_is_not_saved(tmp_path):
    with pytest.raises(LabError, match="checksum mismatch"):
        download(tmp_path, ["routellm-mt-bench"], fetch=lambda url: b"<html>moved</html>")
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_offline_is_said_plainly(tmp_path):
    def offline(url: str) -> bytes:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    with pytest.raises(LabError, match="^offline: cannot reach github.com"):
        download(tmp_path, ["routerarena"], fetch=offline)


def test_http_errors_name_the_url(tmp_path):
    def gone(url: str) -> bytes:
        raise urllib.error.HTTPError(url, 404, "Not Found", None, None)

    with pytest.raises(LabError, match="HTTP 404"):
        download(tmp_path, ["routerarena"], fetch=gone)
