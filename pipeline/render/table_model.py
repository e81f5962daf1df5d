"""The shape of one table of the leadership workbook, independent of xlsxwriter.

``tables.py`` and ``tables_detail.py`` build :class:`Table` objects from a report;
``render_workbook.py`` writes them. Keeping the two apart lets the tests read the
tables as plain Python and keeps the writer generic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .sheet_conventions import text_width

NOT_APPLICABLE = "—"  # shown where a rate has no denominator


class Pct(float):
    """A fraction shown as a percentage (0.8125 -> 81.3%)."""


# Cell fills by name (Excel's traffic-light colours, light enough to read black text on).
FILLS = {"red": "#F8696B", "yellow": "#FFEB84", "green": "#A9D08E"}


class Filled(str):
    """Text on a coloured cell (the ledger's lights). The text alone must carry the meaning:
    printouts are often black and white."""

    fill: str  # a key of FILLS

    def __new__(cls, text: str, fill: str) -> Filled:
        if fill not in FILLS:
            raise KeyError(fill)
        obj = super().__new__(cls, text)
        obj.fill = fill
        return obj


@dataclass(frozen=True)
class Col:
    """One column: header, and the column group it sits under (two-row headers)."""

    header: str
    group: str = ""
    wrap: bool = False  # long free text: wrap instead of widening


@dataclass(frozen=True)
class Chart:
    """A native chart over some data rows of the table."""

    kind: str  # "bar" (horizontal), "column", "pie", "trend" (columns + line on 2nd axis)
    title: str
    category_col: int
    value_cols: tuple[int, ...]
    first_row: int  # data row index (0 = first data row)
    last_row: int  # inclusive
    percent: bool = False  # values are fractions


@dataclass
class Table:
    """A titled, bordered table on its own sheet."""

    sheet: str
    title: str
    columns: list[Col]
    rows: list[list]
    total_rows: int = 0  # trailing rows shown bold (合计, 小计)
    notes: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    empty_text: str = "（无）"  # one line written instead of rows when there are none

    @property
    def has_groups(self) -> bool:
        return any(c.group for c in self.columns)


def display_width(value) -> int:
    """Width of a value in Excel character units: a CJK (wide) character counts as two."""
    if value is None:
        return 0
    if isinstance(value, Pct):
        return 7
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.1f}")
    return text_width(value if isinstance(value, str) else str(value))


def rate(part: int, whole: int) -> Pct | str:
    """part/whole as a percentage cell, or — when whole is 0."""
    return Pct(part / whole) if whole else NOT_APPLICABLE


def delta_rate(now: int, before: int) -> Pct | str:
    """Relative change (同比增减幅度), or — when there was nothing before."""
    return Pct((now - before) / before) if before else NOT_APPLICABLE
