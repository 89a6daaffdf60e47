"""The query-set cache: replayed and generated query sets (with their token counts) on disk, so a new process
skips parsing and generating.

Replaying a public set parses its files and counts every prompt's tokens, and generating a synthetic set
writes its prompts and counts their tokens (loading the tokenizer alone takes about 0.4 s); the result is stored as
one .npz file (numpy arrays and a JSON header; never pickle) in the user's cache directory
($ROUTING_LAB_CACHE overrides it; `off` turns the cache off). An entry is found by its key: the
sha256 of the source files' contents (none for a generated set), the lab's version and its code, the
tokenizer's versions and the scenario's choices (models, output lengths, name; a generated set's whole
source description and seed). The key is stored inside the file as well and
checked on every read: a file whose key differs, or that is corrupted or truncated, is ignored and
rebuilt. Writers write a temporary file and rename it into place (os.replace), so two processes
writing the same entry at once leave one whole file. At most MAX_ENTRIES files and MAX_BYTES are
kept; the least recently used go first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from lab.core.errors import LabError
from lab.core.queryset import QuerySet

ENV_VAR = "ROUTING_LAB_CACHE"
FORMAT_VERSION = 2  # bump when the file layout changes (2: text columns stored once per distinct text)
MAX_ENTRIES = 16
MAX_BYTES = 2_000_000_000
STALE_TEMP_S = 3_600.0  # a temporary file this old was left by a writer that died
_SEPARATOR = "\x00"  # between texts in a stored text column (a text holding it is not cached)
_LAB_ROOT = Path(__file__).resolve().parents[1]  # lab/


def cache_dir() -> Path | None:
    """Where query sets are cached: $ROUTING_LAB_CACHE/querysets, else the user's cache; None when turned off."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env.lower() == "off":
        return None
    if env:
        return Path(env).expanduser() / "querysets"
    import platformdirs

    return Path(platformdirs.user_cache_dir("routing-lab")) / "querysets"


