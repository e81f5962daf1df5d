"""Wiring of the stages for each command. No statistics or rendering logic here.

discover/read/validate (``load``) -> aggregate (``aggregate``) -> render
(``render_*``). Messages go through the ``say`` callback the CLI passes in.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from .errors import EXIT_INPUT_ERRORS, EXIT_OK, InputErrors, UsageError
from .model import Dataset

Say = Callable[[str], None]

CHECK_REPORT_NAME = "校验报告.xlsx"
FIRST_FINDINGS_SHOWN = 10


def dispatch(args, say: Say) -> int:
    """Run the command named in ``args``; return the exit code."""
    handlers = {"template": _template, "sample": _sample, "validate": _validate,
                "annual": _period, "monthly": _period}
    return handlers[args.command](args, say)


def _template(args, say: Say) -> int:
    from .templates import write_templates

    paths = write_templates(args.out)
    say(f"已生成 {len(paths)} 份空白模板：")
    for path in paths:
        say(f"  {path}")
    return EXIT_OK


def _sample(args, say: Say) -> int:
    from .sample import write_sample

    paths = write_sample(args.out)
    say(f"已生成示例县填报数据 {len(paths)} 份，位于：{args.out}")
    return EXIT_OK


def _load(args, say: Say) -> Dataset:
    inputs = Path(args.inputs)
    if not inputs.is_dir():
        raise UsageError(f"找不到输入文件夹“{inputs}”。请用 --inputs 指定存放填报工作簿的文件夹。")
    from .load import load_dataset

    return load_dataset(inputs, progress=sys.stderr.isatty(), exclude=(Path(args.outputs),))


def _summarise(ds: Dataset, report: Path | None, say: Say) -> None:
    n_files = len(ds.sources)
    say(f"读取工作簿 {n_files} 份；错误 {len(ds.errors)} 处，警告 {len(ds.warnings)} 处。")
    if ds.skipped:
        say(f"跳过 {len(ds.skipped)} 个文件（非填报工作簿或临时文件）：")
        for item in ds.skipped[:FIRST_FINDINGS_SHOWN]:
            say(f"  {item.path}：{item.reason}")
    shown = sorted(ds.findings, key=lambda f: (not f.is_error, f.file, f.sheet, f.row or 0))
    for f in shown[:FIRST_FINDINGS_SHOWN]:
        where = "，".join(x for x in (f.file, f.sheet, f"第{f.row}行" if f.row else "", f.column) if x)
        say(f"  [{f.level}] {where}：{f.message}")
    if len(shown) > FIRST_FINDINGS_SHOWN:
        say(f"  ……其余 {len(shown) - FIRST_FINDINGS_SHOWN} 处见校验报告。")
    if report is not None:
        say(f"校验报告：{report}")


def _write_check_report(ds: Dataset, path: Path) -> Path:
    from .render_check_report import write_check_report

    return write_check_report(ds, path)


def _validate(args, say: Say) -> int:
    ds = _load(args, say)
    report = _write_check_report(ds, Path(args.outputs) / CHECK_REPORT_NAME)
    _summarise(ds, report, say)
    return EXIT_INPUT_ERRORS if ds.errors else EXIT_OK


def _period(args, say: Say) -> int:
    from .periods import annual, monthly

    period = annual(args.year) if args.command == "annual" else monthly(args.month)
    ds = _load(args, say)
    if ds.errors and not args.skip_invalid:
        report = _write_check_report(ds, Path(args.outputs) / CHECK_REPORT_NAME)
        _summarise(ds, report, say)
        raise InputErrors("填报工作簿有错误，未生成统计结果。请按校验报告逐条改正后重新运行；"
                          "或加 --skip-invalid 只统计无错误的工作簿。")
    if ds.errors:
        from .load import drop_invalid

        ds = drop_invalid(ds)
    out_dir = Path(args.outputs) / period.folder
    report_path = _write_check_report(ds, out_dir / CHECK_REPORT_NAME)
    _summarise(ds, report_path, say)
    if ds.excluded:
        say(f"注意：以下 {len(ds.excluded)} 份工作簿有错误，未计入统计：")
        for name in ds.excluded:
            say(f"  {name}")
    written = _render(ds, period, out_dir, say)
    say(f"{period.label}统计完成，共写出 {len(written)} 个文件，位于：{out_dir}")
    return EXIT_OK


def _render(ds: Dataset, period, out_dir: Path, say: Say) -> list[Path]:
    from .aggregate import build_report
    from .render_charts import write_charts
    from .render_metrics import write_metrics
    from .render_summary import write_documents
    from .render_workbook import write_workbook

    report = build_report(ds, period)
    written = [write_workbook(report, out_dir), write_metrics(report, out_dir)]
    written += write_charts(report, out_dir / "charts")
    docs, markers = write_documents(report, ds, out_dir)
    written += docs
    if markers:
        say(f"文稿中有 {markers} 处【待补充】标记，需人工补充。")
    return written


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
