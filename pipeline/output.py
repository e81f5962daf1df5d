"""Atomic output: every file is written to a temporary name beside it, then renamed.

A crash or Ctrl+C never leaves a half-written file (the temporary file is removed), and
every failure of the system while writing (a file locked by Excel or WPS, a full disk,
a file where a folder should be) is an :class:`OutputError` with a Chinese reason.
"""

from __future__ import annotations

import contextlib
import errno
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
