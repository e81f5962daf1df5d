"""Atomic output: every file is written to a temporary name beside it, then renamed; a
folder of outputs (a period's, the roll-up's) is written into a staging folder beside it,
then moved into place in one step.

A crash or Ctrl+C never leaves a half-written file (the temporary file is removed), an
interrupted run leaves the previous complete folder (what a killed run leaves behind is
removed, or put back, by the next one: :func:`clean_stale`), and every failure of the
system while writing (a file locked by Excel or WPS, a full disk, a file where a folder
should be), whichever library meets it, is an :class:`OutputError` with a Chinese reason
(:func:`write_error`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
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


def write_error(exc: BaseException, path: Path, what: str = "文件") -> OutputError | None:
    """The OutputError for ``exc``, raised while writing ``path``, when it is a failure of the
    system; None for anything else (a bug stays a bug).

    The one place that recognises a write failure whichever library meets it: an OSError
    itself, or one that another exception carries as its argument, cause or context
    (xlsxwriter's ``FileCreateError(OSError)`` from ``Workbook.close()``; openpyxl,
    python-docx, matplotlib and zipfile let the OSError through, or raise while handling it).
    """
    if isinstance(exc, OutputError):
        return exc
    for current in _chain(exc):
        if isinstance(current, OSError):
            return write_failed(path, current, what)
        carried = next((a for a in getattr(current, "args", ()) if isinstance(a, OSError)), None)
        if carried is not None:
            return write_failed(path, carried, what)
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, then what it was raised from or while handling, and so on."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``.

    Any failure to write (while creating the folder, writing the temporary file or renaming it),
    whichever library meets it, becomes an OutputError (:func:`write_error`); on any exception,
    Ctrl+C included, the temporary file is removed. Temporary files of writers that are gone
    (a killed run) are removed first.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(target.parent, exc, "文件夹") from exc
    _clean_tmp(target.parent)
    tmp = None
    try:
        # the pid in the name tells the next run whether the writer is still alive (clean_stale)
        fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
        tmp = Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        yield tmp
        os.replace(tmp, target)
        tmp = None
    except Exception as exc:  # noqa: BLE001 - a write failure becomes OutputError, anything else goes on
        error = write_error(exc, target)
        if error is None or error is exc:
            raise
        _close_abandoned(exc)
        raise error from exc
    finally:
        if tmp is not None:
            _remove_file(tmp)


def _close_abandoned(exc: BaseException) -> None:
    """Close the archives that a writer which failed left open (xlsxwriter, openpyxl and python-docx
    do not close their ZipFile on an error): else, when they are collected, ZipFile.__del__ tries
    to write again and prints an "Exception ignored" traceback after our one-line message."""
    import zipfile

    for current in _chain(exc):
        tb = current.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                try:  # the archive itself, or an attribute of a writer object (python-docx, openpyxl)
                    found = [value, *getattr(value, "__dict__", {}).values()]
                except Exception:  # noqa: BLE001 - an object with an odd __dict__: not ours
                    found = [value]
                for obj in found:
                    if isinstance(obj, zipfile.ZipFile) and obj.fp is not None:
                        with contextlib.suppress(Exception):
                            obj.close()
            tb = tb.tb_next


# ---------------------------------------------------------------- staged folders

TMP_PREFIX = ".~tmp-"  # + pid + "-" + random: a file being written (atomic_path)
STAGE_PREFIX = ".~new-"  # + target name + "-" + pid + "-" + token: a folder being written (staged_folder)
OLD_PREFIX = ".~old-"  # the same for the previous folder while it is replaced
_STAGED = re.compile(r"^\.~(?P<kind>new|old)-(?P<name>.+)-(?P<pid>\d+)-[0-9a-f]+$")
_TMP = re.compile(r"^\.~tmp-(?:(?P<pid>\d+)-)?")  # without a pid: written before pids were named
_ACTIVE: set[str] = set()  # this process's staging folders in use (the workbench runs many in one process)
_ACTIVE_LOCK = threading.Lock()
_REPLACE_LOCKED = ("其中的文件可能正在 Excel/WPS 中打开，或该文件夹正在被其他程序使用。"
                   "请关闭该文件夹中打开的文件（和打开该文件夹的窗口）后重新运行，或用 --outputs 指定其他文件夹。")


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside ``target``; on success it becomes ``target`` in one step.

    Write every file of the folder into the staging folder. When the block ends normally the
    previous ``target`` (if any) is renamed aside, the staging folder renamed to ``target`` and
    the previous one deleted; when it raises (Ctrl+C and SystemExit included) the staging folder
    is removed and ``target`` is untouched. An OutputError raised inside names the file's place
    in ``target``, not in the staging folder. A run killed meanwhile leaves folders that the
    next run's :func:`clean_stale` (called here first) removes or puts back.
    """
    target = Path(target)
    clean_stale(target.parent)
    if target.exists() and not target.is_dir():
        raise write_failed(target, FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST)), "文件夹")
    stage = target.parent / f"{STAGE_PREFIX}{target.name}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        stage.mkdir()
    except OSError as exc:
        raise write_failed(target, exc, "文件夹") from exc
    with _ACTIVE_LOCK:
        _ACTIVE.add(stage.name)
    try:
        try:
            yield stage
        except OutputError as exc:
            _retarget(exc, stage, target)
            raise
        _swap(stage, target)
    finally:
        _remove_tree(stage)  # nothing left to remove after the swap
        with _ACTIVE_LOCK:
            _ACTIVE.discard(stage.name)


