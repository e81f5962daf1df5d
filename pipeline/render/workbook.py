"""The leadership workbook 巡察工作统计_<period>.xlsx, written with xlsxwriter.

Each table goes on its own sheet: a title row, a line with the compiling unit and
date, a warning naming the workbooks left out (``--skip-invalid``), on the first sheet
a warning while some 核实性问题 is unexplained (office-loop.md §2), bordered cells
with number/percent/date formats, frozen and repeated header rows, print setup
(A4 landscape, one page wide, page numbers). The charts are native Excel charts on
a 图表 sheet, drawing from the tables' cells. Every cell holds a value, never a
formula; strings are never turned into formulas, links or numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import xlsxwriter

from .. import output as names
from ..model import excluded_notice
from ..output import atomic_path
from ..periods import cn_date
from ..stats.aggregate import Report
from . import tables as t1
from .sheet_conventions import XLSXWRITER_OPTIONS, print_a4_landscape
from .table_model import FILLS, NOT_APPLICABLE, Filled, Pct, Table, display_width
from .tables_coverage import coverage, uninspected
from .tables_detail import detail_tables
from .tables_ledger import ledger_tables
from .tables_plan import submissions
from .workbook_charts import Placed, write_chart_sheet

FONT = "宋体"
MIN_WIDTH, WRAP_WIDTH, MAX_WIDTH, MIN_TOTAL = 6, 42, 70, 64
HEADER_NUMERIC, HEADER_TEXT = 8, 12  # header line widths over numbers / over text
LINE_HEIGHT = 15  # points per line of 11-point text
TITLE_SCALE = 1.5  # the title's 16-point characters are this much wider
FOOTER = "&C第 &P 页 共 &N 页"
CHARTS_AFTER = 10  # the 图表 sheet follows the nine tables of outputs.md and 报送情况 (office-loop.md)
# A detail table with more cells than this goes to the companion workbook
# 巡察工作统计_<period>_明细.xlsx (fast plain writer, see docs/performance.md);
# its sheet in the main workbook says where the rows are. ~3,000 problems.
DETAIL_INLINE_CELLS = 50_000


def workbook_name(report: Report) -> str:
    """File name of the leadership workbook."""
    return names.workbook_name(report.period.label)


def all_tables(report: Report) -> list[Table]:
    """Every table of the workbook, in sheet order: tables 1–9 of outputs.md (表8-2 报送情况
    after 表8), then details, then the rectification ledger (表15, 表16)."""
    main = [t1.overview, t1.by_round, t1.by_group, t1.problems_by_category, t1.clues,
            t1.ecology, coverage, uninspected, submissions, t1.sources]
    return [make(report) for make in main] + detail_tables(report) + ledger_tables(report)


def companion_name(report: Report) -> str:
    """File name of the companion workbook holding the very long detail tables."""
    return names.companion_name(report.period.label)


def _pointer(table: Table, companion: str) -> Table:
    """The stand-in of a detail table moved to the companion workbook."""
    text = (f"本表共 {len(table.rows):,} 行，数据量大，已另存于同一文件夹中的《{companion}》"
            f"工作表“{table.sheet}”（列与本表相同，含来源文件和行号）。")
    return Table(table.sheet, table.title, table.columns, [], notes=list(table.notes), empty_text=text)


def split_tables(report: Report, tables: list[Table]) -> tuple[list[Table], list[Table]]:
    """(tables of the main workbook, tables moved to the companion): detail tables
    (after the main tables) above ``DETAIL_INLINE_CELLS`` cells move."""
    main, moved = list(tables[:CHARTS_AFTER]), []
    for table in tables[CHARTS_AFTER:]:
        if len(table.rows) * len(table.columns) > DETAIL_INLINE_CELLS:
            moved.append(table)
            main.append(_pointer(table, companion_name(report)))
        else:
            main.append(table)
    return main, moved


def plan_workbooks(report: Report) -> tuple[list[Table], list[Table]]:
    """(tables of the leadership workbook, tables of the companion workbook)."""
    return split_tables(report, all_tables(report))


def write_main_workbook(report: Report, tables: list[Table], out_dir: Path) -> list[Path]:
    """Write the leadership workbook holding ``tables``; return [its path]."""
    return [_write_main(report, tables, Path(out_dir) / workbook_name(report))]


def write_companion(report: Report, moved: list[Table], out_dir: Path) -> list[Path]:
    """Write the companion workbook of the ``moved`` tables (if any); return the paths written.

    Without moved tables a companion left by an earlier, bigger run is removed: it would mislead.
    """
    companion = Path(out_dir) / companion_name(report)
    if not moved:
        companion.unlink(missing_ok=True)
        return []
    from .xlsx_fast import write_plain_workbook

    return [write_plain_workbook(moved, companion)]


def write_workbooks(report: Report, out_dir: Path) -> list[Path]:
    """Write the leadership workbook, and the companion when some detail table is
    very long; return the paths written."""
    main, moved = plan_workbooks(report)
    return write_main_workbook(report, main, out_dir) + write_companion(report, moved, out_dir)


def write_workbook(report: Report, out_dir: Path) -> Path:
    """Write the leadership workbook (and its companion when needed); return the main path."""
    return write_workbooks(report, out_dir)[0]


def _write_main(report: Report, tables: list[Table], target: Path) -> Path:
    """Write ``tables`` as the leadership workbook at ``target`` (atomically)."""
    return write_tables_workbook(report, tables, target, CHARTS_AFTER)


def write_tables_workbook(report: Report, tables: list[Table], target: Path, charts_after: int) -> Path:
    """Write ``tables`` as a print-ready workbook at ``target`` (atomically), the 图表 sheet
    before table ``charts_after`` (after the last one when that is ``len(tables)``).

    ``report`` gives the banner and the file's properties only: ``period``, ``county``,
    ``compiler``, ``compiled_on`` and ``excluded``, so the city roll-up passes its own
    object with these (``pipeline/rollup/workbook.py``).
    """
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), XLSXWRITER_OPTIONS)
        wb.set_properties({"title": f"{report.county}{report.period.label}巡察工作统计",
                           "author": report.compiler, "company": report.county,
                           "created": dt.datetime.combine(report.compiled_on, dt.time())})
        styles = _styles(wb)
        placed = [Placed(t, spec, _data_top(t, report, k == 0)) for k, t in enumerate(tables) for spec in t.charts]
        for k, table in enumerate([*tables, None]):
            if k == charts_after and placed:
                write_chart_sheet(wb, placed, _chart_banner(report, styles), FOOTER)
            if table is not None:
                _write_table(wb, styles, table, report, k == 0)
        wb.close()
    return target


# ---------------------------------------------------------------- formats

def _styles(wb) -> dict:
    """Every cell format used, by name; ``<name>_total`` variants are bold."""
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
    cell = {**base, "border": 1}
    specs = {
        "title": {**base, "bold": True, "font_size": 16, "align": "center", "text_wrap": True},
        "title_left": {**base, "bold": True, "font_size": 16},
        "info_left": {**base, "font_size": 10},
        "warn_left": {**base, "bold": True, "font_color": "#C00000"},
        "info": {**base, "font_size": 10, "text_wrap": True},
        "warn": {**base, "bold": True, "font_color": "#C00000", "text_wrap": True},
        "note": {**base, "font_size": 10, "text_wrap": True, "valign": "top"},
        "header": {**cell, "bold": True, "align": "center", "text_wrap": True,
                   "bg_color": "#D9E1F2"},
        "text": cell, "wrap": {**cell, "text_wrap": True},
        "int": {**cell, "num_format": "0"}, "pct": {**cell, "num_format": "0.0%"},
        "date": {**cell, "num_format": "yyyy-mm-dd", "align": "center"},
        "na": {**cell, "align": "center"},
        "empty": {**cell, "align": "center", "font_color": "#595959"},
    }
    styles = {name: wb.add_format(spec) for name, spec in specs.items()}
    for name in ("text", "wrap", "int", "pct", "date", "na"):
        styles[f"{name}_total"] = wb.add_format({**specs[name], "bold": True})
    for name, colour in FILLS.items():
        styles[f"fill_{name}"] = wb.add_format({**cell, "align": "center", "bg_color": colour})
    return styles


def _style_of(value, wrap: bool, total: bool, styles: dict):
    if isinstance(value, Filled):
        return styles[f"fill_{value.fill}"]
    if isinstance(value, Pct):
        name = "pct"
    elif isinstance(value, dt.date):
        name = "date"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        name = "int"
    elif value == NOT_APPLICABLE:
        name = "na"
    else:
        name = "wrap" if wrap else "text"
    return styles[f"{name}_total" if total else name]


# ---------------------------------------------------------------- layout

def header_lines(header: str, chunk: int) -> list[str]:
    """A header broken into short lines: the words in pieces of ``chunk`` width, then the
    bracketed unit on its own line (受理来电 / 来访 / （件次）)."""
    if display_width(header) <= chunk:
        return [header]
    base, bracket = header, ""
    if header.endswith("）") and "（" in header:
        cut = header.rindex("（")
        base, bracket = header[:cut], header[cut:]
    lines, line = [], ""
    for ch in base:
        if line and display_width(line + ch) > chunk:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    if bracket and display_width(lines[-1] + bracket) <= chunk:
        lines[-1] += bracket
    elif bracket:
        lines.append(bracket)
    return lines


def _header_chunk(table: Table, i: int) -> int:
    """Line width for a header: narrow over numbers and dates, wider over text."""
    values = [row[i] for row in table.rows]
    numeric = all(not isinstance(v, str) or v in ("", NOT_APPLICABLE) for v in values)
    return HEADER_NUMERIC if numeric else HEADER_TEXT


def _widths(table: Table) -> list[int]:
    """Column widths: the widest value or header line (a CJK character counts as two)."""
    widths = []
    for i, col in enumerate(table.columns):
        data = max((display_width(row[i]) for row in table.rows), default=0)
        head = max(display_width(x) for x in header_lines(col.header, _header_chunk(table, i)))
        width = max(MIN_WIDTH, head, data) + 2
        widths.append(min(width, WRAP_WIDTH if col.wrap else MAX_WIDTH))
    extra = MIN_TOTAL - sum(widths)
    if extra > 0:  # narrow tables: widen evenly so titles and notes fit
        widths = [w + extra // len(widths) + (1 if k < extra % len(widths) else 0)
                  for k, w in enumerate(widths)]
    return widths


def _lines(text, width: float) -> int:
    return max(1, math.ceil(display_width(text) / max(width, 1)))


def _notices(report: Report, first: bool) -> list[str]:
    """The warnings under a sheet's title: workbooks left out; on the first sheet, unexplained warnings."""
    lines = [_excluded_line(report)] if report.excluded else []
    return lines + (list(report.first_sheet_notices) if first else [])


