"""The workbench's two doors to the disk: uploads go only into the inputs folder, downloads come
only from the outputs folder.

Upload names are reduced to their last part (``/`` and ``\\`` both separate folders, drive letters
dropped, Chinese kept), so whatever a browser sends, the file lands directly in the inputs folder;
a name already present gets ``（2）``, ``（3）`` … and nothing is ever overwritten. Download paths
are resolved and must stay inside the outputs folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from ..engine import SPREADSHEET_SUFFIXES

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # one workbook; larger ones are refused (workbench.md)
MAX_UPLOAD_FILES = 50  # at once: the request as a whole is refused beyond this many times the limit

_DRIVE = re.compile(r"^[A-Za-z]:")
_NOT_IN_NAMES = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')  # not allowed in Windows file names
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


class UploadRefused(Exception):
    """An uploaded file that is not saved; the message (Chinese) says why and what to do."""


def upload_name(sent: str) -> str:
    """The file name to save an upload under: the last part of what the browser sent.

    Raises UploadRefused when nothing usable is left or the file is not a spreadsheet.
    """
    text = unicodedata.normalize("NFC", sent or "")
    last = text.replace("\\", "/").split("/")[-1]
    last = _DRIVE.sub("", last)
    last = _NOT_IN_NAMES.sub("", last).strip().rstrip(". ").lstrip(". ")
    if last in ("", "..") or not Path(last).stem:
        raise UploadRefused(f"文件名“{sent}”无法使用，请改名后重新上传。")
    if last.startswith("~$"):
        raise UploadRefused(f"“{last}”是 Excel/WPS 打开文件时生成的临时锁定文件，不是填报工作簿，未保存。")
    if Path(last).suffix.lower() not in SPREADSHEET_SUFFIXES:
        raise UploadRefused(f"“{last}”不是电子表格文件，未保存。只接收 {'、'.join(SPREADSHEET_SUFFIXES)} 文件。")
    if Path(last).stem.upper() in _WINDOWS_DEVICES:
        last = f"文件_{last}"
    return last


def numbered(name: str, n: int) -> str:
    """``名称.xlsx`` -> ``名称（n）.xlsx`` (n >= 2); ``名称`` itself for n = 1."""
    if n == 1:
        return name
    stem, suffix = os.path.splitext(name)
    return f"{stem}（{n}）{suffix}"


def save_upload(folder: Path, name: str, data: bytes) -> Path:
    """Save ``data`` as ``folder/name``, or ``名称（2）`` … when that name is taken; never overwrites.

    The bytes are written under a hidden temporary name first (discovery skips hidden files, so a
    check never reads half a file), then linked to the free name: the link fails rather than
    replace a file that appeared meanwhile.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"“{name}”有 {len(data) / 1024 / 1024:.1f} MB，超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB"
                            "的上限，未保存。请检查是否选错了文件。")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~upload-", suffix=Path(name).suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        for n in range(1, 10_000):
            target = folder / numbered(name, n)
            if _claim(Path(tmp), target):
                return target
        raise UploadRefused(f"输入文件夹中已有太多名为“{name}”的文件，请清理后再上传。")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _claim(tmp: Path, target: Path) -> bool:
    """Give ``tmp``'s content the name ``target`` unless that name exists; True when done."""
    try:
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links (e.g. FAT on a USB stick)
        if os.path.lexists(target):
            return False
        os.replace(tmp, target)
        return True


def download_path(outputs: Path, wanted: str) -> Path | None:
    """The file under ``outputs`` that ``wanted`` (the URL path after /download/) names, or None.

    None for anything that leaves the folder: ``..``, absolute paths, drive letters, backslashes,
    percent-encoded tricks (decoded again here), links pointing outside, and folders.
    """
    text = unquote(wanted)
    if not text or "\\" in text or "\x00" in text or _DRIVE.match(text) or text.startswith("/"):
        return None
    parts = text.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    base = Path(outputs).resolve()
    try:
        target = base.joinpath(*parts).resolve()
    except (OSError, ValueError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def relative_url(outputs: Path, path: Path) -> str:
    """The part after ``/download/`` for a file under ``outputs`` (``/``-separated, not yet quoted)."""
    return Path(path).resolve().relative_to(Path(outputs).resolve()).as_posix()
