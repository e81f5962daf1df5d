"""The engine: what the command line and the workbench both call, and nothing else.

Plain functions that take paths, a :class:`Standard` and a :class:`Period` and return result
records. They never print (lines for the user go to the ``notify`` callback the face passes
in, progress to ``progress``), never read argparse objects, never choose exit codes. Errors are
the project's exceptions (``errors.py``), which each face turns into its own message.

    standard(folder)                        the standard (exit 2 when it is wrong, at load)
    check_inputs(inputs, outputs, std)      read and check every workbook -> Dataset
    write_check_report(ds, std, outputs)    outputs/校验报告.xlsx
    run_period(period, inputs, outputs, std)     a period's statistics -> PeriodRun
    export_package(period, inputs, outputs, std) the same, then the county's package -> ExportRun
    run_rollup(period, inputs, outputs, std)     the city's roll-up -> RollupRun
    (forms.py) write_templates(out, std), write_sample(out, std), write_city_sample(out, std),
    write_schema(out, std), rectification_forms(inputs, outputs, std) -> FormsRun, add_explanation
    add_explanation(...), list_packages(...), submissions(...)   the workbench's helpers

Which work runs in another process is the runner's decision (``runner.py``).
"""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..errors import InputErrors, UsageError
from ..explanations import UNEXPLAINED
from ..explanations import status as explanation_status
from ..model import Dataset
from ..output import (
    CHARTS_FOLDER,
    CHECK_REPORT_NAME,
    crash_log_name,
    final_path,
    rollup_folder,
    staged_folder,
)
from ..periods import Period, resolve_term
from ..read.discover import discover
from ..read.load import drop_invalid
from ..render.charts import chart_data, write_charts
from ..render.check_report import write_check_report as _write_check_report
from ..render.metrics import write_metrics
from ..render.summary import write_documents
from ..render.workbook import plan_workbooks, write_companion, write_main_workbook
from ..rollup.export import county_name, county_name_missing, unexplained_warnings, write_export
from ..rollup.load import CityInputs, load_city
from ..rollup.run import check_rollup, write_rollup
from ..standard import Standard
from ..stats.aggregate import Report, build_report
from ..stats.plan import PlanStatus, plan_status
from ..stats.rounds import summaries_from_frames
from ..stats.selection import Frames, to_date
from . import runner
from .cache import ReadCache
from .charts import charts_in_two
from .load import Progress, load_dataset
from .messages import FIRST_FINDINGS_SHOWN, Notify, finding_line, quiet, summary_lines, tell
from .runner import Background, collect, stage, waiting

INPUT_ERRORS = ("填报工作簿有错误，未生成统计结果。请按校验报告逐条改正后重新运行；"
                "或加 --skip-invalid 只统计无错误的工作簿。")
ROLLUP_ERRORS = ("上报包有错误，未生成汇总结果。"
                 "请按校验报告逐条处理（或请有关县区重新导出上报包）后重新运行。")
# The roll-up's inputs folder often holds the counties' whole outputs (统计表, charts, drafts):
# the skipped files are counted and only the first few named (the check report lists all).
ROLLUP_SKIPPED = "不是上报包或县区名单，如各县区统计结果中的统计表、图表和文稿，汇总时不读取"
ROLLUP_SKIPPED_SHOWN = 3



# ---------------------------------------------------------------- checking

def check_inputs(inputs: Path, outputs: Path, std: Standard, progress: Progress | None = None,
                 cache: ReadCache | None = None) -> Dataset:
    """Read and check every workbook under ``inputs`` (never those under ``outputs``).

    ``cache``: a ReadCache kept between calls (the workbench): unchanged workbooks are not read again.
    """
    inputs = Path(inputs)
    if not inputs.is_dir():
        raise UsageError(f"找不到输入文件夹“{inputs}”。请用 --inputs 指定存放填报工作簿的文件夹。")
    with stage("load_dataset"):
        return load_dataset(inputs, std, progress=progress, exclude=(Path(outputs),), cache=cache)