def final_path(path: Path, stage: Path, target: Path) -> Path:
    """Where ``path``, written inside the staging folder ``stage``, is once it has become ``target``."""
    path = Path(path)
    try:
        return Path(target) / path.relative_to(stage)
    except ValueError:  # not inside the staging folder
        return path


def clean_stale(parent: Path) -> None:
    """Tidy ``parent`` after runs that were killed (kill -9, a power cut) while writing into it.

    Removes the staging folders and the temporary files (``.~tmp-*``, in ``parent`` and in its
    folders) of processes that are no longer alive, and of this process when no longer in use;
    where a run was killed between its two renames (the previous folder renamed aside, the new
    one not yet in place) it puts the previous folder back. Best effort: never raises.
    """
    parent = Path(parent)
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    _clean_tmp(parent)
    previous: dict[str, list[Path]] = {}
    for entry in entries:
        match = _STAGED.match(entry.name)
        if match is None:
            if entry.is_dir(follow_symlinks=False):
                _clean_tmp(Path(entry.path))  # e.g. a county package written into a period's folder
            continue
        if not _abandoned(entry.name, int(match["pid"])):
            continue
        if match["kind"] == "old":
            previous.setdefault(match["name"], []).append(Path(entry.path))
        else:
            _remove_tree(Path(entry.path))
    for name, olds in previous.items():
        target = parent / name
        olds.sort(key=_mtime)
        if not os.path.lexists(target):
            with contextlib.suppress(OSError):
                os.rename(olds.pop(), target)
        for old in olds:
            _remove_tree(old)


def _swap(stage: Path, target: Path) -> None:
    """Put ``stage`` in the place of ``target`` (two renames), then delete the previous ``target``."""
    if not os.path.lexists(target):
        try:
            os.rename(stage, target)
        except OSError as exc:
            raise _replace_failed(target, exc) from exc
        return
    old = target.parent / f"{OLD_PREFIX}{target.name}-{os.getpid()}-{secrets.token_hex(4)}"
    with _ACTIVE_LOCK:
        _ACTIVE.add(old.name)  # not "abandoned" for another thread's clean_stale meanwhile
    try:
        try:
            os.rename(target, old)
        except OSError as exc:
            raise _replace_failed(target, exc) from exc
        try:
            os.rename(stage, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.rename(old, target)
            raise _replace_failed(target, exc) from exc
        _remove_tree(old)  # what a failure leaves (a file still open on Windows), the next clean_stale removes
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.discard(old.name)


def _replace_failed(target: Path, exc: OSError) -> OutputError:
    """The OutputError for a folder that could not be renamed (Windows: a file in it is open)."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):
        return OutputError(f"无法更新文件夹“{target}”：{_REPLACE_LOCKED}")
    return write_failed(target, exc, "文件夹")


def _retarget(exc: OutputError, stage: Path, target: Path) -> None:
    """Name ``target`` instead of the staging folder in the message of ``exc`` (in place)."""
    exc.message = exc.message.replace(str(stage), str(target))
    exc.args = (exc.message, *exc.args[1:])


def _abandoned(name: str, pid: int) -> bool:
    """True for a staging folder or temporary file no one writes any more."""
    if pid == os.getpid():
        with _ACTIVE_LOCK:
            return name not in _ACTIVE
    return not _alive(pid)


def _alive(pid: int) -> bool:
    """True while process ``pid`` exists (a zombie counts: its parent has not collected it yet)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, as another user's
        return True
    return True


def _clean_tmp(folder: Path) -> None:
    """Remove the temporary files in ``folder`` of writers that are gone (see ``clean_stale``)."""
    try:
        names = [e.name for e in os.scandir(folder) if e.name.startswith(TMP_PREFIX)]
    except OSError:
        return
    for name in names:
        match = _TMP.match(name)
        pid = match["pid"] if match else None
        if pid is None or (int(pid) != os.getpid() and not _alive(int(pid))):
            _remove_file(Path(folder) / name)


def _remove_file(path: Path) -> None:
    """Delete ``path`` if possible (on Windows a file still open cannot be: collect it, try again)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    except OSError:
        import gc

        gc.collect()  # e.g. a ZipFile of xlsxwriter left open by the failure
        with contextlib.suppress(OSError):
            os.unlink(path)


def _remove_tree(path: Path) -> None:
    """Delete the folder ``path`` and everything in it, as far as possible; never raises."""
    if os.path.islink(path):
        _remove_file(path)
    elif os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


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
SCHEMA_FOLDER = "校验规则YAML"  # in the outputs folder: where `schema` writes the pandera YAML by default
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


def document_stem(office: str, kind: str, year: int, period_label: str, term: str = "") -> str:
    """The drafts' name without suffix (.docx and .md), by period kind (periods.md §3):
    <办>2020年度巡察工作总结（初稿） (annual); <办>2020年上半年巡察工作总结（初稿） (half-year);
    <办>十四届县委巡察工作总结（初稿） (term); <办>巡察工作月报（2020年06月） (monthly);
    <办>2020年第二季度巡察工作情况（初稿） (quarterly, range)."""
    if kind == "annual":
        return f"{office}{year}年度巡察工作总结（初稿）"
    if kind == "half-year":
        return f"{office}{period_label}巡察工作总结（初稿）"
    if kind == "term":
        return f"{office}{term}县委巡察工作总结（初稿）"
    if kind == "monthly":
        return f"{office}巡察工作月报（{period_label}）"
    return f"{office}{period_label}巡察工作情况（初稿）"


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
