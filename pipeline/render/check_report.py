"""The check report 校验报告.xlsx: every finding, pointing at the cell to fix.

Sheet 校验结果: one row per finding, in the one order (file, sheet, row …), with an
autofilter and a frozen header; sheet 汇总: the counts line, errors and warnings
per file and the skipped files; sheet 核实说明 (named in the standard): every
warning with its 核实说明 column, so that the report copied into the inputs and
filled in is an explanations workbook (office-loop.md §2). Written with xlsxwriter as plain values (never formulas,
links or numbers guessed from text) and atomically.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from ..explanations import EXPLAINED, EXPLANATION_COLUMNS, NOT_EXPLAINABLE, explanation_key, in_order, status
from ..findings import ERROR, WARNING, Finding
from ..model import Dataset, excluded_notice
from ..output import atomic_path
from ..standard import Standard
from .sheet_conventions import XLSXWRITER_OPTIONS, print_a4_landscape, text_width

SHEET_FINDINGS = "校验结果"
SHEET_SUMMARY = "汇总"
LEVEL_HEADER = "级别"
# The location, value, message and code of a finding: column ids of the standard's
# explanations sheet, whose headers both finding sheets use (a report copied into the
# inputs is read with them); the 核实说明 sheet's columns: explanations.EXPLANATION_COLUMNS.
FINDING_COLUMNS = ("file", "sheet", "row", "column", "value", "message", "code")
SUMMARY_HEADERS = ("文件", "工作簿类型", "错误", "警告")
SKIPPED_HEADERS = ("跳过的文件", "原因")
NO_FINDINGS = "未发现问题：全部工作簿通过校验。"
ALL_FILES = "（全部）"
MAX_WIDTH = {"message": 70, "value": 30, "file": 40, "text": 50}  # by column id; others 40
LINE_HEIGHT = 15  # points per line of wrapped text


def _headers(std: Standard, ids) -> list[str]:
    sheet = std.sheet("explanations")
    return [sheet.header(cid) for cid in ids]


def finding_headers(std: Standard) -> list[str]:
    """Headers of the 校验结果 sheet: 级别, then the finding's columns (问题代码: see findings.py)."""
    return [LEVEL_HEADER, *_headers(std, FINDING_COLUMNS)]


def _max_width(std: Standard) -> dict[str, int]:
    """MAX_WIDTH by header."""
    return dict(zip(_headers(std, MAX_WIDTH), MAX_WIDTH.values()))


def display_width(value) -> int:
    """Width of a cell value in Excel character units (a CJK character counts two)."""
    return text_width(str(value))


def _cells(f: Finding, ds: Dataset) -> dict:
    """The finding's cells by column id (both finding sheets)."""
    return {"file": f.file or ALL_FILES, "sheet": f.sheet, "row": f.row if f.row else "", "column": f.column,
            "value": f.value, "message": f.message, "code": f.code,
            "text": ds.explained.get(explanation_key(f), ""), "status": status(f, ds.explained)}


