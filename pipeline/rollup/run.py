"""The roll-up as two steps the CLI wires (``app._rollup``): read and check, then write.

Reading and checking (:func:`check_rollup`) give the findings as a
:class:`~pipeline.model.Dataset` (no tables), so the county's check report writer and
console summary show them unchanged. Writing (:func:`write_rollup`) happens only
without errors: the city workbook and metrics.json (the CLI adds the check report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..errors import InputErrors
from ..model import Dataset, SourceFile
from ..output import final_path, rollup_folder, staged_folder
from ..periods import Period
from ..standard import Standard
from .checks import check_city
from .figures import Rollup, build_rollup
from .format import package_format
from .load import CityInputs, load_city
from .metrics import write_rollup_metrics
from .workbook import write_rollup_workbook


def as_dataset(city: CityInputs, findings: list) -> Dataset:
    """The roll-up's files and findings in the shape the check report and the console read."""
    kinds = package_format().section("kinds")
    sources = [SourceFile(p.file, kinds["package"], p.sha256) for p in city.packages]
    sources += [SourceFile(r.file, kinds["roster"], city.sha256.get(r.file, "")) for r in city.rosters]
    return Dataset(tables={}, sources=sorted(sources, key=lambda s: s.path), findings=findings,
                   skipped=list(city.skipped))


def check_rollup(inputs: Path, std: Standard, period: Period, exclude: tuple[Path, ...] = ()
                 ) -> tuple[CityInputs, Dataset]:
    """Read every package and roster under ``inputs`` and check them; raises InputErrors when
    there is no package at all."""
    city = load_city(inputs, std, exclude)
    if not city.packages:
        raise InputErrors(f"在“{inputs}”中没有找到上报包（含“上报信息”和“指标”工作表的工作簿）。"
                          "请把各县区用 xuncha export 导出的上报包放入该文件夹，或用 --inputs 指定其他文件夹。")
    return city, as_dataset(city, check_city(city, period, std))


def write_rollup(city: CityInputs, std: Standard, period: Period, outputs: Path, today: dt.date,
                 also: Callable[[Path], Path] | None = None) -> tuple[Path, Rollup, list[Path]]:
    """Sum the checked packages and write the city workbook and metrics.json (and the file that
    ``also(folder)`` writes into the folder: the CLI's check report) into outputs/汇总_<期间>/,
    all or nothing (``output.staged_folder``); return (that folder, the figures, the paths written)."""
    roster = city.roster
    rollup = build_rollup(city.packages, std, period, today, None if roster is None else [c for c, _, _ in roster])
    target = Path(outputs) / rollup_folder(period.label)
    with staged_folder(target) as out_dir:
        written = [write_rollup_workbook(rollup, std, out_dir), write_rollup_metrics(rollup, out_dir)]
        if also is not None:
            written.append(also(out_dir))
    return target, rollup, [final_path(path, out_dir, target) for path in written]
