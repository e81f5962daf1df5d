"""Command line: parse arguments, call the pipeline, turn exceptions into messages.

The only module that prints for the user or exits. Everything the user reads
here is Chinese; output survives a GBK console.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, XunchaError

PROG = "xuncha"
INTERRUPTED = "已中断：用户按了 Ctrl+C，未写完的文件已删除。"


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese usage errors and exit code 2."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 用法错误：{message}\n请运行 {self.prog} -h 查看帮助。\n")


def _schemas(p: argparse.ArgumentParser) -> None:
    p.add_argument("--schemas", type=Path, default=None, metavar="文件夹",
                   help="填报标准所在文件夹（standard.toml 等四个文件），默认使用本工具自带的标准")


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
        description="县委巡察办巡察工作统计：读取填报工作簿，校验，生成月度、年度统计表、图表和总结初稿。",
        epilog="示例：python run.py annual --year 2020",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("template", help="生成空白填报模板（名册、轮次填报表、年度综合情况）",
                       description="生成三份空白填报模板，含下拉列表、填写提示和填表说明。",
                       epilog="示例：python run.py template --out outputs/templates")
    p.add_argument("--out", type=Path, default=Path("outputs/templates"), metavar="文件夹",
                   help="模板输出文件夹，默认 outputs/templates/")
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

    p = sub.add_parser("validate", help="读取并校验全部工作簿，生成校验报告",
                       description="读取并校验全部填报工作簿，把发现的问题写入 校验报告.xlsx，不做统计。",
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

    p = sub.add_parser("export", help="导出上报包：统计指定年度或月份，并生成报送市委巡察办的上报包",
                       description="与 annual/monthly 一样统计指定期间（输出相同的文件），再在该期间的输出文件夹中"
                                   "生成上报包 上报_<县名>_<期间>.xlsx（只含统计数字、分轮次数字和核实说明，"
                                   "不含线索摘要、线索编号和人名）。有未说明的核实性问题（警告）时不生成上报包。",
                       epilog="示例：python run.py export --year 2020")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--year", metavar="年份", help="上报年度，四位数字，如 2020")
    when.add_argument("--month", metavar="年-月", help="上报月份，如 2020-06")
    _common(p, skip_invalid=True)
    p.add_argument("--allow-unexplained", action="store_true",
                   help="还有未说明的核实性问题（警告）时也生成上报包；上报包的“未说明核实性问题”会写明处数")

    p = sub.add_parser("rollup", help="市级汇总：校验并汇总各县区的上报包",
                       description="读取文件夹（含子文件夹）中各县区的上报包（上报_<县名>_<期间>.xlsx）和可选的"
                                   "县区名单，校验后汇总，输出到 outputs/汇总_<期间>/。有错误时只写校验报告。",
                       epilog="示例：python run.py rollup --year 2020 --inputs 上报包")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--year", metavar="年份", help="汇总年度，四位数字，如 2020")
    when.add_argument("--month", metavar="年-月", help="汇总月份，如 2020-06")
    _schemas(p)
    p.add_argument("--inputs", type=Path, default=Path("inputs"), metavar="文件夹",
                   help="存放各县区上报包（和县区名单）的文件夹（含子文件夹），默认 inputs/")
    p.add_argument("--outputs", type=Path, default=Path("outputs"), metavar="文件夹",
                   help="汇总结果和校验报告的输出文件夹，默认 outputs/")

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


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    _make_console_safe()
    try:
        return _run(argv)
    except KeyboardInterrupt:
        # Every output is written atomically: the temporary file of an interrupted write is
        # removed on the way here (output.atomic_path), and forked children are interrupted
        # and waited for (jobs.py). One line, no traceback.
        _say(INTERRUPTED, sys.stderr)
        return EXIT_INTERRUPTED


def run() -> None:
    """Entry point of ``python run.py`` and of the ``xuncha`` command: ``main()``, then exit.

    When ``main`` returns, every output has been written and closed (atomically) and every
    child process waited for, so the process leaves at once: the interpreter's own teardown
    (freeing every object of pandas and of the run one by one) would only make the user wait
    another 0.3-0.5 s for the prompt (docs/performance.md, issue 13). ``main`` itself, which
    the tests call in-process, returns normally.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from . import app  # imported late: `-h` stays fast

    try:
        return app.dispatch(args, say=_say)
    except XunchaError as exc:
        _say(f"错误：{exc.message}", sys.stderr)
        return exc.exit_code
    except Exception:  # noqa: BLE001 - last resort: a short message and a log file
        log = app.write_crash_log(getattr(args, "outputs", Path("outputs")))
        _say(f"程序内部错误，未能完成。详细信息已写入：{log}\n请把该文件发给维护人员。", sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    run()
