"""Run every benchmark in this folder (bench_*.py), one process each; exit non-zero if any target is missed.

Run: uv run python benchmarks/run_all.py [NAME ...]   (names without the bench_ prefix select a subset)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in argv]
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0:
            failed.append(script.name)
    print(
        f"\n{len(scripts) - len(failed)} of {len(scripts)} benchmarks met their targets"
        + (f"; missed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
