"""Benchmark: the project's ``annual`` run against the cost of merely reading the files.

For each scale N it generates N round workbooks (bench/generate.py) and measures,
alternating, ``--repeat`` times each, every one in a fresh Python process:

  (a) floor  : a bare python-calamine read of every sheet of every file, one process;
  (b) naive  : ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` over every file;
  (c) xuncha : ``python run.py annual --year 2020`` end to end (all outputs written).

It prints medians, the ratios (c)/(a) and (b)/(c), and the peak resident memory of
(c) summed over its process tree (sampled from /proc every 20 ms; Linux only).

    python -m bench.bench --sizes 100 1000 5000 10000 --repeat 3
    python -m bench.bench --sizes 20 --repeat 1          # the CI smoke run
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"

FLOOR = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
n = 0
for f in sorted(Path(sys.argv[1]).rglob("*.xlsx")):
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        n += len(wb.get_sheet_by_name(name).to_python())
print(n)
"""

NAIVE = """
import sys
from pathlib import Path
import pandas as pd
files = sorted(Path(sys.argv[1]).rglob("*.xlsx"))
limit = int(sys.argv[2])
for f in files[:limit] if limit else files:
    pd.read_excel(f, sheet_name=None, engine="openpyxl")
"""


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (0 when gone)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines()
                          if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def timed(cmd: list[str]) -> tuple[float, int]:
    """Run ``cmd``; return (wall seconds, peak tree RSS in KiB). Fails loudly on error."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.read().decode()}")
    return elapsed, peak


def dataset(n: int) -> Path:
    """The generated inputs for scale ``n`` (cached under bench/work/)."""
    folder = WORK / f"n{n}"
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, n)
        marker.write_text("ok")
    return folder


def run_scale(n: int, repeat: int, naive_limit: int) -> dict:
    """Measure (a), (b), (c) alternating ``repeat`` times at scale ``n``."""
    inputs = dataset(n)
    files = n + 1
    naive_files = min(naive_limit, files) if naive_limit else files
    times: dict[str, list[float]] = {"floor": [], "naive": [], "xuncha": []}
    peak = 0
    for _ in range(repeat):
        times["floor"].append(timed([sys.executable, "-c", FLOOR, str(inputs)])[0])
        t, _ = timed([sys.executable, "-c", NAIVE, str(inputs), str(naive_limit)])
        times["naive"].append(t * files / naive_files)  # per-file cost scaled to all files
        with tempfile.TemporaryDirectory() as out:
            t, rss = timed([sys.executable, "run.py", "annual", "--year", "2020",
                            "--inputs", str(inputs), "--outputs", out])
        times["xuncha"].append(t)
        peak = max(peak, rss)
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"n": n, **med, "c/a": med["xuncha"] / med["floor"],
            "b/c": med["naive"] / med["xuncha"], "peak_mb": peak / 1024,
            "naive_measured_files": naive_files}


def main(argv: list[str] | None = None) -> int:
    """Command line of the benchmark."""
    parser = argparse.ArgumentParser(description="xuncha benchmark (see docs/performance.md)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-limit", type=int, default=0,
                        help="time (b) on the first K files only and scale to all (0 = all files)")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| workbooks | (a) floor s | (b) naive s | (c) xuncha s | (c)/(a) | (b)/(c) | peak MB (c) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = run_scale(n, args.repeat, args.naive_limit)
        naive = f"{r['naive']:.2f}" + ("*" if r["naive_measured_files"] < n + 1 else "")
        print(f"| {n:,} | {r['floor']:.2f} | {naive} | {r['xuncha']:.2f} | {r['c/a']:.2f} | "
              f"{r['b/c']:.1f} | {r['peak_mb']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
