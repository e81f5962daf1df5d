"""Benchmark of the workbench with the server already up (issue 12 item 5), in-process.

On a copy of the sample county (``inputs/``; or ``--generated N`` round workbooks of
bench/generate.py) one :class:`pipeline.workbench.runs.Workspace` is made, as ``xuncha serve``
makes it, and timed through its own methods (the page's buttons call exactly these):

- **first run**: ``start_run("annual", "2020")`` with an empty read cache (every workbook read);
- **second run**: the same again, every workbook unchanged (the warm run: nothing read again);
- **recheck**: one round workbook changed (a 个别谈话 count + 1, saved again), then ``check()``
  (the 校验 page after a save in Excel): only that file is read again.

Floors, in the same process: **statistics only** = ``engine.statistics`` on the dataset already
checked (what any run pays after reading and checking: figures and every output file), and
**one read** = a bare python-calamine read of every sheet of the changed file. Each measurement
is repeated ``--repeat`` times with a fresh Workspace and a fresh copy; medians are printed.

    python -m bench.workbench --repeat 3
    python -m bench.workbench --generated 100 --repeat 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench import ROOT, WORK

YEAR = "2020"


def _round_file(inputs: Path, std) -> Path:
    """The first round workbook under ``inputs`` (sorted), the one the recheck changes."""
    from pipeline.engine import load_dataset

    ds = load_dataset(inputs, std)
    rel = sorted(s.path for s in ds.sources if s.kind == "round")[0]
    return inputs / rel


def _change(path: Path, std) -> None:
    """One 个别谈话 count + 1 in ``path`` (a real change: size, time and SHA-256 differ)."""
    import openpyxl

    sheet = std.sheet("workload")
    book = openpyxl.load_workbook(path)
    ws = book[sheet.name]
    header = [c.value for c in ws[1]]
    col = header.index(sheet.header("talks")) + 1
    cell = ws.cell(row=2, column=col)
    cell.value = int(cell.value or 0) + 1
    book.save(path)


def _calamine(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - start


def once(source: Path) -> dict[str, float]:
    """One fresh Workspace over a fresh copy of ``source``: the five timings, in seconds."""
    from pipeline import engine
    from pipeline.standard import load_standard
    from pipeline.workbench.runs import Workspace

    std = load_standard()
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "inputs", Path(tmp) / "outputs"
        shutil.copytree(source, inputs)
        changed = _round_file(inputs, std)
        ws = Workspace(inputs, outputs, std)
        out: dict[str, float] = {}
        for name in ("first run", "second run"):
            start = time.perf_counter()
            ws.start_run("annual", YEAR)
            ws.wait()
            out[name] = time.perf_counter() - start
            if ws.run.status != "done":
                raise SystemExit(f"the run failed: {ws.run.message}")
        start = time.perf_counter()
        engine.statistics(engine.period_of("annual", YEAR), ws.dataset, std, outputs)
        out["floor: statistics only"] = time.perf_counter() - start
        _change(changed, std)
        parsed = ws.cache.parsed
        start = time.perf_counter()
        ws.check()
        out["recheck, 1 file changed"] = time.perf_counter() - start
        if ws.cache.parsed - parsed != 1:
            raise SystemExit(f"the recheck read {ws.cache.parsed - parsed} files, not 1")
        out["floor: one read"] = _calamine(changed)
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="xuncha workbench benchmark: warm runs and rechecks in-process")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--generated", type=int, default=0,
                        help="N generated round workbooks (bench/generate.py) instead of the sample county")
    parser.add_argument("--work", type=Path, default=WORK, help="folder for the generated workbooks (cached)")
    args = parser.parse_args(argv)
    if args.generated:
        from bench.bench import dataset

        source, label = dataset(args.generated, args.work), f"generated, {args.generated} rounds"
    else:
        source, label = ROOT / "inputs", "sample county"
    runs = [once(source) for _ in range(args.repeat)]
    files = sum(1 for p in source.rglob("*.xlsx") if not p.name.startswith(("~$", ".")))
    print(f"{label}: {files} workbooks, {args.repeat} repeats (fresh workspace each)")
    print("| measure | median s | runs s |")
    print("|---|---:|---|")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"| {key} | {statistics.median(values):.2f} | {', '.join(f'{v:.2f}' for v in values)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
