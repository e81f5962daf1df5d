"""The county's export (spec rollup.md): the period's run, then the package 上报_<县名>_<期间>.xlsx.

One function, :func:`run_export`, that the command line (``xuncha export``) and the workbench
call alike. It runs the period exactly as ``annual``/``monthly`` do (``app.run_period``: same
files, same refusal on errors), then writes the package beside the period's outputs with the
writer of :mod:`pipeline.rollup.package`. No package while the registry has no 县名
(``county-name-missing``) or while a 警告 is unexplained (unless ``allow_unexplained``): the
period's other files are written all the same, and InputErrors says what to do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputErrors
from ..explanations import EXPLAINED, UNEXPLAINED, explanation_key
from ..explanations import status as explanation_status
from ..findings import Finding, finding
from ..model import Dataset
from ..render.metrics import plain
from ..standard import Standard
from ..stats.aggregate import info_item
from .format import package_format
from .indicators import indicators_from_metrics
from .package import package_info, write_package


@dataclass
class ExportRun:
    """The period's run (``app.PeriodRun``) and the package written (None when refused)."""

    period_run: object  # app.PeriodRun (app imports this module late)
    package: Path | None


def county_name(ds: Dataset, std: Standard) -> str:
    """县名 of the registry's 基本情况 sheet, stripped ("" when not filled)."""
    return info_item(ds, std.info_labels.county, "")


def county_name_missing(ds: Dataset, std: Standard) -> Finding:
    """The error ``county-name-missing``, on the registry's 基本情况 sheet."""
    registry = next((s.path for s in ds.sources if s.kind == "registry"), std.workbook("registry").file)
    sheet = std.sheet("basic_info")
    return finding("county-name-missing", file=registry, sheet=sheet.name, column=sheet.header("content"),
                   item=std.info_labels.county, item_header=sheet.header("item"),
                   content_header=sheet.header("content"))


def explained_rows(ds: Dataset) -> list[dict]:
    """Every explained warning with its accepted text (the package's 核实说明), in the check
    report's order (file, sheet, row)."""
    done = [f for f in ds.findings if not f.is_error and explanation_status(f, ds.explained) == EXPLAINED]
    done.sort(key=lambda f: (f.file, f.sheet, f.row or 0, f.column, f.code))
    return [{"file": f.file, "sheet": f.sheet, "row": f.row, "column": f.column, "code": f.code,
             "text": ds.explained[explanation_key(f)]} for f in done]


def unexplained_warnings(ds: Dataset) -> list[Finding]:
    """The warnings that block the package: neither explained nor explainable-and-done."""
    return [f for f in ds.findings if not f.is_error and explanation_status(f, ds.explained) != EXPLAINED]


def package_path(out_dir: Path, county: str, period_label: str) -> Path:
    """Where the package of ``county`` goes: beside the period's other outputs."""
    return Path(out_dir) / package_format().package_name(county, period_label)


def run_export(period, ds: Dataset, std: Standard, outputs: Path, say, *, skip_invalid: bool = False,
               allow_unexplained: bool = False, today: dt.date | None = None) -> ExportRun:
    """Run ``period`` over ``ds`` as annual/monthly do, then write the county's package.

    Raises InputErrors (after the period's files are written) when 县名 is missing or a
    warning is unexplained and not ``allow_unexplained``; errors in ``ds`` raise as
    ``app.run_period`` does, before anything but the check report is written.
    """
    from .. import app

    run = app.run_period(period, ds, std, Path(outputs), say, skip_invalid=skip_invalid)
    report, full = run.report, ds  # the counts and explanations are those of the whole run
    county = county_name(full, std)
    pending = unexplained_warnings(full)
    problems = []
    if not county:
        missing = county_name_missing(full, std)
        say(app.finding_line(missing))
        problems.append(missing.message)
    if pending and not allow_unexplained:
        say(f"以下 {len(pending)} 处核实性问题（警告）未说明：")
        for f in pending[:app.FIRST_FINDINGS_SHOWN]:
            say(app.finding_line(f, explanation_status(f, full.explained)))
        if len(pending) > app.FIRST_FINDINGS_SHOWN:
            say(f"  ……其余 {len(pending) - app.FIRST_FINDINGS_SHOWN} 处见校验报告“"
                f"{std.sheet('explanations').name}”表（状态为“{UNEXPLAINED}”等）。")
        problems.append(f"还有 {len(pending)} 处核实性问题（警告）未说明，不能导出上报包。"
                        f"请按校验报告“{std.sheet('explanations').name}”表逐条改正，或填写核实说明后重新导出；"
                        "确需先上报的，可加 --allow-unexplained 导出（上报包中会注明未说明的处数）。")
    if problems:
        raise InputErrors("未生成上报包。" + "".join(problems))
    metrics = plain(report.metrics)
    info = package_info(county=county, compiler=report.compiler, period=period, term=report.term,
                        generated=today or report.compiled_on, sha256s=[s.sha256 for s in report.sources],
                        unexplained=full.counts.unexplained)
    path = write_package(package_path(run.out_dir, county, period.label), info,
                         indicators_from_metrics(metrics, std), metrics["rounds"], explained_rows(full), std)
    if pending:
        say(f"注意：上报包中注明了 {len(pending)} 处未说明的核实性问题（警告），市委巡察办汇总时会看到。")
    say(f"已导出上报包：{path}")
    return ExportRun(run, path)
