"""The office's own rows of a period (专项工作, 队伍建设, 学习培训), for the summary draft.

The statistics do not count them; they travel in the Report so that the
renderers never read the dataset's raw tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..model import Dataset
from ..periods import Period
from ..standard import Standard
from .selection import to_date

OFFICE_WORKBOOK = "office"  # the workbook id of 年度综合情况 in the standard


@dataclass
class OfficeRows:
    """Whether an office workbook was read, and its rows of the period as plain dicts."""

    loaded: bool
    rows: dict[str, list[dict]] = field(default_factory=dict)  # sheet id -> rows


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    value = str(value).strip()
    return value or None


def _records(frame: pd.DataFrame, sheet_id: str, std: Standard) -> list[dict]:
    """Rows as dicts of column id -> plain value (date, int, str or None)."""
    cols = std.sheet(sheet_id).columns
    out = []
    for _, row in frame.iterrows():
        rec = {}
        for col in cols:
            value = row.get(col.id)
            if col.type == "date":
                rec[col.id] = to_date(value)
            elif col.type in ("count", "year"):
                rec[col.id] = 0 if value is None or pd.isna(value) else int(value)
            else:
                rec[col.id] = _text(value)
        out.append(rec)
    return out


def _rows_of_period(ds: Dataset, sheet_id: str, period: Period, std: Standard) -> list[dict]:
    """The office sheet's rows of the period: by their ``period_date``, or (队伍建设) by 年度."""
    frame = ds.tables.get(sheet_id)
    if frame is None or frame.empty:
        return []
    dated = std.sheet(sheet_id).period_date
    if dated is not None:
        dates = pd.to_datetime(frame[dated])
        inside = (dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))
        order = dates[inside].sort_values(kind="stable").index
        frame = frame.loc[order]
    else:
        frame = frame[frame["year"] == period.end.year]
    return _records(frame, sheet_id, std)


def office_rows(ds: Dataset, period: Period, std: Standard) -> OfficeRows:
    """The office rows of ``period`` (see the module docstring)."""
    sheets = [sh.id for sh in std.workbook(OFFICE_WORKBOOK).sheets]
    loaded = any(s.kind == OFFICE_WORKBOOK for s in ds.sources) or any(
        ds.tables.get(s) is not None and not ds.tables[s].empty for s in sheets)
    return OfficeRows(loaded, {sid: _rows_of_period(ds, sid, period, std) for sid in sheets})
