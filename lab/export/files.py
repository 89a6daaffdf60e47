"""Writing exports safely: every file of an export appears whole, or none does.

Each file is written to a temporary file in its target folder and renamed over the target only once
every temporary file of the export is complete, so a full disk, a missing folder or a read-only path
never leaves half a config (or a config without its plugin) behind.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from lab.core.errors import LabError


def _why(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def write_files(files: dict[Path, str]) -> list[Path]:
    """Write several text files all or nothing (UTF-8); a LabError names the path that could not be written."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            folder = target.parent if str(target.parent) else Path(".")
            if target.is_dir():
                raise LabError(
                    f"cannot write {target}: it is a folder; give a file name such as {target / 'config.yaml'}"
                )
            if not folder.is_dir():
                raise LabError(f"cannot write {target}: the folder {folder} does not exist; create it first")
            try:
                fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            except OSError as exc:
                raise LabError(f"cannot write {target} ({_why(exc)}); choose a folder you can write to") from None
            tmp = Path(tmp_name)
            staged.append((tmp, target))
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
                os.chmod(tmp, 0o644)  # mkstemp makes it private; a config is read by the gateway's user too
            except OSError as exc:
                raise LabError(f"cannot write {target} ({_why(exc)}); nothing was written") from None
        for staged_tmp, target in staged:
            try:
                os.replace(staged_tmp, target)
            except OSError as exc:
                raise LabError(f"cannot write {target} ({_why(exc)})") from None
    finally:
        for leftover, _ in staged:
            if leftover.exists():
                leftover.unlink()
    return [target for _, target in staged]


def zip_bytes(files: dict[str, str]) -> bytes:
    """Several text files as one zip archive (for a download that must keep them together)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
