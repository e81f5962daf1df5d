"""Column and row checks with pandera, one schema per sheet built from ``schemas/``.

The frames reaching here are already typed by ``normalize`` (cells that could
not be converted are reported there), so pandera only sees clean types:
blanks in required columns, enumerations, ranges and the date order within a
row. ``failure_cases`` are mapped back to the Excel cell via the provenance
columns; a dataframe-level check yields one failure per column, so failures
are de-duplicated on (check, index).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..model import ERROR, WARNING, Finding
from ..read.normalize import fmt_value
from ..standard import Sheet, Standard


@dataclass(frozen=True)
class DateOrder:
    """``later`` must not be before ``earlier`` in the same row."""

    sheet: str
    earlier: str
    later: str
    level: str = ERROR


DATE_ORDER = (
    DateOrder("terms", "start", "end"),
    DateOrder("units", "added", "removed"),
    DateOrder("round_info", "start", "end"),
    DateOrder("round_info", "start", "report_leading_group", WARNING),
    DateOrder("round_info", "start", "report_secretary", WARNING),
    DateOrder("round_info", "start", "feedback", WARNING),
    DateOrder("round_orgs", "start", "end"),
    DateOrder("problems", "found", "rectified_on"),
    DateOrder("problems", "found", "deadline", WARNING),
    DateOrder("clues", "found", "transferred_on", WARNING),
    DateOrder("special_work", "start", "end"),
)
MIN_VALUE = {("round_info", "round"): 1}  # 轮次 is a whole number >= 1

LEVELS = {"date-order": ERROR, "rectified-date-missing": ERROR, "rectified-date-unexpected": WARNING}


# ---------------------------------------------------------------- schemas

def _column_schema(sheet: Sheet, col, std: Standard) -> pa.Column:
    checks = []
    if col.type == "enum" and col.enum != "taxonomy":
        values = list(std.enum_values(col.enum))
        checks.append(pa.Check(lambda s, v=values: s.isin(v), name="enum-invalid"))
    minimum = MIN_VALUE.get((sheet.id, col.id))
    if minimum is not None:
        checks.append(pa.Check(lambda s, m=minimum: s >= m, name="value-too-small"))
    return pa.Column(nullable=not col.not_null, checks=checks, required=True)


# ignore_na=False on the row checks: with True, pandera also passes rows whose every cell is
# missing, which costs an ``isna`` of the whole frame per check (≈ 0.02 s each at 10,000
# workbooks) and can never apply: source_file/source_sheet/source_row are never missing.
def _order_check(rule: DateOrder) -> pa.Check:
    name = f"date-order:{rule.earlier}:{rule.later}:{rule.level}"
    return pa.Check(lambda df, a=rule.earlier, b=rule.later: ~(df[b] < df[a]), name=name, ignore_na=False)


def _problem_checks(sheet: Sheet, rectified: str) -> list[pa.Check]:
    if sheet.id != "problems":
        return []
    done = lambda df: df["status"] == rectified  # noqa: E731
    return [pa.Check(lambda df: ~(done(df) & df["rectified_on"].isna()), name="rectified-date-missing",
                     ignore_na=False),
            pa.Check(lambda df: ~(~done(df) & df["status"].notna() & df["rectified_on"].notna()),
                     name="rectified-date-unexpected", ignore_na=False)]


def build_schema(sheet: Sheet, std: Standard) -> pa.DataFrameSchema:
    """The pandera schema of a sheet of the standard (typed frame, see model.py)."""
    checks = [_order_check(r) for r in DATE_ORDER if r.sheet == sheet.id] + _problem_checks(sheet, std.rectified_status)
    return pa.DataFrameSchema({c.id: _column_schema(sheet, c, std) for c in sheet.columns},
                              checks=checks, strict=False)


@cache
def schemas(std: Standard) -> dict[str, pa.DataFrameSchema]:
    """The pandera schema of every sheet of ``std`` (built once per standard)."""
    return {sid: build_schema(sh, std) for sid, sh in std.sheets.items()}


# ---------------------------------------------------------------- messages

def _message(code: str, sheet: Sheet, col_id: str, row: pd.Series, std: Standard, extra: str = "") -> str:
    col = sheet.column(col_id)
    value = fmt_value(row[col_id])
    if code == "required-blank":
        return f"“{col.header}”不能为空。请填写：{col.help}。"
    if code == "enum-invalid":
        return f"“{value}”不是“{col.header}”的可选值。请从下拉列表中选择：{'、'.join(std.enum_values(col.enum))}。"
    if code == "value-too-small":
        return f"“{col.header}”应为大于等于 {MIN_VALUE[(sheet.id, col_id)]} 的整数。"
    if code == "date-order":
        earlier = sheet.column(extra)
        return (f"“{col.header}”（{value}）早于“{earlier.header}”（{fmt_value(row[extra])}），"
                "请检查这两个日期是否填错。")
    if code == "rectified-date-missing":
        status = sheet.header("status")
        return f"{status}为“{std.rectified_status}”，但没有填写“{col.header}”。请补填{col.header}，或改正{status}。"
    if code == "rectified-date-unexpected":
        status = sheet.header("status")
        return (f"填写了“{col.header}”，但{status}是“{fmt_value(row['status'])}”"
                f"而不是“{std.rectified_status}”。请确认{status}。")
    return f"“{col.header}”的值“{value}”不符合要求。"


def _failure_target(check: str, column: str) -> tuple[str, str, str, str]:
    """(code, column id, earlier column id, level) of a pandera failure."""
    if check == "not_nullable":
        return "required-blank", column, "", ERROR
    if check.startswith("date-order:"):
        _, earlier, later, level = check.split(":")
        return "date-order", later, earlier, level
    if check in ("rectified-date-missing", "rectified-date-unexpected"):
        return check, "rectified_on", "", LEVELS[check]
    return check, column, "", ERROR


# ---------------------------------------------------------------- validation

def _view(frame: pd.DataFrame, blank: pd.DataFrame, sheet: Sheet) -> pd.DataFrame:
    """The frame pandera sees: blank required counts/years as missing (they read as 0)."""
    view = frame
    for col in sheet.columns:
        if col.not_null and col.type in ("count", "year") and blank[col.id].any():
            if view is frame:
                view = frame.copy()
            view[col.id] = frame[col.id].astype("Int64").mask(blank[col.id])
    return view


def _failures(frame: pd.DataFrame, blank: pd.DataFrame, sheet: Sheet, std: Standard) -> pd.DataFrame:
    try:
        schemas(std)[sheet.id].validate(_view(frame, blank, sheet), lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
        fc = fc[fc["index"].notna()]
        return fc.drop_duplicates(["check", "index"] if "index" in fc else None)
    return pd.DataFrame(columns=["column", "check", "index"])


def sheet_findings(frame: pd.DataFrame, blank: pd.DataFrame, sheet: Sheet, std: Standard,
                   reported: set[tuple]) -> list[Finding]:
    """Findings of one sheet's pandera schema (the frame is not changed)."""
    out = []
    for _, fail in _failures(frame, blank, sheet, std).iterrows():
        code, col_id, earlier, level = _failure_target(str(fail["check"]), str(fail["column"]))
        idx = int(fail["index"])
        row = frame.loc[idx]
        col = sheet.column(col_id)
        key = (row["source_file"], row["source_sheet"], int(row["source_row"]), col.header)
        if key in reported:
            continue
        value = "" if col.confidential else fmt_value(row[col_id])
        out.append(Finding(level, code, _message(code, sheet, col_id, row, std, earlier), key[0], key[1],
                           key[2], col.header, value))
    return out


def row_findings(frames: dict[str, pd.DataFrame], blanks: dict[str, pd.DataFrame],
                 earlier: list[Finding], std: Standard) -> list[Finding]:
    """Pandera findings of every sheet, skipping cells already reported in ``earlier``."""
    reported = {(f.file, f.sheet, f.row, f.column) for f in earlier if f.is_error}
    out = []
    for sid, frame in frames.items():
        if not frame.empty:
            out += sheet_findings(frame, blanks[sid], std.sheet(sid), std, reported)
    return out
