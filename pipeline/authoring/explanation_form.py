"""The workbench's own explanations workbook: ``核实说明（工作台）.xlsx`` in the inputs folder.

:func:`add_explanation` adds, replaces or removes the 核实说明 of one warning there, with
the headers of the check report's 核实说明 sheet plus 说明人 and 说明日期, so the next run
reads it like any explanations workbook. No other workbook is ever touched; the file is
written atomically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from ..check.explain import row_key
from ..errors import XunchaError
from ..explanations import EXPLANATION_COLUMNS, explainable, explanation_key
from ..findings import Finding
from ..output import WORKBENCH_EXPLANATIONS_NAME
from ..read.workbook import norm_label
from ..standard import SCHEMA_DIR, Standard, load_standard
from .blank_forms import save_workbook

WORKBENCH_FILE = WORKBENCH_EXPLANATIONS_NAME
COLUMNS = (*EXPLANATION_COLUMNS, "by", "date")


def _read_rows(path: Path, std: Standard) -> list[dict]:
    """The rows of an existing workbench file, by column id (header in its first row)."""
    sheet = std.sheet("explanations")
    ids = {norm_label(c.header): c.id for c in sheet.columns}
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = list(book[sheet.name].iter_rows(values_only=True)) if sheet.name in book.sheetnames else []
        book.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises several types for a broken file
        raise XunchaError(f"无法读取“{path}”（{type(exc).__name__}）。请关闭或删除该文件后重试。") from None
    if not rows:
        return []
    header = [ids.get(norm_label(h)) if h is not None else None for h in rows[0]]
    return [{cid: value for cid, value in zip(header, row) if cid} for row in rows[1:]
            if any(v not in (None, "") for v in row)]


def add_explanation(inputs_dir: Path, finding: Finding, text: str, by: str = "", *,
                    std: Standard | None = None, today: dt.date | None = None) -> Path:
    """Add or replace the 核实说明 of warning ``finding`` in the workbench file; return its path.

    A blank ``text`` removes the row. An error, or a warning about an explanation, cannot
    be explained: :class:`XunchaError`.
    """
    if not explainable(finding):
        raise XunchaError(f"“{finding.code}”是{'错误，只能改正' if finding.is_error else '关于核实说明本身的警告'}，"
                          "不能填写核实说明。")
    std = std or load_standard(SCHEMA_DIR)
    path = Path(inputs_dir) / WORKBENCH_FILE
    key = explanation_key(finding)
    rows = [r for r in (_read_rows(path, std) if path.exists() else []) if row_key(r) != key]
    if text.strip():
        file, sheet, row, column, code = key
        rows.append({"file": file, "sheet": sheet, "row": row, "column": column, "code": code,
                     "text": text.strip(), "value": finding.value, "message": finding.message,
                     "by": by.strip(), "date": (today or dt.date.today()).isoformat()})
    return _write(path, rows, std)


def _write(path: Path, rows: list[dict], std: Standard) -> Path:
    sheet = std.sheet("explanations")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet.name
    ws.append([sheet.header(cid) for cid in COLUMNS])
    for row in rows:
        ws.append([row.get(cid) if row.get(cid) not in ("", None) else None for cid in COLUMNS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a value such as "=80+5" stays text, never a formula
    ws.freeze_panes = "A2"
    for cid, letter in zip(COLUMNS, "ABCDEFGHIJK"):
        ws.column_dimensions[letter].width = sheet.column(cid).width or 12
    return save_workbook(book, path)
