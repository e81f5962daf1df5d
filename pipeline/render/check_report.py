"""The check report 校验报告.xlsx: every finding, pointing at the cell to fix.

Sheet 校验结果: one row per finding, sorted by file, sheet and row, with an
autofilter and a frozen header; sheet 汇总: errors and warnings per file and
the skipped files. Written with xlsxwriter as plain values (never formulas,
links or numbers guessed from text) and atomically.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from ..findings import ERROR, WARNING, Finding
from ..model import Dataset, excluded_notice
from ..output import atomic_path
from ..read.load import sort_findings
from ..standard import Standard
from .sheet_conventions import XLSXWRITER_OPTIONS, print_a4_landscape, text_width

SHEET_FINDINGS = "校验结果"
SHEET_SUMMARY = "汇总"
FINDING_HEADERS = ("级别", "文件", "工作表", "行", "列", "值", "问题说明", "问题代码")  # 问题代码: see findings.py
SUMMARY_HEADERS = ("文件", "工作簿类型", "错误", "警告")
SKIPPED_HEADERS = ("跳过的文件", "原因")
NO_FINDINGS = "未发现问题：全部工作簿通过校验。"
ALL_FILES = "（全部）"
MAX_WIDTH = {"问题说明": 70, "值": 30, "文件": 40}
LINE_HEIGHT = 15  # points per line of wrapped text


def display_width(value) -> int:
    """Width of a cell value in Excel character units (a CJK character counts two)."""
    return text_width(str(value))


def _finding_row(f: Finding) -> list:
    return [f.level.value, f.file or ALL_FILES, f.sheet, f.row if f.row else "", f.column, f.value, f.message, f.code]


def _excluded_lines(ds: Dataset) -> list[str]:
    if not ds.excluded:
        return []
    return [excluded_notice(ds.excluded), ""]


class _Writer:
    """Formats and column-width bookkeeping shared by both sheets."""

    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": "等线", "font_size": 11, "valign": "top"}
        self.head = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.cell = book.add_format({**base, "border": 1})
        self.wrap = book.add_format({**base, "border": 1, "text_wrap": True})
        self.error = book.add_format({**base, "border": 1, "font_color": "#C00000", "bold": True})
        self.warning = book.add_format({**base, "border": 1, "font_color": "#9C5700"})
        self.note = book.add_format({**base, "bold": True, "font_color": "#C00000"})

    def table(self, ws, top: int, headers, rows, wrap_cols=()) -> int:
        """Write a bordered table at row ``top``; set widths; return the next free row."""
        widths = [display_width(h) + 2 for h in headers]
        ws.write_row(top, 0, headers, self.head)
        for r, row in enumerate(rows, start=top + 1):
            for c, value in enumerate(row):
                fmt = self.wrap if headers[c] in wrap_cols else self.cell
                if headers[c] == "级别":
                    fmt = self.error if value == ERROR.value else self.warning if value == WARNING.value else fmt
                ws.write(r, c, value, fmt)
                widths[c] = max(widths[c], display_width(value) + 2)
        for c, header in enumerate(headers):
            ws.set_column(c, c, min(widths[c], MAX_WIDTH.get(header, 40)))
        for c, header in enumerate(headers):
            if header in wrap_cols:  # wrapped text: make the row tall enough to show it all
                width = min(widths[c], MAX_WIDTH.get(header, 40)) - 1
                for r, row in enumerate(rows, start=top + 1):
                    lines = -(-display_width(row[c]) // max(width, 1))
                    if lines > 1:
                        ws.set_row(r, LINE_HEIGHT * lines)
        return top + 1 + len(rows)


def _findings_sheet(book, w: _Writer, ds: Dataset, std: Standard) -> None:
    ws = book.add_worksheet(SHEET_FINDINGS)
    top = _write_excluded(ws, w, ds)
    findings = list(ds.findings)
    sort_findings(findings, std)
    rows = [_finding_row(f) for f in findings]
    if not rows:
        rows = [["", "", "", "", "", "", NO_FINDINGS, ""]]
    end = w.table(ws, top, FINDING_HEADERS, rows, wrap_cols=("问题说明",))
    ws.autofilter(top, 0, end - 1, len(FINDING_HEADERS) - 1)
    ws.freeze_panes(top + 1, 0)
    print_a4_landscape(ws, top)


def _write_excluded(ws, w: _Writer, ds: Dataset) -> int:
    """The workbooks left out by --skip-invalid, at the top; returns the next free row."""
    lines = _excluded_lines(ds)
    for row, line in enumerate(lines):
        ws.write(row, 0, line, w.note)
    return len(lines)


def _per_file(ds: Dataset, std: Standard) -> list[list]:
    kinds = {wb.id: wb.name for wb in std.workbooks}
    counts: dict[str, list] = {}
    for s in ds.sources:
        counts[s.path] = [s.path, kinds.get(s.kind, s.kind), 0, 0]
    for f in ds.findings:
        name = f.file or ALL_FILES
        row = counts.setdefault(name, [name, "", 0, 0])
        row[2 if f.is_error else 3] += 1
    return sorted(counts.values(), key=lambda r: (r[0] != ALL_FILES, r[0]))


def _summary_sheet(book, w: _Writer, ds: Dataset, std: Standard) -> None:
    ws = book.add_worksheet(SHEET_SUMMARY)
    top = _write_excluded(ws, w, ds)
    ws.write(top, 0, f"读取工作簿 {len(ds.sources)} 份；错误 {len(ds.errors)} 处，警告 {len(ds.warnings)} 处。"
             + ("" if ds.findings else NO_FINDINGS), w.note if ds.errors else None)
    rows = _per_file(ds, std)
    end = w.table(ws, top + 2, SUMMARY_HEADERS, rows)
    ws.freeze_panes(top + 3, 0)
    print_a4_landscape(ws, top + 2)
    skipped = [[s.path, s.reason] for s in ds.skipped] or [["（无）", ""]]
    w.table(ws, end + 1, SKIPPED_HEADERS, skipped)
    for c in (0, 1):
        width = max(display_width(r[c]) for r in [SUMMARY_HEADERS, SKIPPED_HEADERS, *rows, *skipped]) + 2
        ws.set_column(c, c, min(width, MAX_WIDTH["文件"] if c == 0 else MAX_WIDTH["问题说明"]))


def write_check_report(ds: Dataset, std: Standard, path: Path) -> Path:
    """Write 校验报告.xlsx to ``path`` atomically; return the path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), XLSXWRITER_OPTIONS)
        w = _Writer(book)
        _findings_sheet(book, w, ds, std)
        _summary_sheet(book, w, ds, std)
        book.close()
    return path
