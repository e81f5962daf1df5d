"""Wiring of the stages for each command. No statistics or rendering logic here.

The command line (``dispatch``) and the workbench (``pipeline/workbench``) call the same
functions: ``standard_from``, ``load_inputs``, ``run_period``, ``write_check_report``,
``make_templates``, ``run_rollup`` (the city's roll-up) and ``rollup.export.run_export`` (the
county's package); each face only turns their results into its own messages.

schemas (``standard``) -> read (``read.load``: discover, read, normalise, check)
-> statistics (``stats.aggregate``) -> render (``render.*``). The standard is
loaded once here and passed to every stage. Which work runs in a child process
is decided here too (``jobs``). Messages go through the ``say`` callback the
CLI passes in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import EXIT_INPUT_ERRORS, EXIT_OK, InputErrors, UsageError
from .explanations import EXPLAINED
from .explanations import status as explanation_status
from .findings import Finding
from .model import Dataset
from .standard import Standard, standard_at
from .timing import stage

Say = Callable[[str], None]

CHECK_REPORT_NAME = "校验报告.xlsx"
FIRST_FINDINGS_SHOWN = 10
GC_THRESHOLDS = (50_000, 20, 20)  # Python's default is (700, 10, 10)
PARALLEL_RENDER_FILES = 50  # from this many workbooks, leadership workbook and charts are written by children
# From this many workbooks the round summaries (about half of the statistics) are computed
# in a forked child beside the period figures (pipeline/jobs.py; Linux only).
PARALLEL_ROUNDS_FILES = 200
# The roll-up's inputs folder often holds the counties' whole outputs (统计表, charts, drafts):
# the skipped files are counted and only the first few named (the check report lists all).
ROLLUP_SKIPPED = "不是上报包或县区名单，如各县区统计结果中的统计表、图表和文稿，汇总时不读取"
ROLLUP_SKIPPED_SHOWN = 3


def dispatch(args, say: Say) -> int:
    """Run the command named in ``args``; return the exit code."""
    handlers = {"template": _template, "sample": _sample, "validate": _validate,
                "annual": _period, "monthly": _period, "export": _export, "rollup": _rollup, "serve": _serve}
    with _fewer_collections():
        return handlers[args.command](args, say)


@contextlib.contextmanager
def _fewer_collections():
    """Run the garbage collector less often (cycles are still collected): the pipeline
    makes millions of small objects, and each collection walks the older ones again
    (about 10% of a large run; see docs/performance.md)."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _standard(args) -> Standard:
    """The standard of ``--schemas`` (default: the one shipped with the tool)."""
    return standard_from(getattr(args, "schemas", None))


def standard_from(schemas: Path | None) -> Standard:
    """The standard in the folder ``schemas`` (None: the one shipped with the tool); UsageError if unusable."""
    return standard_at(schemas)


def make_templates(out: Path, std: Standard) -> list[Path]:
    """Write the blank templates into ``out``; return their paths."""
    from .authoring.blank_forms import write_templates

    return write_templates(out, std)


def _template(args, say: Say) -> int:
    paths = make_templates(args.out, _standard(args))
    say(f"已生成 {len(paths)} 份空白模板：")
    for path in paths:
        say(f"  {path}")
    return EXIT_OK


def _sample(args, say: Say) -> int:
    if getattr(args, "city", False):
        from .authoring.sample_city import CITY, write_city_sample

        paths = write_city_sample(args.out, _standard(args))
        say(f"已生成{CITY}县区名单：{paths[0]}")
        say(f"已生成{CITY}各县区填报数据 {len(paths) - 1} 份，每个县区一个文件夹，位于：{args.out}")
        return EXIT_OK
    from .authoring.sample import write_sample

    paths = write_sample(args.out, _standard(args))
    say(f"已生成示例县填报数据 {len(paths)} 份，位于：{args.out}")
    return EXIT_OK


def _load(args, std: Standard) -> Dataset:
    return load_inputs(Path(args.inputs), Path(args.outputs), std, progress=sys.stderr.isatty())


def load_inputs(inputs: Path, outputs: Path, std: Standard, progress: bool = False, cache=None) -> Dataset:
    """Read and check every workbook under ``inputs`` (never those under ``outputs``).

    ``cache``: a ``read.cache.ReadCache`` kept between calls (the workbench), so that
    unchanged workbooks are not read again.
    """
    inputs = Path(inputs)
    if not inputs.is_dir():
        raise UsageError(f"找不到输入文件夹“{inputs}”。请用 --inputs 指定存放填报工作簿的文件夹。")
    from .read.load import load_dataset

    with stage("load_dataset"):
        return load_dataset(inputs, std, progress=progress, exclude=(Path(outputs),), cache=cache)


