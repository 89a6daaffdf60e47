"""Reading outcome files (CSV, JSONL, Parquet) from bytes into tables, with one DataError for any bad file.

Every reader of recorded outcomes (the public sets and the user's logs) goes through here, so an
empty file, a binary file renamed .csv, a file that is not UTF-8 or a broken row gets the same
clear message naming the file and, where it can be known, the row.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Literal

import pandas as pd

from lab.core.errors import DataError

TableKind = Literal["csv", "jsonl", "parquet"]

_SUFFIXES: dict[str, TableKind] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_PARQUET_MAGIC = b"PAR1"
_PICKLE_SUFFIXES = (".pkl", ".pickle")


def table_kind(filename: str) -> TableKind:
    """The table format a file name announces (.csv, .jsonl/.ndjson/.json, .parquet/.pq)."""
    suffix = Path(filename).suffix.lower()
    if suffix in _PICKLE_SUFFIXES:
        raise DataError(
            "is a Python pickle; the lab does not unpickle files (loading one can run any code)",
            file=filename,
            fix="convert it once, on a machine you trust, with pandas: pd.read_pickle(path).to_parquet('log.parquet')",
        )
    if suffix not in _SUFFIXES:
        raise DataError(
            f"unknown file type '{suffix or '(none)'}'",
            file=filename,
            fix="save the outcomes as .csv, .jsonl or .parquet",
        )
    return _SUFFIXES[suffix]


def read_bytes(path: Path, limit_bytes: int | None = None) -> bytes:
    """A file's bytes; a missing, unreadable or too large file is a DataError."""
    try:
        size = path.stat().st_size
        if limit_bytes is not None and size > limit_bytes:
            raise DataError(
                f"is {size / 1e6:,.0f} MB, above the limit of {limit_bytes / 1e6:,.0f} MB",
                file=str(path),
                fix="split the log or keep a sample of it",
            )
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc.__class__.__name__})", file=str(path)) from None


def decode_text(data: bytes, filename: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); binary content or another encoding is a DataError."""
    if not data.strip():
        raise DataError("is empty", file=filename, fix="export the outcomes again; the file holds no rows")
    head = data[:8192]
    if b"\x00" in head or data.startswith(_PARQUET_MAGIC):
        raise DataError(
            "holds binary data, not text (is it a Parquet, Excel or zip file renamed?)",
            file=filename,
            fix="save it as UTF-8 CSV or JSONL, or give it its real extension (.parquet)",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})",
            file=filename,
            row=max(line - 1, 1),
            fix="save the file as UTF-8",
        ) from None


def _read_csv(text: str, filename: str) -> pd.DataFrame:
    try:
        header = next(csv.reader(io.StringIO(text[:1_000_000])), [])
    except csv.Error as exc:
        raise DataError(f"has a malformed header ({exc})", file=filename) from None
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise DataError("appears twice in the header", file=filename, column=name)
        seen.add(name)
    try:
        frame = pd.read_csv(io.StringIO(text))
    except pd.errors.EmptyDataError:
        raise DataError("has no header row", file=filename, fix="the first line must name the columns") from None
    except (pd.errors.ParserError, ValueError, csv.Error, OverflowError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise DataError(
            f"is not a well-formed CSV ({message})", file=filename, fix="check quoting and the number of fields per row"
        ) from None
    return frame


def _read_jsonl(text: str, filename: str) -> pd.DataFrame:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise DataError(
                f"is not valid JSON ({getattr(exc, 'msg', 'too deeply nested')})",
                file=filename,
                row=number,
                fix="JSONL holds one JSON object per line",
            ) from None
        if not isinstance(record, dict):
            raise DataError(
                f"holds a JSON {type(record).__name__}, not an object",
                file=filename,
                row=number,
                fix="JSONL holds one JSON object per line",
            )
        records.append(record)
    if not records:
        raise DataError("holds no JSON objects", file=filename)
    return pd.DataFrame.from_records(records)


def _read_parquet(data: bytes, filename: str) -> pd.DataFrame:
    if not data:
        raise DataError("is empty", file=filename, fix="export the outcomes again; the file holds no rows")
    if not (data.startswith(_PARQUET_MAGIC) and data.endswith(_PARQUET_MAGIC)):
        raise DataError(
            "is not a Parquet file (no PAR1 marker)",
            file=filename,
            fix="give the file the extension of its real format (.csv, .jsonl)",
        )
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
        return table.to_pandas()
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError, KeyError, OverflowError, MemoryError) as exc:
        raise DataError(
            f"cannot be read as Parquet ({exc.__class__.__name__}: {str(exc)[:120]})", file=filename
        ) from None


def read_table(data: bytes, filename: str, kind: TableKind | None = None) -> pd.DataFrame:
    """A table (one row per record) from a file's bytes; its kind comes from the name unless given."""
    kind = kind or table_kind(filename)
    if kind == "parquet":
        frame = _read_parquet(data, filename)
    else:
        text = decode_text(data, filename)
        frame = _read_csv(text, filename) if kind == "csv" else _read_jsonl(text, filename)
    frame.columns = [str(column) for column in frame.columns]
    if len(frame) == 0:
        raise DataError("has a header but no rows", file=filename)
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise DataError("appears twice in the header", file=filename, column=str(duplicated[0]))
    return frame.reset_index(drop=True)
