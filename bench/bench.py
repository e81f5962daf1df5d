"""Benchmark: the project's ``annual`` run against the cost of merely reading the files.

For each scale N it generates N round workbooks (bench/generate.py) and measures,
alternating, ``--repeat`` times each, every one in a fresh Python process:

  (a) floor  : a bare python-calamine read of every sheet of every file, one process;
  (b) naive  : ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` over every file;
  (c) xuncha : ``python run.py annual --year 2020`` end to end (all outputs written).

It prints medians, the ratios (c)/(a) and (b)/(c), and the peak resident memory of
(c) summed over its process tree (sampled from /proc every 20 ms; Linux only), as RSS
(shared pages of forked children counted in each) and as PSS (shared pages split).

    python -m bench.bench --sizes 100 1000 5000 10000 --repeat 3
    python -m bench.bench --sizes 20 --repeat 1          # the CI smoke run

Cold start on the sample county (target 1 of docs/performance.md), ``--cold``: alternating, each in a
fresh process, ``python -c "import pandas, pandera.pandas"`` (the yardstick: the row checks are
pandera schemas), ``run.py annual --year 2020``
and ``run.py validate`` on ``inputs/``; ``--baseline DIR`` adds the same two commands run
from another copy of the code (e.g. ``git archive int | tar -x -C DIR``) in the same rounds.

    python -m bench.bench --cold --repeat 7 [--baseline /tmp/base]

Checking at scale (target 3), ``--validate-only``: alternating the floor (a) and
``run.py validate`` (and the baseline's), with the peak memory of the validate runs.

    python -m bench.bench --validate-only --sizes 5000 --repeat 3 [--baseline /tmp/base]

``--timings`` also prints the per-stage seconds of the last (c) run (XUNCHA_TIMINGS=1
makes engine/runner.py write them to stderr). Every generated data set is checked to
validate clean (no finding) on first use, so (c) measures a normal, error-free run.
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
SAMPLE_S = 0.05  # memory sampling interval of the measured process tree
PSS_EVERY = 5  # PSS (costly to read) every 5th sample, i.e. every 0.25 s
WORK = ROOT / "bench" / "work"
YARDSTICK = "import pandas, pandera.pandas"

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


def _tree_memory_kb(pid: int, pss: bool = True):
    """(RSS, PSS) of a process and all its descendants, in KiB (0 when gone); RSS only
    when ``pss`` is False (cheap: /proc/PID/status).

    RSS counts a page shared by a forked child once per process; PSS (proportional
    set size, from smaps_rollup) splits it among them: the tree's real footprint.
    """
    rss = total_pss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            if pss:
                for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        total_pss += int(line.split()[1])
            else:
                status = Path(f"/proc/{p}/status").read_text()
                rss += next(int(line.split()[1]) for line in status.splitlines()
                            if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, StopIteration):
            continue
    return (rss, total_pss) if pss else rss


def timed(cmd: list[str], env: dict | None = None, cwd: Path = ROOT,
          memory: bool = True) -> tuple[float, tuple[int, int], str]:
    """Run ``cmd``; return (wall seconds, (peak tree RSS, peak tree PSS) in KiB, stderr).
    Fails loudly on error. ``memory=False``: no sampling (reading /proc every few
    milliseconds takes CPU from a run of a few seconds on two cores); the peak is then (0, 0)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, **(env or {})})
        peak, k = (0, 0), 0
        if not memory:
            proc.wait()
        while proc.poll() is None:
            if k % PSS_EVERY == 0:  # smaps_rollup walks page tables: sampled less often
                rss, pss = _tree_memory_kb(proc.pid)
            else:
                rss, pss = _tree_memory_kb(proc.pid, pss=False), 0
            peak, k = (max(peak[0], rss), max(peak[1], pss)), k + 1
            time.sleep(SAMPLE_S)
        elapsed = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    return elapsed, peak, stderr