def _summarise(ds: Dataset, report: Path | None, say: Say, skipped_what: str = "非填报工作簿或临时文件",
               skipped_shown: int = FIRST_FINDINGS_SHOWN, read_what: str = "工作簿") -> None:
    n_files = len(ds.sources)
    say(f"读取{read_what} {n_files} 份；{ds.counts.line()}。")
    if ds.skipped:
        say(f"跳过 {len(ds.skipped)} 个文件（{skipped_what}）：")
        for item in ds.skipped[:skipped_shown]:
            say(f"  {item.path}：{item.reason}")
        if len(ds.skipped) > skipped_shown:
            say(f"  ……其余 {len(ds.skipped) - skipped_shown} 个见校验报告。")
    # Errors first, then the warnings still to explain, then the explained ones (marked).
    state = {f: explanation_status(f, ds.explained) for f in ds.findings if not f.is_error}
    shown = sorted(ds.findings, key=lambda f: (not f.is_error, state.get(f) == EXPLAINED, f.file, f.sheet,
                                               f.row or 0))
    for f in shown[:FIRST_FINDINGS_SHOWN]:
        say(finding_line(f, state.get(f, "")))
    if len(shown) > FIRST_FINDINGS_SHOWN:
        say(f"  ……其余 {len(shown) - FIRST_FINDINGS_SHOWN} 处见校验报告。")
    if report is not None:
        say(f"校验报告：{report}")


def finding_line(f: Finding, state: str = "") -> str:
    """One finding as the console lists it: ``  [警告] 文件，工作表，第N行，列：说明（问题代码 …）``;
    ``state`` EXPLAINED marks an explained warning."""
    where = "，".join(x for x in (f.file, f.sheet, f"第{f.row}行" if f.row else "", f.column) if x)
    level = f"{f.level.value}·{EXPLAINED}" if state == EXPLAINED else f.level.value
    return f"  [{level}] {where}：{f.message}（问题代码 {f.code}）"


def _write_check_report(ds: Dataset, std: Standard, path: Path) -> Path:
    from .render.check_report import write_check_report

    return write_check_report(ds, std, path)


def write_check_report(ds: Dataset, std: Standard, outputs: Path) -> Path:
    """Write the check report of ``ds`` as ``outputs/校验报告.xlsx`` (what ``validate`` writes)."""
    return _write_check_report(ds, std, Path(outputs) / CHECK_REPORT_NAME)


def _validate(args, say: Say) -> int:
    std = _standard(args)
    ds = _load(args, std)
    with stage("write_check_report"):
        report = write_check_report(ds, std, Path(args.outputs))
    _summarise(ds, report, say)
    return EXIT_INPUT_ERRORS if ds.errors else EXIT_OK


@dataclass
class PeriodRun:
    """What one period's run produced: the figures and every file written."""

    report: object  # stats.aggregate.Report (imported late: `-h` stays fast)
    out_dir: Path
    check_report: Path
    written: list[Path]  # the statistics files, in the order the CLI counts them
    dataset: Dataset  # the workbooks counted (those with errors left out under skip_invalid)


def period_of(kind: str, text: str):
    """The Period of an ``annual`` year or ``monthly`` month given as text; UsageError if malformed.

    ``export`` takes either (the workbench's one box): a month when the text has a ``-``."""
    from .periods import annual, monthly

    if kind == "export":
        kind = "monthly" if "-" in text else "annual"
    return annual(text) if kind == "annual" else monthly(text)


def _period(args, say: Say) -> int:
    period = period_of(args.command, args.year if args.command == "annual" else args.month)
    std = _standard(args)
    from .jobs import prepared

    # A small run: a child warms matplotlib up on the other core while this one imports pandas,
    # reads and checks (pandas is not imported yet: the child starts at once, see model.py).
    with prepared(_warm_charts, parallel=_few_workbooks(Path(args.inputs), Path(args.outputs))) as charts:
        with stage("load_inputs"):
            ds = _load(args, std)
        run_period(period, ds, std, Path(args.outputs), say, skip_invalid=args.skip_invalid, charts=charts)
    return EXIT_OK