@lru_cache(maxsize=1)
def lab_version() -> str:
    """The lab's package version and a digest of its code (a change to any module invalidates the cache)."""
    import importlib.metadata

    digest = hashlib.sha256()
    for path in sorted(_LAB_ROOT.rglob("*.py")):
        digest.update(path.relative_to(_LAB_ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    versions = []
    for package in ("routing-lab", "tiktoken", "litellm", "numpy"):  # litellm ships the tokenizer files
        try:
            versions.append(f"{package}={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    return ",".join(versions) + f",code={digest.hexdigest()[:16]}"


def cache_key(source_format: str, digests: tuple[tuple[str, str], ...], choices: object) -> str:
    """The key of a query set: its source files (name, sha256), the lab's version, the scenario's choices."""
    text = json.dumps(
        {"format": FORMAT_VERSION, "lab": lab_version(), "source": source_format, "files": digests, "choices": choices},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _entry(folder: Path, key: str) -> Path:
    return folder / f"{key[:40]}.npz"


def _pack_texts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A text column as its distinct texts (one separator-joined UTF-8 blob) and each row's index into them.

    Stored once per distinct text, a column reads back with its rows sharing those strings, as generated columns
    do (a synthetic set draws its prompts from a small pool; a category column holds a handful of names)."""
    positions: dict[str, int] = {}
    codes = np.fromiter(
        (positions.setdefault(v, len(positions)) for v in map(str, values.tolist())), np.int64, len(values)
    )
    joined = _SEPARATOR.join(positions)
    if joined.count(_SEPARATOR) != max(len(positions) - 1, 0):
        return None  # a text holds the separator: not cached
    blob = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)  # JSON can carry lone surrogates
    return blob, codes.astype(np.int32 if len(positions) < 2**31 else np.int64)


def _unpack_texts(blob: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    distinct = blob.tobytes().decode("utf-8", "surrogatepass").split(_SEPARATOR) if n else []
    if len(codes) != n or (n and (codes.min() < 0 or codes.max() >= len(distinct))):
        raise ValueError(f"{len(codes)} text indices into {len(distinct)} texts stored for {n} queries")
    texts = np.empty(len(distinct), dtype=object)
    texts[:] = distinct
    return texts[codes]


def load(key: str) -> QuerySet | None:
    """The cached query set under `key`, or None (no cache, no entry, another key inside, or a damaged file)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = _entry(folder, key)
    try:
        with np.load(path, allow_pickle=False) as stored:
            header = json.loads(stored["header"].tobytes().decode("utf-8"))
            if header.get("key") != key:
                return None
            n = int(header["n_queries"])
            ids = _unpack_texts(stored["ids"], stored["ids_codes"], n) if header["ids_are_text"] else stored["ids"]
            queries = QuerySet(
                name=header["name"],
                model_names=tuple(header["model_names"]),
                ids=ids,
                text=_unpack_texts(stored["text"], stored["text_codes"], n),
                category=_unpack_texts(stored["category"], stored["category_codes"], n),
                prompt_tokens=stored["prompt_tokens"],
                quality=stored["quality"],
                output_tokens=stored["output_tokens"],
                cost_usd=stored["cost_usd"] if header["has_cost"] else None,
                notes=tuple(header["notes"]),
            )
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, UnicodeDecodeError, LabError):
        return None  # missing or damaged: rebuilt by the caller
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: evicted last
    return queries.read_only()


def store(key: str, queries: QuerySet) -> bool:
    """Cache a query set under `key` (atomically: a temporary file renamed into place); False if not stored."""
    folder = cache_dir()
    if folder is None or queries.recorded is not None:  # the entry holds the outcome matrix, not a live run's signals
        return False
    ids_are_text = queries.ids.dtype == object or queries.ids.dtype.kind in "US"
    text_columns = {
        "text": queries.text,
        "category": queries.category,
        **({"ids": queries.ids} if ids_are_text else {}),
    }
    columns: dict[str, np.ndarray] = {} if ids_are_text else {"ids": np.asarray(queries.ids, dtype=np.int64)}
    for name, values in text_columns.items():
        packed = _pack_texts(values)
        if packed is None:
            return False
        columns[name], columns[f"{name}_codes"] = packed
    header = {
        "key": key,
        "n_queries": queries.n_queries,
        "name": queries.name,
        "model_names": list(queries.model_names),
        "notes": list(queries.notes),
        "ids_are_text": bool(ids_are_text),
        "has_cost": queries.cost_usd is not None,
    }
    arrays: dict[str, np.ndarray] = {
        "header": np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
        **columns,
        "prompt_tokens": np.asarray(queries.prompt_tokens, dtype=np.int64),
        "quality": queries.quality,
        "output_tokens": queries.output_tokens,
    }
    if queries.cost_usd is not None:
        arrays["cost_usd"] = queries.cost_usd
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".writing-", suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as fh:
                np.savez(fh, allow_pickle=False, **arrays)
            os.replace(temp, _entry(folder, key))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        return False  # a read-only or full disk: the lab works without its cache
    _evict(folder)
    return True


def _evict(folder: Path) -> None:
    """Keep the MAX_ENTRIES most recently used entries within MAX_BYTES; remove temporary files left by dead writers."""
    now = time.time()
    entries = []
    try:
        listing = list(folder.iterdir())
    except OSError:
        return
    for path in listing:
        try:
            info = path.stat()
        except OSError:
            continue
        if path.name.startswith(".writing-"):
            if now - info.st_mtime > STALE_TEMP_S:
                with contextlib.suppress(OSError):
                    path.unlink()
        elif path.suffix == ".npz":
            entries.append((info.st_mtime, info.st_size, path))
    entries.sort(reverse=True)
    kept_bytes = 0
    for rank, (_, size, path) in enumerate(entries):
        kept_bytes += size
        if rank >= MAX_ENTRIES or kept_bytes > MAX_BYTES:
            with contextlib.suppress(OSError):
                path.unlink()