def write_check_report(ds: Dataset, std: Standard, outputs: Path) -> Path:
    """Write the check report of ``ds`` as ``outputs/校验报告.xlsx`` (what ``validate`` writes)."""
    with stage("write_check_report"):
        return _write_check_report(ds, std, Path(outputs) / CHECK_REPORT_NAME)


def refuse_errors(ds: Dataset, std: Standard, outputs: Path, notify: Notify, message: str) -> None:
    """With errors in ``ds``: write the check report at ``outputs/校验报告.xlsx``, tell what was
    found and raise InputErrors(``message``); without, nothing."""
    if ds.errors:
        report = write_check_report(ds, std, outputs)
        tell(notify, summary_lines(ds, report))
        raise InputErrors(message)


def input_paths(inputs: Path, outputs: Path) -> tuple[list[Path], list]:
    """The workbooks a check would read under ``inputs`` and the files it would skip."""
    paths, skipped, _ = discover(Path(inputs), (Path(outputs),))
    return paths, skipped


# ---------------------------------------------------------------- a period's statistics

@dataclass
class PeriodRun:
    """What one period's run produced: the figures and every file written."""

    report: Report
    out_dir: Path
    check_report: Path
    written: list[Path]  # the statistics files, in the order the CLI counts them
    dataset: Dataset  # the workbooks counted (those with errors left out under skip_invalid)


def run_period(period: Period, inputs: Path, outputs: Path, std: Standard, *, notify: Notify = quiet,
               progress: Progress | None = None, skip_invalid: bool = False, cache: ReadCache | None = None,
               on_checked=None, charts: runner.Prepared | None = None) -> PeriodRun:
    """Read and check ``inputs``, then write the statistics of ``period`` under ``outputs/<period folder>/``.

    ``on_checked(ds)`` is called with the full check before the statistics (the workbench keeps it).
    With errors (and not ``skip_invalid``) only the check report is written, at
    ``outputs/校验报告.xlsx``, and InputErrors is raised. ``charts``: a prepared child that
    draws the charts (``start.run_period`` forks it before this module is imported).
    """
    ds = check_inputs(inputs, outputs, std, progress=progress, cache=cache)
    if on_checked is not None:
        on_checked(ds)
    return statistics(period, ds, std, outputs, notify=notify, skip_invalid=skip_invalid, charts=charts)


def statistics(period: Period, ds: Dataset, std: Standard, outputs: Path, *, notify: Notify = quiet,
               skip_invalid: bool = False, charts: runner.Prepared | None = None) -> PeriodRun:
    """The statistics of ``period`` over the checked ``ds``, written under ``outputs/<period folder>/``
    (``run_period`` after its check; the benchmark's floor)."""
    outputs = Path(outputs)
    if not skip_invalid:
        refuse_errors(ds, std, outputs, notify, INPUT_ERRORS)
    if ds.errors:
        ds = drop_invalid(ds, std)
    period = resolve_term(period, registry_terms(ds))
    target = outputs / period.folder
    parallel = len(ds.sources) >= runner.PARALLEL_RENDER_FILES
    # All or nothing (spec engine.md §6): every file is written into a staging folder beside
    # the target, which replaces the previous result in one step once all are written.
    with staged_folder(target) as out_dir:
        check_job = Background(_write_check_report, ds, std, out_dir / CHECK_REPORT_NAME, parallel=parallel)
        with waiting(check_job), stage("build_report"):
            report = _build_report(ds, std, period)
        drawing = ()
        if charts is not None and charts.proc is not None:  # a small run: the chart data is sent pickled
            charts.submit(charts_in_two, chart_data(report), out_dir / CHARTS_FOLDER)
            drawing = (charts,)  # waited for on a failure, before the staging folder is removed
        with waiting(*drawing):
            with stage("write_check_report (waited for)"):
                report_path = final_path(check_job.result(), out_dir, target)
            tell(notify, summary_lines(ds, report_path))
            if ds.excluded:
                notify(f"注意：以下 {len(ds.excluded)} 份工作簿有错误，未计入统计：")
                tell(notify, [f"  {name}" for name in ds.excluded])
            written, markers = _render(report, out_dir, parallel, charts)
    # The files are in place only now, once the staging folder has replaced the target.
    written = [final_path(path, out_dir, target) for path in written]
    if markers:
        notify(f"文稿中有 {markers} 处【待补充】标记，需人工补充。")
    notify(f"{period.label}统计完成，共写出 {len(written)} 个文件，位于：{target}")
    return PeriodRun(report, target, report_path, written, ds)