def _banner_rows(report: Report, first: bool) -> int:
    return 2 + len(_notices(report, first))


def _data_top(table: Table, report: Report, first: bool) -> int:
    """Row of the first data row (the same arithmetic as the writer)."""
    return _banner_rows(report, first) + (2 if table.has_groups else 1)


def _info_line(report: Report) -> str:
    period = report.period
    return (f"编制单位：{report.compiler}　　编制日期：{cn_date(report.compiled_on)}"
            f"　　统计期间：{cn_date(period.start)}至{cn_date(period.end)}")


def _excluded_line(report: Report) -> str:
    return excluded_notice(report.excluded, "本表统计")


def _chart_banner(report: Report, styles: dict) -> list[tuple[str, object]]:
    lines = [(f"{report.period.label}巡察工作图表", styles["title_left"]),
             (_info_line(report), styles["info_left"])]
    if report.excluded:
        lines.append((_excluded_line(report), styles["warn_left"]))
    return lines


def _banner(ws, styles: dict, table: Table, report: Report, width: int, first: bool) -> int:
    """Title, compiling line and the warnings (``_notices``); return the next free row."""
    last = max(len(table.columns) - 1, 0)
    ws.set_row(0, 24 * _lines(table.title, width / TITLE_SCALE) + 4)
    _merge(ws, 0, 0, last, table.title, styles["title"])
    info = _info_line(report)
    ws.set_row(1, 14 * _lines(info, width * 1.05) + 4)
    _merge(ws, 1, 0, last, info, styles["info"])
    for row, text in enumerate(_notices(report, first), start=2):
        ws.set_row(row, LINE_HEIGHT * _lines(text, width) + 4)
        _merge(ws, row, 0, last, text, styles["warn"])
    return _banner_rows(report, first)


