"""Where the public outcome data lives, and fetching it from the pinned upstream commits (sha256-checked).

The data directory is, in order: the one given (the --data-dir flag, or the app's setting),
$ROUTING_LAB_DATA, else the user's cache directory (platformdirs). It mirrors the upstream
repositories' paths under routellm/ and routerarena/. Nothing here touches the network except
`download`, which runs only when the user asks for it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from lab.core.errors import LabError

ENV_VAR = "ROUTING_LAB_DATA"
MANIFEST_FILE = Path(__file__).resolve().parent / "data_manifest.sha256"
DOWNLOAD_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Upstream:
    """A public repository at a pinned commit, mirrored under `prefix` in the data directory."""

    prefix: str
    repo: str
    commit: str
    licence: str

    def url(self, local_path: str) -> str:
        """The raw-file URL of a local path at the pinned commit."""
        return f"https://github.com/{self.repo}/raw/{self.commit}/{local_path.removeprefix(self.prefix)}"


UPSTREAMS: tuple[Upstream, ...] = (
    Upstream("routellm/", "lm-sys/RouteLLM", "0b64fdafe049e596a3f5657c219329f24af24198", "Apache-2.0"),
    Upstream("routerarena/", "RouteWorks/RouterArena", "4714a9ad73e897a1241e73a86c9297fed2e871d8", "Apache-2.0"),
)

# Each public set: the path prefixes of its files in the data directory (licence included).
DATA_SETS: dict[str, tuple[str, ...]] = {
    "routellm-mmlu": ("routellm/LICENSE", "routellm/routellm/evals/mmlu/"),
    "routellm-gsm8k": ("routellm/LICENSE", "routellm/routellm/evals/gsm8k/"),
    "routellm-mt-bench": ("routellm/LICENSE", "routellm/routellm/evals/mt_bench/"),
    "routerarena": ("routerarena/",),
}

FileState = Literal["ok", "missing", "changed"]


@dataclass(frozen=True)
class DataDir:
    """A data directory and where its location came from (shown in messages)."""

    path: Path
    origin: str


@dataclass(frozen=True)
class FileStatus:
    """One manifest file in a data directory: ok (sha256 matches), missing or changed."""

    path: str
    state: FileState


@lru_cache(maxsize=1)
def manifest() -> dict[str, str]:
    """Local path -> expected sha256 of every public data file (the sums, not the data)."""
    sums: dict[str, str] = {}
    for line in MANIFEST_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, path = line.split(maxsplit=1)
            sums[path.strip()] = digest
    return sums


def set_files(name: str) -> list[str]:
    """The manifest paths a public data set needs."""
    if name not in DATA_SETS:
        raise LabError(f"unknown data set '{name}'; known: {', '.join(DATA_SETS)}")
    prefixes = DATA_SETS[name]
    return [path for path in manifest() if path.startswith(prefixes)]


def upstream_of(path: str) -> Upstream:
    """The upstream repository a manifest path comes from."""
    return next(up for up in UPSTREAMS if path.startswith(up.prefix))


def default_cache_dir() -> Path:
    """The user's cache directory for downloaded data (per platform)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("routing-lab")) / "data"


def resolve_data_dir(data_dir: str | Path | None = None) -> DataDir:
    """The data directory: the one given (flag or app setting), else $ROUTING_LAB_DATA, else the cache."""
    if data_dir is not None and str(data_dir).strip():
        return DataDir(Path(data_dir).expanduser(), "given with --data-dir or the app's setting")
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return DataDir(Path(env).expanduser(), f"${ENV_VAR}")
    return DataDir(default_cache_dir(), "the user cache")


def require_set(name: str, data_dir: str | Path | None = None) -> Path:
    """The data directory holding every file of a public set; else a LabError saying how to get it."""
    where = resolve_data_dir(data_dir)
    missing = [path for path in set_files(name) if not (where.path / path).is_file()]
    if missing:
        raise LabError(
            f"public data set '{name}' is not in {where.path} ({where.origin}; {len(missing)} of its files missing, "
            f"e.g. {missing[0]}): run `routing-lab data download` to fetch it from the pinned upstream commits "
            f"(sha256-checked), or point --data-dir or ${ENV_VAR} at a copy"
        )
    return where.path


def file_sha256(path: Path) -> str:
    """The sha256 of a file's contents (read in blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def status(data_dir: str | Path | None = None, sets: list[str] | None = None) -> tuple[DataDir, list[FileStatus]]:
    """Each manifest file of the chosen sets (default: all) in the data directory: ok, missing or changed."""
    where = resolve_data_dir(data_dir)
    paths = sorted({p for name in (sets or list(DATA_SETS)) for p in set_files(name)})
    expected = manifest()
    report = []
    for path in paths:
        file = where.path / path
        state: FileState = (
            "missing" if not file.is_file() else ("ok" if file_sha256(file) == expected[path] else "changed")
        )
        report.append(FileStatus(path, state))
    return where, report


def _fetch_url(url: str) -> bytes:
    import urllib.request  # here, not at module level: only a download needs it

    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        return response.read()


@dataclass(frozen=True)
class DownloadReport:
    """What `download` did: files fetched and files already present and intact."""

    data_dir: Path
    fetched: tuple[str, ...]
    already_ok: tuple[str, ...]


def download(
    data_dir: str | Path | None = None,
    sets: list[str] | None = None,
    fetch: Callable[[str], bytes] | None = None,
    progress: Callable[[str], None] | None = None,
) -> DownloadReport:
    """Fetch the chosen sets' missing or changed files from the pinned commits, checking each sha256.

    A file whose checksum does not match is not saved. No network reachable is a LabError that
    says so plainly. `fetch` (URL -> bytes) defaults to an HTTPS GET.
    """
    import urllib.error

    fetch = fetch or _fetch_url
    where, report = status(data_dir, sets)
    expected = manifest()
    fetched: list[str] = []
    kept: list[str] = []
    for item in report:
        if item.state == "ok":
            kept.append(item.path)
            continue
        url = upstream_of(item.path).url(item.path)
        if progress is not None:
            progress(f"fetching {item.path}")
        try:
            data = fetch(url)
        except urllib.error.HTTPError as exc:
            raise LabError(f"download failed: {url} answered HTTP {exc.code}; the pinned file may have moved") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc.__class__.__name__
            raise LabError(
                f"offline: cannot reach github.com to fetch {item.path} ({reason}); "
                f"{len(fetched)} file(s) fetched so far. Retry when online, or copy the data into {where.path} by hand"
            ) from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != expected[item.path]:
            raise LabError(
                f"checksum mismatch for {item.path}: expected sha256 {expected[item.path][:12]}..., got {digest[:12]}...; "
                "the file was not saved"
            )
        target = where.path / item.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(data)
            os.replace(partial, target)
        except OSError as exc:
            raise LabError(
                f"cannot write {target} ({exc.strerror or exc.__class__.__name__}); choose another --data-dir"
            ) from None
        fetched.append(item.path)
    return DownloadReport(where.path, tuple(fetched), tuple(kept))
