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

from ..findings import CATALOGUE, ERROR, WARNING, Finding, Level, finding
from ..read.normalize import fmt_value
from ..standard import Sheet, Standard


@dataclass(frozen=True)
class DateOrder:
    """``later`` must not be before ``earlier`` in the same row."""

    sheet: str
    earlier: str
    later: str
    level: Level = ERROR  # date-order is an error, or a warning for these pairs


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
    DateOrder("plan", "start", "end"),
)
MIN_VALUE = {("round_info", "round"): 1, ("plan", "round"): 1}  # 轮次 is a whole number >= 1

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
    name = f"date-order:{rule.earlier}:{rule.later}:{rule.level.name}"
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

def _params(code: str, sheet: Sheet, col_id: str, row: pd.Series, std: Standard, extra: str = "") -> dict:
    """The template parameters of a row finding (besides the column header and the value)."""
    col = sheet.column(col_id)
    if code == "required-blank":
        return {"help": col.help}
    if code == "enum-invalid":
        return {"choices": "、".join(std.enum_values(col.enum))}
    if code == "value-too-small":
        return {"minimum": MIN_VALUE[(sheet.id, col_id)]}
    if code == "date-order":
        return {"earlier": sheet.column(extra).header, "earlier_value": fmt_value(row[extra])}
    if code == "rectified-date-missing":
        return {"status": sheet.header("status"), "rectified": std.rectified_status}
    if code == "rectified-date-unexpected":
        return {"status": sheet.header("status"), "rectified": std.rectified_status,
                "status_value": fmt_value(row["status"])}
    return {}


def _failure_target(check: str, column: str) -> tuple[str, str, str, Level | None]:
    """(code, column id, earlier column id, level or None for the catalogue's) of a pandera failure."""
    if check == "not_nullable":
        return "required-blank", column, "", None
    if check.startswith("date-order:"):
        _, earlier, later, level = check.split(":")
        return "date-order", later, earlier, Level[level]
    if check in ("rectified-date-missing", "rectified-date-unexpected"):
        return check, "rectified_on", "", None
    if check in CATALOGUE:
        return check, column, "", None
    return "value-invalid", column, "", None


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
        out.append(finding(code, file=key[0], sheet=key[1], row=key[2], column=col.header, value=value,
                           level=level, **_params(code, sheet, col_id, row, std, earlier)))
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