def _row(f: Finding, ds: Dataset, columns) -> list:
    """The finding's cells in the order of ``columns`` (its cells worked out once)."""
    cells = _cells(f, ds)
    return [cells[cid] for cid in columns]


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
        self.done = book.add_format({**base, "border": 1, "font_color": "#006100"})
        self.plain = book.add_format({**base, "border": 1, "font_color": "#7F7F7F"})

    def _format(self, header: str, value, wrap: bool, status_col: str):
        if header == LEVEL_HEADER:
            return self.error if value == ERROR.value else self.warning if value == WARNING.value else self.cell
        if header == status_col and value:
            return self.done if value == EXPLAINED else self.plain if value == NOT_EXPLAINABLE else self.warning
        return self.wrap if wrap else self.cell

    def table(self, ws, top: int, headers, rows, wrap_cols=(), max_width=None, status_col="") -> int:
        """Write a bordered table at row ``top``; set widths (``max_width`` by header, else 40);
        return the next free row."""
        max_width = max_width or {}
        widths = [display_width(h) + 2 for h in headers]
        ws.write_row(top, 0, headers, self.head)
        for r, row in enumerate(rows, start=top + 1):
            for c, value in enumerate(row):
                ws.write(r, c, value, self._format(headers[c], value, headers[c] in wrap_cols, status_col))
                widths[c] = max(widths[c], display_width(value) + 2)
        for c, header in enumerate(headers):
            ws.set_column(c, c, min(widths[c], max_width.get(header, 40)))
        tall: dict[int, int] = {}  # row -> height: the tallest wrapped cell of the row wins
        for c, header in enumerate(headers):
            if header in wrap_cols:  # wrapped text: make the row tall enough to show it all
                width = min(widths[c], max_width.get(header, 40)) - 1
                for r, row in enumerate(rows, start=top + 1):
                    lines = sum(-(-display_width(part) // max(width, 1)) or 1 for part in str(row[c]).split("\n"))
                    if lines > 1:
                        tall[r] = max(tall.get(r, 0), LINE_HEIGHT * lines)
        for r, height in tall.items():
            ws.set_row(r, height)
        return top + 1 + len(rows)


def _findings_sheet(book, w: _Writer, ds: Dataset, std: Standard) -> None:
    ws = book.add_worksheet(SHEET_FINDINGS)
    top = _write_excluded(ws, w, ds)
    rows = [[f.level.value] + _row(f, ds, FINDING_COLUMNS) for f in in_order(ds.findings, ds.explained, std)]
    if not rows:
        rows = [["", "", "", "", "", "", NO_FINDINGS, ""]]
    headers = finding_headers(std)
    end = w.table(ws, top, headers, rows, wrap_cols=_headers(std, ["message"]), max_width=_max_width(std))
    ws.autofilter(top, 0, end - 1, len(headers) - 1)
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
    ws.write(top, 0, f"读取工作簿 {len(ds.sources)} 份；{ds.counts.line()}。"
             + ("" if ds.findings else NO_FINDINGS), w.note if ds.errors or ds.counts.unexplained else None)
    rows = _per_file(ds, std)
    end = w.table(ws, top + 2, SUMMARY_HEADERS, rows)
    ws.freeze_panes(top + 3, 0)
    print_a4_landscape(ws, top + 2)
    skipped = [[s.path, s.reason] for s in ds.skipped] or [["（无）", ""]]
    w.table(ws, end + 1, SKIPPED_HEADERS, skipped)
    for c, limit in enumerate((MAX_WIDTH["file"], MAX_WIDTH["message"])):
        width = max(display_width(r[c]) for r in [SUMMARY_HEADERS, SKIPPED_HEADERS, *rows, *skipped]) + 2
        ws.set_column(c, c, min(width, limit))


def _explanations_sheet(book, w: _Writer, ds: Dataset, std: Standard) -> None:
    """Every warning, with the 核实说明 accepted so far: fill the blanks, copy into the inputs, rerun."""
    ws = book.add_worksheet(std.sheet("explanations").name)
    top = _write_excluded(ws, w, ds)
    headers = _headers(std, EXPLANATION_COLUMNS)
    rows = [_row(f, ds, EXPLANATION_COLUMNS) for f in in_order(ds.warnings, ds.explained, std)]
    wrap = _headers(std, ("text", "message"))
    widths = _max_width(std)
    end = w.table(ws, top, headers, rows, wrap_cols=wrap, max_width=widths,
                  status_col=_headers(std, ["status"])[0])
    for c in (headers.index(h) for h in wrap):  # room to write, even while the column is empty
        ws.set_column(c, c, widths[headers[c]])
    ws.autofilter(top, 0, max(end - 1, top), len(headers) - 1)
    ws.freeze_panes(top + 1, 0)
    print_a4_landscape(ws, top)


def write_check_report(ds: Dataset, std: Standard, path: Path) -> Path:
    """Write 校验报告.xlsx to ``path`` atomically; return the path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), XLSXWRITER_OPTIONS)
        w = _Writer(book)
        _findings_sheet(book, w, ds, std)
        _summary_sheet(book, w, ds, std)
        _explanations_sheet(book, w, ds, std)
        book.close()
    return path
