"""Discovery: find the workbooks under ``--inputs``; list what is skipped and why.

Recursive, sorted (so every run reads files in the same order). Lock files of
Excel/WPS (``~$*``), hidden files and folders, and non-spreadsheet files are
skipped and listed; a spreadsheet in a format we cannot read (``.et``,
``.xlsb``, ``.csv``) also gets a warning, because its figures would be missing.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..findings import Finding, finding
from ..model import Skipped

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Spreadsheets the office may hand in that we cannot read: say how to fix it.
UNSUPPORTED_SPREADSHEETS = (".et", ".ett", ".xlsb", ".xltx", ".xltm", ".xlt", ".csv", ".numbers")

REASON_LOCK = "Excel/WPS 打开文件时生成的临时锁定文件"
REASON_HIDDEN = "隐藏文件"
REASON_HIDDEN_DIR = "隐藏文件夹（其中的文件都不读取）"
REASON_OTHER = "不是电子表格文件（只读取 .xlsx、.xlsm、.xls、.ods）"
REASON_OUTPUTS = "本工具的输出文件夹（其中的文件不作为填报数据读取）"


def relative_name(path: Path, inputs: Path) -> str:
    """``path`` relative to ``inputs``, with ``/`` separators (as shown to users)."""
    base, text = str(inputs), str(path)
    if base not in ("", ".") and text.startswith(base) and text[len(base):len(base) + 1] == os.sep:
        # the common case without pathlib's parsing: this runs twice for every file
        return text[len(base) + 1:].replace(os.sep, "/")
    try:
        return path.relative_to(inputs).as_posix()
    except ValueError:
        return path.as_posix()


def _skip_reason(path: Path) -> str | None:
    """Why a file is not read, or None when it is a workbook to read."""
    name = path.name
    if name.startswith("~$"):
        return REASON_LOCK
    if name.startswith("."):
        return REASON_HIDDEN
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SPREADSHEETS:
        return f"不支持的表格格式 {suffix}：请用 Excel 或 WPS 另存为 .xlsx 后放回"
    if suffix not in SPREADSHEET_SUFFIXES:
        return REASON_OTHER
    return None


def _walk(folder: Path, exclude: frozenset[Path]):
    """Yield (path, skipped-folder reason) in a stable order, not descending into
    hidden folders or the excluded ones (our own outputs)."""
    with os.scandir(folder) as it:  # scandir: file types come with the listing, no stat per file
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        child = folder / entry.name
        if entry.is_dir():
            if entry.name.startswith("."):
                yield child, REASON_HIDDEN_DIR
            elif exclude and child.resolve() in exclude:
                yield child, REASON_OUTPUTS
            else:
                yield from _walk(child, exclude)
        elif entry.is_file():
            yield child, None


def discover(inputs: Path, exclude: tuple[Path, ...] = ()
             ) -> tuple[list[Path], list[Skipped], list[Finding]]:
    """Workbooks to read under ``inputs``, the skipped files, and format warnings.

    Folders in ``exclude`` (the ``--outputs`` folder when it lies inside
    ``--inputs``) are skipped, so our own reports are never read as inputs.
    """
    inputs = Path(inputs)
    workbooks: list[Path] = []
    skipped: list[Skipped] = []
    findings: list[Finding] = []
    for path, folder_reason in _walk(inputs, frozenset(Path(p).resolve() for p in exclude)):
        rel = relative_name(path, inputs)
        if folder_reason:
            skipped.append(Skipped(rel, folder_reason))
            continue
        reason = _skip_reason(path)
        if reason is None:
            workbooks.append(path)
            continue
        skipped.append(Skipped(rel, reason))
        if path.suffix.lower() in UNSUPPORTED_SPREADSHEETS and not path.name.startswith(("~$", ".")):
            findings.append(finding("file-format-unsupported", file=rel, reason=reason))
    return workbooks, skipped, findings