def _warm_charts() -> None:
    """What the charts child does before its data arrives (``render.charts.warm_up``); it never
    imports pandas (the chart data is plain values)."""
    with stage("warm-up of the charts child"):
        from .render.charts import warm_up

        warm_up()


def _export(args, say: Say) -> int:
    """The county's package for the city (spec rollup.md): the period's run, then 上报_<县名>_<期间>.xlsx."""
    from .rollup.export import run_export

    period = period_of("annual", args.year) if args.year else period_of("monthly", args.month)
    std = _standard(args)
    ds = _load(args, std)
    run_export(period, ds, std, Path(args.outputs), say, skip_invalid=args.skip_invalid,
               allow_unexplained=args.allow_unexplained)
    return EXIT_OK


def _few_workbooks(inputs: Path, outputs: Path) -> bool:
    """Fewer than PARALLEL_RENDER_FILES workbooks under ``inputs`` (a quick count of the .xlsx
    names, outside ``outputs``; only decides where the charts are drawn, never what is read)."""
    n, skip = 0, os.path.abspath(outputs)
    for folder, dirs, names in os.walk(inputs):
        dirs[:] = [d for d in dirs if os.path.abspath(os.path.join(folder, d)) != skip]
        n += sum(name.lower().endswith(".xlsx") for name in names)
        if n >= PARALLEL_RENDER_FILES:
            return False
    return True


def run_period(period, ds: Dataset, std: Standard, outputs: Path, say: Say, skip_invalid: bool = False,
               charts=None) -> PeriodRun:
    """The statistics of ``period`` over ``ds``, written under ``outputs/<period folder>/``.

    With errors in ``ds`` (and not ``skip_invalid``) only the check report is written, at
    ``outputs/校验报告.xlsx``, and InputErrors is raised. Messages go to ``say``.
    """
    outputs = Path(outputs)
    if ds.errors and not skip_invalid:
        report = write_check_report(ds, std, outputs)
        _summarise(ds, report, say)
        raise InputErrors("填报工作簿有错误，未生成统计结果。请按校验报告逐条改正后重新运行；"
                          "或加 --skip-invalid 只统计无错误的工作簿。")
    if ds.errors:
        from .read.load import drop_invalid

        ds = drop_invalid(ds, std)
    out_dir = outputs / period.folder
    parallel = len(ds.sources) >= PARALLEL_RENDER_FILES
    from .jobs import Background, waiting

    check_job = Background(_write_check_report, ds, std, out_dir / CHECK_REPORT_NAME, parallel=parallel)
    with waiting(check_job), stage("build_report"):
        report = _build_report(ds, std, period)
    if charts is not None and charts.proc is not None:  # a small run: the chart data is sent pickled
        from functools import partial

        from .render.charts import chart_data, write_charts

        # drawn while the rest is written; the warm child forks a helper for one chart
        charts.submit(partial(write_charts, fork=True), chart_data(report), out_dir / "charts")
    with stage("write_check_report (waited for)"):
        report_path = check_job.result()
    _summarise(ds, report_path, say)
    if ds.excluded:
        say(f"注意：以下 {len(ds.excluded)} 份工作簿有错误，未计入统计：")
        for name in ds.excluded:
            say(f"  {name}")
    written = _render(report, out_dir, say, parallel, charts)
    say(f"{period.label}统计完成，共写出 {len(written)} 个文件，位于：{out_dir}")
    return PeriodRun(report, out_dir, report_path, written, ds)


def _build_report(ds: Dataset, std: Standard, period, today: dt.date | None = None):
    """The period's Report; with many workbooks the whole-round summaries are computed
    in a forked child while this process computes the period figures."""
    from .jobs import Background, waiting
    from .stats.aggregate import build_report
    from .stats.rounds import summaries_from_frames
    from .stats.selection import Frames

    frames = Frames.from_dataset(ds, std)
    summaries = Background(summaries_from_frames, frames, period.end,
                           parallel=len(ds.sources) >= PARALLEL_ROUNDS_FILES)
    with waiting(summaries):
        return build_report(ds, std, period, today, frames=frames, round_summaries=summaries.result)