def registry_terms(ds: Dataset) -> list[tuple[str, dt.date, dt.date]]:
    """(届次, 开始日期, 结束日期) of the registry's 届次设置 (a term period's span comes from it)."""
    terms = ds.tables.get("terms")
    if terms is None or terms.empty:
        return []
    spans = ((t, to_date(s), to_date(e)) for t, s, e in zip(terms["term"], terms["start"], terms["end"], strict=True))
    return [(t, start, end) for t, start, end in spans if isinstance(t, str) and start and end]


def _build_report(ds: Dataset, std: Standard, period: Period, today: dt.date | None = None) -> Report:
    """The period's Report; with many workbooks the whole-round summaries are computed
    in a child while this process computes the period figures."""
    frames = Frames.from_dataset(ds, std)
    summaries = Background(summaries_from_frames, frames, period.end,
                           parallel=len(ds.sources) >= runner.PARALLEL_ROUNDS_FILES)
    with waiting(summaries):
        return build_report(ds, std, period, today, frames=frames, round_summaries=summaries.result)


def _render(report: Report, out_dir: Path, parallel: bool,
            charts: runner.Prepared | None = None) -> tuple[list[Path], int]:
    """Write every output. With many workbooks (``parallel``) the leadership workbook, its
    companion and the charts are written by children while this process writes the metrics
    and the documents. ``charts``: a prepared child already drawing the charts (small runs).
    Returns the paths written and the number of 【待补充】 markers in the drafts."""
    if charts is None or charts.proc is None:
        charts = Background(write_charts, chart_data(report), out_dir / CHARTS_FOLDER, parallel=parallel)
    with waiting(charts), stage("plan_workbooks"):
        main, moved = plan_workbooks(report)
    jobs = [Background(write_companion, report, moved, out_dir, parallel=parallel and bool(moved)),
            Background(write_main_workbook, report, main, out_dir, parallel=parallel), charts]
    with waiting(*jobs):
        with stage("write_metrics"):
            written = [write_metrics(report, out_dir)]
        with stage("write_documents"):
            docs, markers = write_documents(report, out_dir)
    with stage("write_workbook, companion, charts (waited for)"):
        written = [path for paths in collect(jobs) for path in paths] + written + docs
    return written, markers


# ---------------------------------------------------------------- the county's package

@dataclass
class ExportRun:
    """The period's run and the package written."""

    period_run: PeriodRun
    package: Path


def export_package(period: Period, inputs: Path, outputs: Path, std: Standard, *, notify: Notify = quiet,
                   progress: Progress | None = None, skip_invalid: bool = False, allow_unexplained: bool = False,
                   cache: ReadCache | None = None, on_checked=None, today: dt.date | None = None,
                   charts: runner.Prepared | None = None) -> ExportRun:
    """The period's run (as ``run_period``), then the county's package 上报_<县名>_<期间>.xlsx beside it.

    Raises InputErrors (after the period's files are written) when 县名 is missing or a warning
    is unexplained and not ``allow_unexplained``."""
    full: list[Dataset] = []

    def checked(ds: Dataset) -> None:
        full.append(ds)  # the counts and explanations are those of the whole run
        if on_checked is not None:
            on_checked(ds)

    run = run_period(period, inputs, outputs, std, notify=notify, progress=progress, skip_invalid=skip_invalid,
                     cache=cache, on_checked=checked, charts=charts)
    ds = full[0]
    pending = unexplained_warnings(ds)
    problems = []
    if not county_name(ds, std):
        missing = county_name_missing(ds, std)
        notify(finding_line(missing))
        problems.append(missing.message)
    if pending and not allow_unexplained:
        notify(f"以下 {len(pending)} 处核实性问题（警告）未说明：")
        tell(notify, [finding_line(f, explanation_status(f, ds.explained)) for f in pending[:FIRST_FINDINGS_SHOWN]])
        if len(pending) > FIRST_FINDINGS_SHOWN:
            notify(f"  ……其余 {len(pending) - FIRST_FINDINGS_SHOWN} 处见校验报告“"
                   f"{std.sheet('explanations').name}”表（状态为“{UNEXPLAINED}”等）。")
        problems.append(f"还有 {len(pending)} 处核实性问题（警告）未说明，不能导出上报包。"
                        f"请按校验报告“{std.sheet('explanations').name}”表逐条改正，或填写核实说明后重新导出；"
                        "确需先上报的，可加 --allow-unexplained 导出（上报包中会注明未说明的处数）。")
    if problems:
        raise InputErrors("未生成上报包。" + "".join(problems))
    path = write_export(run.report, ds, std, run.out_dir, today)
    if pending:
        notify(f"注意：上报包中注明了 {len(pending)} 处未说明的核实性问题（警告），市委巡察办汇总时会看到。")
    notify(f"已导出上报包：{path}")
    return ExportRun(run, path)