def _merge(ws, row: int, first: int, last: int, value, fmt) -> None:
    if last > first:
        ws.merge_range(row, first, row, last, value, fmt)
    else:
        ws.write(row, first, value, fmt)


def _group_spans(table: Table) -> list[tuple[int, int]]:
    """(first, last) column of each run of columns sharing a group (or standing alone)."""
    spans, i = [], 0
    while i < len(table.columns):
        j = i
        group = table.columns[i].group
        while group and j + 1 < len(table.columns) and table.columns[j + 1].group == group:
            j += 1
        spans.append((i, j))
        i = j + 1
    return spans


def _headers(ws, styles: dict, table: Table, top: int) -> int:
    """Write one or two header rows; return the first data row."""
    fmt = styles["header"]
    texts = ["\n".join(header_lines(c.header, _header_chunk(table, i)))
             for i, c in enumerate(table.columns)]
    lines = max(t.count("\n") + 1 for t in texts)
    last_header = top + (1 if table.has_groups else 0)
    ws.set_row(last_header, LINE_HEIGHT * lines + 6)
    if not table.has_groups:
        for i, text in enumerate(texts):
            ws.write_string(top, i, text, fmt)
        return top + 1
    for first, last in _group_spans(table):
        col = table.columns[first]
        if not col.group:
            ws.merge_range(top, first, top + 1, first, texts[first], fmt)
            continue
        _merge(ws, top, first, last, col.group, fmt)
        for k in range(first, last + 1):
            ws.write_string(top + 1, k, texts[k], fmt)
    return top + 2