def check_clean(inputs: Path) -> None:
    """Fail unless the generated inputs load without any finding (a normal run)."""
    from pipeline.engine import load_dataset
    from pipeline.standard import load_standard

    ds = load_dataset(inputs, load_standard())
    if ds.findings:
        first = ds.findings[0]
        raise SystemExit(f"generated data in {inputs} is not clean: {len(ds.findings)} findings, "
                         f"first: {first.file} {first.sheet} {first.row} {first.message}")


def dataset(n: int, work: Path = WORK) -> Path:
    """The generated inputs for scale ``n`` (cached under ``work``), checked clean once."""
    folder = Path(work) / f"n{n}"
    marker = Path(work) / f"n{n}.complete"  # outside the inputs: not listed as a skipped file
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, n)
        check_clean(folder)
        marker.write_text("ok")
    (folder / ".complete").unlink(missing_ok=True)  # marker of older versions of this script
    return folder


def run_scale(n: int, repeat: int, naive_limit: int, work: Path = WORK) -> dict:
    """Measure (a), (b), (c) alternating ``repeat`` times at scale ``n``."""
    inputs = dataset(n, work)
    files = n + 1
    naive_files = min(naive_limit, files) if naive_limit else files
    times: dict[str, list[float]] = {"floor": [], "naive": [], "xuncha": []}
    peak, stages = (0, 0), ""
    for _ in range(repeat):
        times["floor"].append(timed([sys.executable, "-c", FLOOR, str(inputs)])[0])
        t, _, _ = timed([sys.executable, "-c", NAIVE, str(inputs), str(naive_limit)])
        times["naive"].append(t * files / naive_files)  # per-file cost scaled to all files
        with tempfile.TemporaryDirectory() as out:
            t, rss, err = timed([sys.executable, "run.py", "annual", "--year", "2020",
                                 "--inputs", str(inputs), "--outputs", out],
                                env={"XUNCHA_TIMINGS": "1"})
        times["xuncha"].append(t)
        peak = (max(peak[0], rss[0]), max(peak[1], rss[1]))
        stages = "\n".join(line for line in err.splitlines() if line.startswith("[timing]"))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"n": n, **med, "c/a": med["xuncha"] / med["floor"],
            "b/c": med["naive"] / med["xuncha"], "peak_mb": peak[0] / 1024,
            "peak_pss_mb": peak[1] / 1024,
            "naive_measured_files": naive_files, "stages": stages,
            "all": {k: [round(x, 2) for x in v] for k, v in times.items()}}


def _tree_env(tree: Path) -> dict:
    """Environment that makes ``run.py`` of ``tree`` use that tree's ``pipeline``."""
    return {"PYTHONPATH": str(tree)}


def _versions(baseline: Path | None) -> dict[str, Path]:
    """The code trees measured side by side: this one ("new") and optionally a baseline ("old")."""
    return {"new": ROOT, **({"old": Path(baseline).resolve()} if baseline else {})}


def _summary(times: dict[str, list[float]], yardstick: str) -> list[str]:
    """Markdown rows: median, ratio of medians to ``yardstick``, and every run."""
    med = {k: statistics.median(v) for k, v in times.items()}
    return [f"| {k} | {med[k]:.2f} | {med[k] / med[yardstick]:.2f} | {' '.join(f'{x:.2f}' for x in v)} |"
            for k, v in times.items()]


def run_cold(repeat: int, baseline: Path | None, timings: bool = False) -> list[str]:
    """Target 1: ``import pandas, pandera.pandas``, annual and validate on the sample county, alternating."""
    trees = _versions(baseline)
    times: dict[str, list[float]] = {YARDSTICK: []}
    stages: dict[str, str] = {}
    for _ in range(repeat):
        times[YARDSTICK].append(timed([sys.executable, "-c", YARDSTICK], memory=False)[0])
        for name, tree in trees.items():
            inputs = tree / "inputs"
            for command in (["annual", "--year", "2020"], ["validate"]):
                key = f"{command[0]} ({name})"
                with tempfile.TemporaryDirectory() as out:
                    t, _, err = timed([sys.executable, "run.py", *command, "--inputs", str(inputs),
                                       "--outputs", out], env={**_tree_env(tree), "XUNCHA_TIMINGS": "1"},
                                      cwd=tree, memory=False)
                times.setdefault(key, []).append(t)
                stages[key] = "\n".join(line for line in err.splitlines() if line.startswith("[timing]"))
    rows = [f"| command | median s | × {YARDSTICK} | runs |", "|---|---:|---:|---|", *_summary(times, YARDSTICK)]
    if timings:
        rows += [f"<!-- {k}:\n{v} -->" for k, v in stages.items()]
    return rows