# ---------------------------------------------------------------- the city's roll-up

@dataclass
class RollupRun:
    """What one roll-up produced: the packages read, their findings and every file written.

    With errors ``rollup`` and ``out_dir`` are None and ``written`` holds only the check report
    (``outputs/校验报告.xlsx``)."""

    city: CityInputs
    dataset: Dataset  # the packages as sources, the roll-up's findings
    rollup: object | None  # rollup.figures.Rollup
    out_dir: Path | None
    written: list[Path]  # the city workbook, metrics.json, the check report

    @property
    def failed(self) -> bool:
        return self.rollup is None


def run_rollup(period: Period, inputs: Path, outputs: Path, std: Standard, *, notify: Notify = quiet,
               today: dt.date | None = None) -> RollupRun:
    """The city's roll-up of the county packages under ``inputs`` (spec rollup.md)."""
    inputs, outputs = Path(inputs), Path(outputs)
    if not inputs.is_dir():
        raise UsageError(f"找不到输入文件夹“{inputs}”。请用 --inputs 指定存放各县区上报包的文件夹。")
    # Our own outputs are never read as packages: the outputs folder when it lies inside the
    # inputs, and this period's roll-up folder when the outputs folder is the inputs folder.
    own = (outputs, outputs / rollup_folder(period.label))
    city, ds = check_rollup(inputs, std, period, exclude=own)
    lines = partial(summary_lines, skipped_what=ROLLUP_SKIPPED, skipped_shown=ROLLUP_SKIPPED_SHOWN,
                    read_what="上报包")
    if ds.errors:
        report = write_check_report(ds, std, outputs)
        tell(notify, lines(ds, report))
        return RollupRun(city, ds, None, None, [report])

    def check_report(folder: Path) -> Path:  # written into the roll-up's folder with the rest
        return _write_check_report(ds, std, folder / CHECK_REPORT_NAME)

    out_dir, rollup, written = write_rollup(city, std, period, outputs, today or dt.date.today(), also=check_report)
    tell(notify, lines(ds, written[-1]))
    if rollup.missing_counties:
        notify(f"注意：县区名单中有 {len(rollup.missing_counties)} 个县区未上报：" + "、".join(rollup.missing_counties))
    notify(f"{period.label}汇总完成（{len(rollup.counties)} 个县区），共写出 {len(written)} 个文件，位于：{out_dir}")
    return RollupRun(city, ds, rollup, out_dir, written)


def list_packages(folder: Path, std: Standard, exclude: tuple[Path, ...] = ()) -> CityInputs:
    """The packages (and rosters, skipped files) under ``folder``, as the roll-up reads them."""
    return load_city(Path(folder), std, exclude=exclude)


def submissions(ds: Dataset, std: Standard, as_of: dt.date) -> PlanStatus | None:
    """Which planned groups have submitted as of ``as_of`` (office-loop.md §1); None without a plan."""
    return plan_status(Frames.from_dataset(ds, std), as_of)


def write_crash_log(outputs: Path) -> Path:
    """Write the current exception's traceback to a log file; return its path."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = traceback.format_exc()
    for folder in (Path(outputs), Path.cwd()):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / crash_log_name(stamp)
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path("(无法写入日志)")
