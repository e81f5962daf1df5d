"""The county's package for the city (spec rollup.md): 上报_<县名>_<期间>.xlsx beside a period's outputs.

The engine (``engine.api.export_package``) runs the period exactly as ``annual``/``monthly``
do, then asks here whether a package may be written (no package while the registry has no
县名, ``county-name-missing``, or while a 警告 is unexplained, unless allowed) and writes it
with the writer of :mod:`pipeline.rollup.package`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..explanations import EXPLAINED, explained_findings, explanation_key
from ..explanations import status as explanation_status
from ..findings import Finding, finding, sort_findings
from ..model import Dataset
from ..output import package_name
from ..render.metrics import plain
from ..standard import Standard
from ..stats.aggregate import info_item
from .indicators import indicators_from_metrics
from .package import package_info, write_package


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


def explained_rows(ds: Dataset, std: Standard) -> list[dict]:
    """Every explained warning with its accepted text (the package's 核实说明), in the check
    report's order (:func:`~pipeline.findings.sort_findings`)."""
    done = sort_findings(explained_findings(ds.findings, ds.explained), std)
    return [{"file": f.file, "sheet": f.sheet, "row": f.row, "column": f.column, "code": f.code,
             "text": ds.explained[explanation_key(f)]} for f in done]


def unexplained_warnings(ds: Dataset) -> list[Finding]:
    """The warnings that block the package: neither explained nor explainable-and-done."""
    return [f for f in ds.findings if not f.is_error and explanation_status(f, ds.explained) != EXPLAINED]


def package_path(out_dir: Path, county: str, period_label: str) -> Path:
    """Where the package of ``county`` goes: beside the period's other outputs."""
    return Path(out_dir) / package_name(county, period_label)


def write_export(report, full: Dataset, std: Standard, out_dir: Path, today: dt.date | None = None) -> Path:
    """Write the package of ``report`` (the period's figures) into ``out_dir``; ``full`` is the
    whole run's dataset (its counts and explanations go into the package)."""
    county = county_name(full, std)
    metrics = plain(report.metrics)
    info = package_info(county=county, compiler=report.compiler, period=report.period, term=report.term,
                        generated=today or report.compiled_on, sha256s=[s.sha256 for s in report.sources],
                        unexplained=full.counts.unexplained)
    return write_package(package_path(out_dir, county, report.period.label), info,
                         indicators_from_metrics(metrics, std), metrics["rounds"], explained_rows(full, std), std)