def run_validate(n: int, repeat: int, baseline: Path | None, work: Path = WORK) -> list[str]:
    """Target 3: ``validate`` over ``n`` round workbooks against the floor, alternating."""
    inputs = dataset(n, work)
    trees = _versions(baseline)
    times: dict[str, list[float]] = {"floor": []}
    peaks: dict[str, tuple[int, int]] = {}
    # Timed runs are not sampled: the sampler's CPU would be taken from a run using both cores
    # but not from the one-process floor. The peak memory comes from one more, sampled, run.
    for _ in range(repeat):
        times["floor"].append(timed([sys.executable, "-c", FLOOR, str(inputs)], memory=False)[0])
        for name, tree in trees.items():
            with tempfile.TemporaryDirectory() as out:
                t = timed([sys.executable, "run.py", "validate", "--inputs", str(inputs),
                           "--outputs", out], env=_tree_env(tree), cwd=tree, memory=False)[0]
            times.setdefault(f"validate ({name})", []).append(t)
    for name, tree in trees.items():
        with tempfile.TemporaryDirectory() as out:
            peaks[f"validate ({name})"] = timed([sys.executable, "run.py", "validate", "--inputs", str(inputs),
                                                 "--outputs", out], env=_tree_env(tree), cwd=tree)[1]
    rows = [f"| {n:,} workbooks | median s | × floor | runs |", "|---|---:|---:|---|", *_summary(times, "floor")]
    rows += [f"peak memory of {k}: RSS {v[0] / 1024:.0f} MB, PSS {v[1] / 1024:.0f} MB" for k, v in peaks.items()]
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command line of the benchmark."""
    parser = argparse.ArgumentParser(description="xuncha benchmark (see docs/performance.md)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-limit", type=int, default=0,
                        help="time (b) on the first K files only and scale to all (0 = all files)")
    parser.add_argument("--work", type=Path, default=WORK,
                        help="folder for the generated inputs (cached between runs)")
    parser.add_argument("--timings", action="store_true",
                        help="also print every run's seconds and the stages of the last (c) run")
    parser.add_argument("--cold", action="store_true",
                        help="target 1: import pandas, pandera / annual / validate on the sample county (inputs/)")
    parser.add_argument("--validate-only", action="store_true",
                        help="target 3: validate against the floor at each of --sizes")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another copy of the code, measured in the same rounds (with --cold, --validate-only)")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.cold or args.validate_only:
        rows = run_cold(args.repeat, args.baseline, args.timings) if args.cold else []
        for n in args.sizes if args.validate_only else []:
            rows += run_validate(n, args.repeat, args.baseline, args.work)
        print("\n".join(rows))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return 0
    print("| workbooks | (a) floor s | (b) naive s | (c) xuncha s | (c)/(a) | (b)/(c) | peak MB (c) "
          "| peak PSS MB (c) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = run_scale(n, args.repeat, args.naive_limit, args.work)
        naive = f"{r['naive']:.2f}" + ("*" if r["naive_measured_files"] < n + 1 else "")
        print(f"| {n:,} | {r['floor']:.2f} | {naive} | {r['xuncha']:.2f} | {r['c/a']:.2f} | "
              f"{r['b/c']:.1f} | {r['peak_mb']:.0f} | {r['peak_pss_mb']:.0f} |", flush=True)
        if args.timings:
            print(f"<!-- n={n} runs: {r['all']}\n{r['stages']} -->", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
