"""Atomic output: every file is written to a temporary name beside it, then renamed.

A crash never leaves a half-written file, and a file locked by Excel or WPS
gets a clear message instead of a traceback.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)


def _locked_message(target: Path) -> str:
    return (f"无法写入文件“{target}”：文件可能正在 Excel/WPS 中打开，或没有写入权限。"
            "请关闭该文件后重新运行。")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹“{target.parent}”：{exc.strerror or exc}") from exc
    fd, tmp_name = tempfile.mkstemp(prefix=".~tmp-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise OutputError(_locked_message(target)) from exc
    finally:
        if tmp.exists():
            tmp.unlink()


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
