"""Native Excel charts of the leadership workbook, gathered on one 图表 sheet.

Each chart's series refer to the cells of its table (values, never formulas), so
the chart and the table always agree. One chart per printed page.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from .sheet_conventions import print_a4_landscape
from .table_model import Chart, Table

CHART_SHEET = "图表"
FONT = "宋体"
CHART_SIZE = {"width": 960, "height": 460}
ROWS_PER_CHART = 26  # rows of 15 points taken by one chart and its gap


@dataclass(frozen=True)
class Placed:
    """A chart spec with the table it draws from and that table's first data row."""

    table: Table
    spec: Chart
    data_top: int


def _ref(table: Table, col: int, first: int, last: int) -> list:
    return [table.sheet, first, col, last, col]


def _series(p: Placed, col: int, labels: bool = True, **extra) -> dict:
    first, last = p.data_top + p.spec.first_row, p.data_top + p.spec.last_row
    series = {"name": p.table.columns[col].header,
              "categories": _ref(p.table, p.spec.category_col, first, last),
              "values": _ref(p.table, col, first, last)}
    if labels:
        series["data_labels"] = {"value": True,
                                 "num_format": "0.0%" if p.spec.percent else "0"}
    series.update(extra)
    return series


def _max_value(p: Placed, cols) -> float:
    values = [row[c] for row in p.table.rows[p.spec.first_row:p.spec.last_row + 1] for c in cols]
    return max((v for v in values if isinstance(v, (int, float))), default=0)


def _value_axis(p: Placed, cols, name: str = "") -> dict:
    """Whole-number steps for small counts (no 0.5 people); 0–100 % for fractions."""
    if p.spec.percent:
        return {"min": 0, "max": 1, "major_unit": 0.2, "num_format": "0%", "num_font": {"name": FONT},
                **({"name": name} if name else {})}
    axis = {"min": 0, "num_format": "0", "num_font": {"name": FONT}}
    top = _max_value(p, cols)
    if top <= 10:
        axis.update({"major_unit": 1, "max": max(1, int(top) + 1)})
    if name:
        axis["name"] = name
    return axis


def _title(chart, text: str) -> None:
    chart.set_title({"name": text, "name_font": {"name": FONT, "size": 14, "bold": True}})


def _simple(wb, p: Placed):
    chart = wb.add_chart({"type": p.spec.kind})
    cols = [p.table.columns[c] for c in p.spec.value_cols]
    same = len({c.header for c in cols}) < len(cols)  # e.g. 完成率 under two groups: name them by group
    for k, col in zip(p.spec.value_cols, cols):
        chart.add_series(_series(p, k, **({"name": f"{col.group}{col.header}"} if same else {})))
    _title(chart, p.spec.title)
    chart.set_legend({"position": "bottom", "font": {"name": FONT}}
                     if len(p.spec.value_cols) > 1 else {"none": True})
    category_axis = {"num_font": {"name": FONT, "size": 10}}
    if p.spec.kind == "bar":  # a bar chart's category axis is y: keep the table's order
        chart.set_y_axis({**category_axis, "reverse": True})
        chart.set_x_axis(_value_axis(p, p.spec.value_cols))
    else:
        chart.set_x_axis(category_axis)
        chart.set_y_axis(_value_axis(p, p.spec.value_cols))
    return chart


def _trend(wb, p: Placed):
    """Columns for the first value column, a line on the secondary axis for the second."""
    first, second = p.spec.value_cols[:2]
    columns = wb.add_chart({"type": "column"})
    columns.add_series(_series(p, first))
    line = wb.add_chart({"type": "line"})
    line.add_series(_series(p, second, labels=False, y2_axis=True,
                            marker={"type": "circle", "size": 6}))
    columns.combine(line)
    _title(columns, p.spec.title)
    columns.set_x_axis({"num_font": {"name": FONT}})
    columns.set_y_axis(_value_axis(p, [first], p.table.columns[first].header))
    line.set_y2_axis(_value_axis(p, [second], p.table.columns[second].header))
    columns.set_legend({"position": "bottom", "font": {"name": FONT}})
    return columns


def make_chart(wb, p: Placed):
    """The xlsxwriter chart of one placed spec."""
    chart = _trend(wb, p) if p.spec.kind == "trend" else _simple(wb, p)
    chart.set_size(CHART_SIZE)
    return chart


def write_chart_sheet(wb, placed: list[Placed], banner: list[tuple[str, object]],
                      footer: str) -> None:
    """A sheet holding every chart, one per printed page, under the ``banner`` lines
    (title, compiling line, excluded-workbook warning: (text, cell format) each)."""
    ws = wb.add_worksheet(CHART_SHEET)
    ws.set_column(0, 0, 150)
    for row, (text, fmt) in enumerate(banner):
        ws.write_string(row, 0, text, fmt)
    ws.set_row(0, 26)
    top = len(banner) + 1
    breaks = []
    for k, p in enumerate(placed):
        row = top + k * ROWS_PER_CHART
        if k:
            breaks.append(row - 1)
        ws.insert_chart(xl_rowcol_to_cell(row, 0), make_chart(wb, p))
    ws.set_h_pagebreaks(breaks)
    print_a4_landscape(ws)
    ws.set_footer(footer)
