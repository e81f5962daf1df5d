"""Benchmark of the city side: N county packages -> ``python run.py rollup``, end to end.

Generates N packages (``write_package``, figures consistent with themselves, made from
the county's index) under ``--work``, checks once that the roll-up has no finding, then
times ``rollup --year 2020`` ``--repeat`` times, each in a fresh Python process (the same
``timed`` as bench/bench.py), and prints the median and the peak memory.

    python -m bench.rollup --packages 100 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
from pathlib import Path

from bench.bench import WORK, timed

YEAR = "2020"


def _indicators(std, k: int) -> dict[str, int]:
    """Every required 指标代码 of county ``k``, consistent with itself (sums and parts)."""
    from pipeline.rollup.format import package_format
    from pipeline.rollup.indicators import enum_keys, indicator_codes

    term = "十四届"
    ind = dict.fromkeys(indicator_codes(std, "annual", term), 0)
    problems, clues = 20 + k % 7, 5 + k % 3
    ind.update({"totals.rounds": 2, "totals.groups": 4, "totals.orgs_inspected": 10 + k % 5,
                "totals.talks": 100 + k, "totals.problems": problems, "totals.problems_fixed_on_spot": 3,
                "totals.problems_rectified": 10, "totals.clues": clues, "totals.clue_cadres": clues + 1})
    keys = enum_keys(std, term)
    cats = keys["problems_by_category"]
    for i, cat in enumerate(cats):  # problems split over the categories, the rest on the first
        ind[f"problems_by_category.{cat}"] = problems // len(cats) + (problems % len(cats) if i == 0 else 0)
    undone, doing, done = keys["problems_by_status"]
    ind.update({f"problems_by_status.{undone}": problems - 15, f"problems_by_status.{doing}": 5,
                f"problems_by_status.{done}": 10})
    ind[f"clues_by_disposition.{keys['clues_by_disposition'][0]}"] = clues
    ind[f"clues_by_transfer.{keys['clues_by_transfer'][0]}"] = clues
    for fam in std.families():
        for j, cat in enumerate(fam["members"]):
            total, inspected = 10 + j + k % 4, 5 + j
            ind[f"coverage.by_category.{cat}.total"], ind[f"coverage.by_category.{cat}.inspected"] = total, inspected
            ind[f"coverage.{fam['id']}.total"] += total
            ind[f"coverage.{fam['id']}.inspected"] += inspected
    states = package_format().ledger_states
    for s in states:
        ind[f"rectification.{s}"] = 2 + (k % 3 if s == states[0] else 0)
    ind["rectification.in_ledger"] = sum(ind[f"rectification.{s}"] for s in states)
    return ind


def generate(folder: Path, n: int) -> Path:
    """Write ``n`` packages (县1 … 县n) into ``folder``."""
    from pipeline.output import package_name
    from pipeline.periods import annual
    from pipeline.rollup.package import package_info, write_package
    from pipeline.standard import load_standard

    std, period = load_standard(), annual(YEAR)
    for k in range(1, n + 1):
        county = f"第{k:03d}县"
        info = package_info(county=county, compiler=f"{county}巡察办", period=period, term="十四届",
                            generated=dt.date(2021, 1, 5), sha256s=[f"{k:064x}"], unexplained=0)
        write_package(folder / package_name(county, period.label), info, _indicators(std, k), [], [], std)
    return folder


def packages(n: int, work: Path) -> Path:
    """The generated packages for ``n`` (cached under ``work``), checked to roll up without finding."""
    from pipeline.periods import annual
    from pipeline.rollup.checks import check_city
    from pipeline.rollup.load import load_city
    from pipeline.standard import load_standard

    folder, marker = Path(work) / f"packages{n}", Path(work) / f"packages{n}.complete"
    if not marker.exists():
        generate(folder, n)
        std = load_standard()
        findings = check_city(load_city(folder, std), annual(YEAR), std)
        if findings:
            raise SystemExit(f"generated packages are not clean: {findings[0]}")
        marker.write_text("ok")
    return folder


def main(argv: list[str] | None = None) -> int:
    """Command line of the roll-up benchmark."""
    parser = argparse.ArgumentParser(description="xuncha roll-up benchmark: N packages -> rollup")
    parser.add_argument("--packages", type=int, nargs="+", default=[100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=WORK, help="folder for the generated packages (cached)")
    args = parser.parse_args(argv)
    print("| packages | rollup s (median) | runs s | peak MB |")
    print("|---:|---:|---|---:|")
    for n in args.packages:
        inputs = packages(n, args.work)
        runs, peak = [], 0
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as out:
                t, mem, _ = timed([sys.executable, "run.py", "rollup", "--year", YEAR, "--inputs", str(inputs),
                                   "--outputs", out])
            runs.append(t)
            peak = max(peak, mem[0])
        print(f"| {n:,} | {statistics.median(runs):.2f} | {', '.join(f'{t:.2f}' for t in runs)} | "
              f"{peak / 1024:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
