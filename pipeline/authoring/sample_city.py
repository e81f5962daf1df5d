"""The fictional 示例市 of the city side (spec rollup.md): its roster of counties (县区名单).

Everything here is fictional. ``python run.py sample --city`` writes the roster; the
counties' packages come from each county's own ``xuncha export``. The roster is written
with a fixed timestamp, so two runs write byte-identical files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook as XlWorkbook
from openpyxl.styles import Font, PatternFill

from ..rollup.format import package_format
from .blank_forms import display_width, save_workbook

CITY = "示例市"
COUNTIES = ("东溪县", "南岭县", "西坪县")  # in the city's own order (missing_counties follows it)
STAMP = dt.datetime(2022, 1, 4, 9, 0, 0)
ROSTER_FILE = "县区名单.xlsx"


def roster_workbook(counties: tuple[str, ...] = COUNTIES) -> XlWorkbook:
    """A roster workbook: one sheet 县区名单, header 县区, one county a row."""
    sec = package_format().section("roster")
    wb = XlWorkbook()
    ws = wb.active
    ws.title = sec["sheet"]
    ws.append([sec["header"]])
    ws["A1"].font = Font(bold=True)
    ws["A1"].fill = PatternFill("solid", fgColor="D9E1F2")
    for county in counties:
        ws.append([county])
    ws.column_dimensions["A"].width = max(display_width(c) for c in (sec["header"], *counties)) + 6
    ws.freeze_panes = "A2"
    return wb


def write_city_sample(out_dir: Path, counties: tuple[str, ...] = COUNTIES) -> list[Path]:
    """Write the sample city's roster into ``out_dir``; return [its path]."""
    return [save_workbook(roster_workbook(counties), Path(out_dir) / ROSTER_FILE, STAMP)]