def _render(report, out_dir: Path, say: Say, parallel: bool, charts=None) -> list[Path]:
    """Write every output. With many workbooks (``parallel``) the leadership workbook, its
    companion and the charts are written by child processes while this one writes the
    metrics and the documents: both cores render at once. ``charts``: a ``jobs.Prepared``
    child (small runs) already drawing the charts (see ``run_period``)."""
    from .jobs import Background, collect, waiting
    from .render.charts import chart_data, write_charts
    from .render.metrics import write_metrics
    from .render.summary import write_documents
    from .render.workbook import plan_workbooks, write_companion, write_main_workbook

    if charts is None or charts.proc is None:
        charts = Background(write_charts, chart_data(report), out_dir / "charts", parallel=parallel)  # beside the plan
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
    if markers:
        say(f"文稿中有 {markers} 处【待补充】标记，需人工补充。")
    return written


ROLLUP_ERRORS = ("上报包有错误，未生成汇总结果。"
                 "请按校验报告逐条处理（或请有关县区重新导出上报包）后重新运行。")


@dataclass
class RollupRun:
    """What one roll-up produced: the packages read, their findings and every file written.

    With errors ``rollup`` and ``out_dir`` are None and ``written`` holds only the check report
    (``outputs/校验报告.xlsx``)."""

    city: object  # rollup.load.CityInputs
    dataset: Dataset  # the packages as sources, the roll-up's findings
    rollup: object | None  # rollup.figures.Rollup
    out_dir: Path | None
    written: list[Path]  # the city workbook, metrics.json, the check report

    @property
    def failed(self) -> bool:
        return self.rollup is None


def rollup_period(text: str):
    """The Period of a roll-up given as ``2020`` (a year) or ``2020-06`` (a month); UsageError if malformed."""
    return period_of("monthly" if "-" in text.strip() else "annual", text.strip())


def run_rollup(period, inputs: Path, outputs: Path, std: Standard, say: Say,
               today: dt.date | None = None) -> RollupRun:
    """The city's roll-up of the county packages under ``inputs`` (spec rollup.md), what
    ``xuncha rollup`` and the workbench's 汇总 page run. Messages go to ``say``."""
    from .rollup.format import package_format
    from .rollup.run import check_rollup, write_rollup

    inputs, outputs = Path(inputs), Path(outputs)
    if not inputs.is_dir():
        raise UsageError(f"找不到输入文件夹“{inputs}”。请用 --inputs 指定存放各县区上报包的文件夹。")
    # Our own outputs are never read as packages: the outputs folder when it lies inside the
    # inputs, and this period's roll-up folder when the outputs folder is the inputs folder.
    own = (outputs, outputs / package_format().rollup_folder(period.label))
    city, ds = check_rollup(inputs, std, period, exclude=own)
    if ds.errors:
        report = write_check_report(ds, std, outputs)
        _summarise(ds, report, say, ROLLUP_SKIPPED, ROLLUP_SKIPPED_SHOWN, "上报包")
        return RollupRun(city, ds, None, None, [report])
    out_dir, rollup, written = write_rollup(city, std, period, outputs, today or dt.date.today())
    written.append(_write_check_report(ds, std, out_dir / CHECK_REPORT_NAME))
    _summarise(ds, written[-1], say, ROLLUP_SKIPPED, ROLLUP_SKIPPED_SHOWN, "上报包")
    if rollup.missing_counties:
        say(f"注意：县区名单中有 {len(rollup.missing_counties)} 个县区未上报：" + "、".join(rollup.missing_counties))
    say(f"{period.label}汇总完成（{len(rollup.counties)} 个县区），共写出 {len(written)} 个文件，位于：{out_dir}")
    return RollupRun(city, ds, rollup, out_dir, written)


def _rollup(args, say: Say) -> int:
    """The city's roll-up of county packages (spec rollup.md)."""
    from .periods import annual, monthly

    period = annual(args.year) if args.year else monthly(args.month)
    if run_rollup(period, Path(args.inputs), Path(args.outputs), _standard(args), say).failed:
        raise InputErrors(ROLLUP_ERRORS)
    return EXIT_OK


def _serve(args, say: Say) -> int:
    from .workbench.server import make_shortcut, serve

    if args.make_shortcut:
        path = make_shortcut(Path(args.inputs), Path(args.outputs))
        say(f"已生成工作台快捷方式：{path}")
        say("双击它即可启动工作台（浏览器会自动打开）。")
        return EXIT_OK
    return serve(Path(args.inputs), Path(args.outputs), _standard(args), say, port=args.port,
                 open_browser=not args.no_browser)


def write_crash_log(outputs: Path) -> Path:
    """Write the current exception's traceback to a log file; return its path."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = traceback.format_exc()
    for folder in (Path(outputs), Path.cwd()):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"错误日志-{stamp}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path("(无法写入日志)")
