"""Atomic output: every file is written to a temporary name beside it, then renamed.

A crash or Ctrl+C never leaves a half-written file (the temporary file is removed), and
every failure of the system while writing (a file locked by Excel or WPS, a full disk,
a file where a folder should be) is an :class:`OutputError` with a Chinese reason.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)


_LOCKED = "文件可能正在 Excel/WPS 中打开，或没有写入权限。请关闭该文件后重新运行，或用 --outputs 指定其他文件夹。"
_FREE_SPACE = "请清理磁盘空间后重新运行，或用 --outputs 指定其他磁盘上的文件夹。"
_NOT_A_FOLDER = "路径中有同名的文件（不是文件夹）。请删除或改名该文件，或用 --outputs 指定其他文件夹。"
_REASONS = {  # errno -> what happened and what to do, for people
    errno.EACCES: _LOCKED,
    errno.EPERM: _LOCKED,
    errno.ENOSPC: "磁盘已满。" + _FREE_SPACE,
    getattr(errno, "EDQUOT", -1): "磁盘配额已用完。" + _FREE_SPACE,
    errno.EEXIST: _NOT_A_FOLDER,
    errno.ENOTDIR: _NOT_A_FOLDER,
    errno.EISDIR: "已有同名的文件夹。请删除或改名该文件夹后重新运行。",
    errno.EROFS: "磁盘是只读的。请用 --outputs 指定可写入的文件夹。",
    errno.ENAMETOOLONG: "路径太长。请用 --outputs 指定路径较短的文件夹。",
    errno.ENOENT: "文件夹不存在或已被移走（例如 U 盘已拔出）。请检查后重新运行。",
    errno.EIO: "读写磁盘出错（磁盘或网络盘可能有故障）。请检查磁盘后重新运行。",
}


def write_failed(path: Path, exc: OSError, what: str = "文件") -> OutputError:
    """The OutputError for ``exc`` raised while writing the file (or creating the folder) ``path``."""
    reason = _REASONS.get(exc.errno) or f"系统报告：{exc.strerror or exc}。请检查该位置后重新运行。"
    action = "创建输出文件夹" if what == "文件夹" else "写入文件"
    return OutputError(f"无法{action}“{path}”：{reason}")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``.

    Any OSError (while creating the folder, writing the temporary file or renaming it)
    becomes an OutputError; on any exception, Ctrl+C included, the temporary file is removed.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(target.parent, exc, "文件夹") from exc
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~tmp-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
        tmp = Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        yield tmp
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise write_failed(target, exc) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_bytes(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: Path, text: str) -> Path:
    """Write UTF-8 text to ``target`` atomically."""
    return write_bytes(target, text.encode("utf-8"))


def write_json(target: Path, obj: object) -> Path:
    """Write ``obj`` as pretty, UTF-8 JSON (Chinese kept readable) atomically."""
    return write_text(target, json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


# ====================================================================== the names of the outputs
# Every file and folder name the tool writes, in one place: code never spells one elsewhere
# (tests/test_output_names.py). The package's and the roll-up's names are the contract between
# the counties and the city, so their words are declared in ``schemas/package.toml`` [file]
# (always the file shipped with the tool, like the rest of the package format) and read here.

CHECK_REPORT_NAME = "校验报告.xlsx"  # in the outputs folder, or in the period's folder beside its statistics
METRICS_NAME = "metrics.json"
CHARTS_FOLDER = "charts"  # in the period's folder
PROBLEMS_CHART_NAME = "问题分类.png"
COVERAGE_CHART_NAME = "全覆盖进度.png"
TREND_CHART_NAME = "月度趋势.png"
TEMPLATES_FOLDER = "templates"  # in the outputs folder: where the blank templates go by default
WORKBENCH_EXPLANATIONS_NAME = "核实说明（工作台）.xlsx"  # in the INPUTS folder: the workbench's 核实说明
SHORTCUT_NAME = "巡察统计工作台"  # the workbench's desktop launcher (.bat or .desktop), also its title
PACKAGE_FORMAT_FILE = "package.toml"  # (an input, not an output: the format the names below come from)
RECTIFICATION_FOLDER = "整改进展表"  # in the outputs folder: the forms sent to the inspected organisations
RECTIFICATION_ZIP_NAME = "整改进展表（本次生成）.zip"  # in RECTIFICATION_FOLDER: every file of the last run
_RECTIFICATION_FORM = "整改进展"
_PROBLEM_LIST = "巡察反馈问题清单"
_NOT_IN_FILE_NAMES = str.maketrans(dict.fromkeys('\\/:*?"<>|', "_"))
_WORKBOOK = "巡察工作统计"
_COMPANION = "明细"
_CRASH_LOG = "错误日志"


def period_folder(period_label: str) -> str:
    """The folder of a period's statistics in the outputs folder: its label (2020年度, 2020年06月)."""
    return period_label


def workbook_name(period_label: str) -> str:
    """The leadership workbook: 巡察工作统计_<期间>.xlsx."""
    return f"{_WORKBOOK}_{period_label}.xlsx"


def companion_name(period_label: str) -> str:
    """The companion workbook of the very long detail tables: 巡察工作统计_<期间>_明细.xlsx."""
    return f"{_WORKBOOK}_{period_label}_{_COMPANION}.xlsx"


def document_stem(office: str, kind: str, year: int, period_label: str) -> str:
    """The drafts' name without suffix (.docx and .md): <办>2020年度巡察工作总结（初稿） for a year
    (``kind`` annual), <办>巡察工作月报（2020年06月） for a month."""
    if kind == "annual":
        return f"{office}{year}年度巡察工作总结（初稿）"
    return f"{office}巡察工作月报（{period_label}）"


def crash_log_name(stamp: str) -> str:
    """The log of an unexpected failure: 错误日志-<年月日-时分秒>.log."""
    return f"{_CRASH_LOG}-{stamp}.log"


@functools.cache
def _package_words() -> dict[str, str]:
    """``[file]`` of the shipped ``schemas/package.toml``."""
    from .standard import SCHEMA_DIR, _load_toml  # on first use: most runs write no package

    return dict(_load_toml(SCHEMA_DIR / PACKAGE_FORMAT_FILE)["file"])


def package_name(county: str, period_label: str) -> str:
    """A county's package for the city: 上报_<县名>_<期间>.xlsx."""
    return f"{_package_words()['prefix']}_{county}_{period_label}.xlsx"


def rollup_folder(period_label: str) -> str:
    """The folder of the city's roll-up in the outputs folder: 汇总_<期间>."""
    return f"{_package_words()['rollup_folder']}_{period_label}"


def rollup_workbook_name(period_label: str) -> str:
    """The city's workbook: 巡察工作汇总_<期间>.xlsx."""
    return f"{_package_words()['rollup_workbook']}_{period_label}.xlsx"


def _round_file(what: str, org: str, term: str, rnd: int, suffix: str) -> str:
    return f"{what}_{org.translate(_NOT_IN_FILE_NAMES)}_{term}第{rnd}轮{suffix}"


def rectification_form_name(org: str, term: str, rnd: int) -> str:
    """The 整改进展表 of one organisation and round: 整改进展_<被巡察党组织>_<届次>第<轮次>轮.xlsx."""
    return _round_file(_RECTIFICATION_FORM, org, term, rnd, ".xlsx")


def problem_list_name(org: str, term: str, rnd: int) -> str:
    """Its problem list: 巡察反馈问题清单_<被巡察党组织>_<届次>第<轮次>轮.docx."""
    return _round_file(_PROBLEM_LIST, org, term, rnd, ".docx")
