"""Command line: parse arguments, call the engine, print its lines, turn exceptions into exit codes.

One of the two faces over ``pipeline.engine`` (the other is the workbench). The only module
that prints for the user or exits. Everything the user reads here is Chinese; output
survives a GBK console. ``serve`` belongs to the workbench: the launcher (``launch.py``)
hands its function in, so that the two faces never import each other.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .errors import EXIT_INPUT_ERRORS, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, InputErrors, XunchaError
from .output import (
    CHECK_REPORT_NAME,
    RECTIFICATION_FOLDER,
    SCHEMA_FOLDER,
    TEMPLATES_FOLDER,
    package_name,
    rollup_folder,
)

PROG = "xuncha"
INTERRUPTED = "已中断：用户按了 Ctrl+C，未写完的文件已删除。"


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese usage errors and exit code 2."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 用法错误：{message}\n请运行 {self.prog} -h 查看帮助。\n")


def _schemas(p: argparse.ArgumentParser) -> None:
    p.add_argument("--schemas", type=Path, default=None, metavar="文件夹",
                   help="填报标准所在文件夹（standard.toml、wording.toml 等文件），默认使用本工具自带的标准")


def _common(p: argparse.ArgumentParser, *, skip_invalid: bool = False) -> None:
    _schemas(p)
    p.add_argument("--inputs", type=Path, default=Path("inputs"), metavar="文件夹",
                   help="存放填报工作簿的文件夹（含子文件夹），默认 inputs/")
    p.add_argument("--outputs", type=Path, default=Path("outputs"), metavar="文件夹",
                   help="统计结果和校验报告的输出文件夹，默认 outputs/")
    if skip_invalid:
        p.add_argument("--skip-invalid", action="store_true",
                       help="跳过有错误的工作簿，只用无错误的工作簿统计；结果顶部会列出被跳过的文件")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used by the tests to check help texts)."""
    parser = _Parser(
        prog=PROG,
        description="县委巡察办巡察工作统计：读取填报工作簿，校验，生成年度、月度、季度、半年、届次等期间的统计表、图表和总结初稿。",
        epilog="示例：python run.py annual --year 2020",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("template", help="生成空白填报模板（名册、轮次填报表、年度综合情况）",
                       description="生成三份空白填报模板，含下拉列表、填写提示和填表说明。",
                       epilog=f"示例：python run.py template --out outputs/{TEMPLATES_FOLDER}")
    p.add_argument("--out", type=Path, default=Path("outputs") / TEMPLATES_FOLDER, metavar="文件夹",
                   help=f"模板输出文件夹，默认 outputs/{TEMPLATES_FOLDER}/")
    _schemas(p)

    p = sub.add_parser("sample", help="生成示例县（示例县）2019—2021 年的示例填报数据",
                       description="生成虚构的示例县填报工作簿，用于试用和测试。",
                       epilog="示例：python run.py sample --out inputs")
    p.add_argument("--out", type=Path, default=Path("inputs"), metavar="文件夹",
                   help="示例数据输出文件夹，默认 inputs/")
    p.add_argument("--city", action="store_true",
                   help="改为生成虚构的示例市：县区名单（县区名单.xlsx）和三个县区各一个填报文件夹，"
                        "供导出上报包（export）和市级汇总（rollup）试用")
    _schemas(p)

    p = sub.add_parser("schema", help="把填报标准的校验规则写成 pandera YAML（供其他单位的程序按同一标准校验）",
                       description="把填报标准中每张工作表的校验规则（列、类型、必填、下拉值、最小值、日期先后）"
                                   "写成 pandera 的 YAML 文件，每张工作表一个，文件名为工作表的英文编号。",
                       epilog=f"示例：python run.py schema --out outputs/{SCHEMA_FOLDER}")
    p.add_argument("--out", type=Path, default=Path("outputs") / SCHEMA_FOLDER, metavar="文件夹",
                   help=f"YAML 文件的输出文件夹，默认 outputs/{SCHEMA_FOLDER}/")
    _schemas(p)

    p = sub.add_parser("validate", help="读取并校验全部工作簿，生成校验报告",
                       description=f"读取并校验全部填报工作簿，把发现的问题写入 {CHECK_REPORT_NAME}，不做统计。",
                       epilog="示例：python run.py validate --inputs inputs")
    _common(p)

    p = sub.add_parser("annual", help="年度统计：统计表、metrics.json、图表、年度总结初稿",
                       description="统计指定年度的巡察工作，输出到 outputs/<年>年度/。",
                       epilog="示例：python run.py annual --year 2020")
    p.add_argument("--year", required=True, metavar="年份", help="统计年度，四位数字，如 2020")
    _common(p, skip_invalid=True)

    p = sub.add_parser("monthly", help="月度统计：本月和本年累计，月报",
                       description="统计指定月份（本月、本年累计，有上年数据时含同比），输出到 outputs/<年>年<月>月/。",
                       epilog="示例：python run.py monthly --month 2020-06")
    p.add_argument("--month", required=True, metavar="年-月", help="统计月份，如 2020-06")
    _common(p, skip_invalid=True)

    p = sub.add_parser("report", help="任意期间的统计（季度、半年、届次、自定义期间，也可年度、月份）：统计表和文稿",
                       description="统计指定期间的巡察工作（与 annual/monthly 相同的校验、口径和输出文件），"
                                   "输出到 outputs/<期间>/。期间的写法：年度 2020；月份 2020-06；"
                                   "季度 2020Q2 或 2020年第二季度；半年 2020H1 或 2020年上半年；"
                                   "届次 十四届（截至 --as-of 的日期，默认今天）；自定义期间 2020-03-01~2020-08-31。"
                                   "季度有同比（上年同期）和环比（上季度），半年和年内的自定义期间有同比，届次按年度分列。",
                       epilog="示例：python run.py report --period 2020Q2\n"
                              "      python run.py report --period 2020年上半年\n"
                              "      python run.py report --period 十四届 --as-of 2020-12-31",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _period_option(p, required=True)
    p.add_argument("--as-of", metavar="截至日期", default=None,
                   help="届次统计的截至日期，如 2020-12-31；不填为今天（届次已结束的，统计到届末）")
    _common(p, skip_invalid=True)

    package = package_name("<县名>", "<期间>")
    p = sub.add_parser("export", help="导出上报包：统计指定期间（年度、月份、季度、半年或自定义期间），"
                                      "并生成报送市委巡察办的上报包",
                       description="与 annual/monthly 一样统计指定期间（输出相同的文件），再在该期间的输出文件夹中"
                                   f"生成上报包 {package}（只含统计数字、分轮次数字和核实说明，"
                                   "不含线索摘要、线索编号和人名）。有未说明的核实性问题（警告）时不生成上报包。",
                       epilog="示例：python run.py export --year 2020\n"
                              "      python run.py export --period 2020Q2",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--year", metavar="年份", help="上报年度，四位数字，如 2020")
    when.add_argument("--month", metavar="年-月", help="上报月份，如 2020-06")
    _period_option(when, package=True)
    _common(p, skip_invalid=True)
    p.add_argument("--allow-unexplained", action="store_true",
                   help="还有未说明的核实性问题（警告）时也生成上报包；上报包的“未说明核实性问题”会写明处数")

    p = sub.add_parser("rollup", help="市级汇总：校验并汇总各县区的上报包",
                       description=f"读取文件夹（含子文件夹）中各县区的上报包（{package}）和可选的县区名单，"
                                   f"校验后汇总，输出到 outputs/{rollup_folder('<期间>')}/。有错误时只写校验报告。",
                       epilog="示例：python run.py rollup --year 2020 --inputs 上报包\n"
                              "      python run.py rollup --period 2020Q2 --inputs 上报包",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--year", metavar="年份", help="汇总年度，四位数字，如 2020")
    when.add_argument("--month", metavar="年-月", help="汇总月份，如 2020-06")
    _period_option(when, package=True)
    _schemas(p)
    p.add_argument("--inputs", type=Path, default=Path("inputs"), metavar="文件夹",
                   help="存放各县区上报包（和县区名单）的文件夹（含子文件夹），默认 inputs/")
    p.add_argument("--outputs", type=Path, default=Path("outputs"), metavar="文件夹",
                   help="汇总结果和校验报告的输出文件夹，默认 outputs/")

    form = RECTIFICATION_FOLDER  # the folder is named after the form it holds (整改进展表)
    p = sub.add_parser("rectification-forms", help=f"生成{form}和巡察反馈问题清单，发给各被巡察党组织",
                       description=f"为每个还有未整改问题的被巡察党组织（按轮次）生成一份{form}（问题已预先填好，"
                                   "由该单位填写整改措施、整改状态、完成日期和佐证材料后交回）和一份巡察反馈问题清单"
                                   f"（Word，公文格式），输出到 outputs/{RECTIFICATION_FOLDER}/，"
                                   "另打包为一个 zip 文件。"
                                   f"交回的{form}放入输入文件夹，统计时整改台账以最新一次填报为准。",
                       epilog="示例：python run.py rectification-forms --org 县住房和城乡建设管理局")
    p.add_argument("--term", default=None, metavar="届次名", help="只生成该届次的，如 十四届；默认全部")
    p.add_argument("--round", type=_round, default=None, metavar="第几轮",
                   help="只生成该轮次的，填整数，如 6；默认全部")
    p.add_argument("--org", default=None, metavar="单位全称",
                   help="只生成该被巡察党组织的（填巡察对象名册中的单位全称）；默认全部还有未整改问题的单位")
    _common(p)

    p = sub.add_parser("serve", help="启动工作台：在浏览器中上传、校验、统计、下载（不用敲命令）",
                       description="在本机启动工作台网页（只有本机能访问），用鼠标完成上传、校验、统计和下载。"
                                   "启动后显示网址并自动打开浏览器；关闭工作台请在本窗口按 Ctrl+C。",
                       epilog="示例：python run.py serve --inputs inputs --outputs outputs")
    _common(p)
    p.add_argument("--port", type=_port, default=None, metavar="端口",
                   help="工作台使用的端口号（1024—65535），默认自动选一个空闲端口")
    p.add_argument("--no-browser", action="store_true", help="只显示网址，不自动打开浏览器")
    p.add_argument("--make-shortcut", action="store_true",
                   help="在桌面生成启动工作台的快捷方式（Windows 为 .bat 文件，Linux 为 .desktop 文件，"
                        "并加入应用程序菜单），使用本次指定的输入、输出文件夹，然后退出")
    return parser


def _period_option(p, *, required: bool = False, package: bool = False) -> None:
    """``--period``: one grammar for every command that takes a period (spec periods.md §1)."""
    forms = "2020、2020-06、2020Q2、2020年第二季度、2020H1、2020年上半年、2020-03-01~2020-08-31"
    p.add_argument("--period", required=required, metavar="期间",
                   help=(f"上报或汇总的期间：{forms}（季度、半年、自定义期间的上报包期间类型为季度、半年、自定义）"
                         if package else f"统计期间：{forms}，或届次如 十四届"))


def _round(text: str) -> int:
    """A round number for --round (argparse turns the ValueError into a Chinese usage error)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"轮次“{text}”不对，应为大于等于 1 的整数，如 6")
    return int(text)


def _port(text: str) -> int:
    """A port number for --port (argparse turns the ValueError into a Chinese usage error)."""
    if not text.isdigit() or not 1024 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"端口“{text}”不对，应为 1024—65535 之间的整数")
    return int(text)


def _say(text: str, stream=None) -> None:
    stream = stream or sys.stdout
    try:
        print(text, file=stream, flush=True)
    except BrokenPipeError:
        # e.g. `xuncha validate | head`: the reader went away. Keep working (the
        # exit code still says how it went) and send further output nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def _make_console_safe() -> None:
    """Never crash on a console that cannot show a character (e.g. GBK on Windows)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None, serve: Callable | None = None) -> int:
    """Run the command line; return the exit code. ``serve(args, say)`` runs the ``serve`` command
    (the workbench's, handed in by the launcher)."""
    _make_console_safe()
    try:
        return _run(argv, serve)
    except KeyboardInterrupt:
        # Every output is written atomically: the temporary file of an interrupted write and the
        # staging folder of a period are removed on the way here (output.atomic_path,
        # output.staged_folder), and children are interrupted and waited for (engine/runner.py).
        _say(INTERRUPTED, sys.stderr)
        return EXIT_INTERRUPTED


def run(serve: Callable | None = None) -> None:
    """``main()``, then leave at once (engine.runner.exit_now): every output is written and
    closed and every child waited for by then. ``main`` itself, which tests call, returns."""
    from .engine.runner import exit_now

    exit_now(main(serve=serve))


def _run(argv: list[str] | None, serve: Callable | None) -> int:
    args = build_parser().parse_args(argv)
    from . import engine  # imported late: `-h` stays fast
    from .engine.runner import fewer_collections

    try:
        if args.command == "serve":
            if serve is None:
                raise XunchaError("本入口不含工作台，请用 python run.py serve 或 xuncha serve 启动。")
            return serve(args, _say)
        with fewer_collections():
            return COMMANDS[args.command](args, engine)
    except XunchaError as exc:
        _say(f"错误：{exc.message}", sys.stderr)
        return exc.exit_code
    except Exception:  # noqa: BLE001 - last resort: a short message and a log file
        log = engine.write_crash_log(getattr(args, "outputs", Path("outputs")))
        _say(f"程序内部错误，未能完成。详细信息已写入：{log}\n请把该文件发给维护人员。", sys.stderr)
        return EXIT_INTERNAL


# ---------------------------------------------------------------- the commands

def _progress():
    """A progress callback drawing a tqdm bar on a terminal (None elsewhere)."""
    if not sys.stderr.isatty():
        return None
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc="读取工作簿", unit="份", file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def _template(args, engine) -> int:
    paths = engine.write_templates(args.out, engine.standard(args.schemas))
    _say(f"已生成 {len(paths)} 份空白模板：")
    for path in paths:
        _say(f"  {path}")
    return EXIT_OK


def _sample(args, engine) -> int:
    std = engine.standard(args.schemas)
    if args.city:
        city, paths = engine.write_city_sample(args.out, std)
        _say(f"已生成{city}县区名单：{paths[0]}")
        _say(f"已生成{city}各县区填报数据 {len(paths) - 1} 份，每个县区一个文件夹，位于：{args.out}")
        return EXIT_OK
    paths = engine.write_sample(args.out, std)
    _say(f"已生成示例县填报数据 {len(paths)} 份，位于：{args.out}")
    return EXIT_OK


def _schema(args, engine) -> int:
    paths = engine.write_schema(args.out, engine.standard(args.schemas))
    _say(f"已把 {len(paths)} 张工作表的校验规则写成 pandera YAML，位于：{args.out}")
    return EXIT_OK


def _validate(args, engine) -> int:
    std = engine.standard(args.schemas)
    ds = engine.check_inputs(args.inputs, args.outputs, std, progress=_progress())
    report = engine.write_check_report(ds, std, args.outputs)
    for line in engine.summary_lines(ds, report):
        _say(line)
    return EXIT_INPUT_ERRORS if ds.errors else EXIT_OK


def _period(args, engine) -> int:
    """annual, monthly, and report (any period of the one grammar, spec periods.md): the period's statistics."""
    if args.command == "report":
        period = engine.period_of("report", args.period, args.as_of)
    else:
        period = engine.period_of(args.command, args.year if args.command == "annual" else args.month)
    engine.run_period(period, args.inputs, args.outputs, engine.standard(args.schemas), notify=_say,
                      progress=_progress(), skip_invalid=args.skip_invalid)
    return EXIT_OK


def _asked_period(args, engine, command: str):
    """The period of ``--year``, ``--month`` or ``--period`` of export and rollup."""
    if args.year:
        return engine.period_of("annual", args.year)
    if args.month:
        return engine.period_of("monthly", args.month)
    return engine.period_of(command, args.period)


def _export(args, engine) -> int:
    """The county's package for the city (spec rollup.md): the period's run, then the package beside it."""
    period = _asked_period(args, engine, "export")
    engine.export_package(period, args.inputs, args.outputs, engine.standard(args.schemas), notify=_say,
                          progress=_progress(), skip_invalid=args.skip_invalid,
                          allow_unexplained=args.allow_unexplained)
    return EXIT_OK


def _rollup(args, engine) -> int:
    """The city's roll-up of county packages (spec rollup.md)."""
    period = _asked_period(args, engine, "rollup")
    if engine.run_rollup(period, args.inputs, args.outputs, engine.standard(args.schemas), notify=_say).failed:
        raise InputErrors(engine.ROLLUP_ERRORS)
    return EXIT_OK


def _rectification_forms(args, engine) -> int:
    """The forms for the inspected organisations (spec rectification.md §1)."""
    engine.rectification_forms(args.inputs, args.outputs, engine.standard(args.schemas), term=args.term,
                               rnd=args.round, org=args.org.strip() if args.org else None, notify=_say)
    return EXIT_OK


COMMANDS = {"template": _template, "sample": _sample, "schema": _schema, "validate": _validate, "annual": _period,
            "monthly": _period, "report": _period, "export": _export, "rollup": _rollup,
            "rectification-forms": _rectification_forms}