def _row_height(table: Table, row: list, widths: list[int]) -> int | None:
    """Height for a row whose wrapped cells need more than one line (None: default)."""
    lines = max((_lines(v, w - 1) for v, c, w in zip(row, table.columns, widths, strict=True)
                 if c.wrap and isinstance(v, str)), default=1)
    return LINE_HEIGHT * lines + 3 if lines > 1 else None


def _write_rows(ws, styles: dict, table: Table, first: int, widths: list[int]) -> int:
    """Write the data rows (or the empty-table line); return the row after them."""
    if not table.rows:
        _merge(ws, first, 0, len(table.columns) - 1, table.empty_text, styles["empty"])
        return first + 1
    n_plain = len(table.rows) - table.total_rows
    for r, row in enumerate(table.rows):
        height = _row_height(table, row, widths)
        if height:
            ws.set_row(first + r, height)
        for c, value in enumerate(row):
            fmt = _style_of(value, table.columns[c].wrap, r >= n_plain, styles)
            _write_cell(ws, first + r, c, value, fmt)
    return first + len(table.rows)


def _write_cell(ws, row: int, col: int, value, fmt) -> None:
    """Write a value with the matching typed call: values only, never formulas."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _notes(ws, styles: dict, table: Table, row: int, width: int) -> None:
    last = len(table.columns) - 1
    for note in table.notes:
        ws.set_row(row, 14 * _lines(note, width * 1.05) + 4)
        _merge(ws, row, 0, last, note, styles["note"])
        row += 1


def _page_setup(ws, header_top: int, data_top: int) -> None:
    print_a4_landscape(ws, header_top, data_top - 1)
    ws.freeze_panes(data_top, 0)
    ws.set_footer(FOOTER)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)


def _write_table(wb, styles: dict, table: Table, report: Report, first: bool = False) -> None:
    ws = wb.add_worksheet(table.sheet)
    widths = _widths(table)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    header_top = _banner(ws, styles, table, report, sum(widths), first)
    data_top = _headers(ws, styles, table, header_top)
    after = _write_rows(ws, styles, table, data_top, widths)
    _notes(ws, styles, table, after + 1, sum(widths))
    _page_setup(ws, header_top, data_top)
