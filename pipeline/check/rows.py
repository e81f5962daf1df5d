"""Column and row checks, one set of rules per sheet built from ``schemas/``.

The frames reaching here are already typed by ``normalize`` (cells that could
not be converted are reported there), so the rules only see clean types:
blanks in required columns, enumerations, ranges and the date order within a
row. Each rule is a vectorised mask over the whole sheet; every failing row
is mapped back to the Excel cell via the provenance columns.

(These were pandera schemas until issue 13: the same rules, but importing pandera
cost 0.4 s of every run's start-up, more than reading and checking the sample county.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pandas as pd

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

# ---------------------------------------------------------------- rules

Mask = Callable[[pd.DataFrame], pd.Series]  # True where a row passes


@dataclass(frozen=True)
class ColumnRule:
    """A check of one column's non-blank values (blank cells are the ``not_null`` rule's)."""

    column: str
    name: str  # the check's name: a catalogue code (see ``_failure_target``)
    passes: Callable[[pd.Series], pd.Series]


@dataclass(frozen=True)
class SheetRules:
    """Every rule of one sheet, in the order failures are listed: per column (blank, then
    its value checks), then the row checks."""

    not_null: frozenset[str]
    columns: tuple[str, ...]
    column_rules: dict[str, tuple[ColumnRule, ...]]
    row_rules: tuple[tuple[str, Mask], ...]  # (name, passes)


def _column_rules(sheet: Sheet, col, std: Standard) -> tuple[ColumnRule, ...]:
    rules = []
    if col.type == "enum" and col.enum != "taxonomy":
        values = list(std.enum_values(col.enum))
        rules.append(ColumnRule(col.id, "enum-invalid", lambda s, v=values: s.isin(v)))
    minimum = MIN_VALUE.get((sheet.id, col.id))
    if minimum is not None:
        rules.append(ColumnRule(col.id, "value-too-small", lambda s, m=minimum: s >= m))
    return tuple(rules)


def _order_rule(rule: DateOrder) -> tuple[str, Mask]:
    name = f"date-order:{rule.earlier}:{rule.later}:{rule.level.name}"
    return name, lambda df, a=rule.earlier, b=rule.later: ~(df[b] < df[a])


def _problem_rules(sheet: Sheet, rectified: str) -> list[tuple[str, Mask]]:
    if sheet.id != "problems":
        return []
    done = lambda df: df["status"] == rectified  # noqa: E731
    return [("rectified-date-missing", lambda df: ~(done(df) & df["rectified_on"].isna())),
            ("rectified-date-unexpected",
             lambda df: ~(~done(df) & df["status"].notna() & df["rectified_on"].notna()))]


def build_rules(sheet: Sheet, std: Standard) -> SheetRules:
    """The rules of a sheet of the standard (typed frame, see model.py)."""
    rows = [_order_rule(r) for r in DATE_ORDER if r.sheet == sheet.id] + _problem_rules(sheet, std.rectified_status)
    return SheetRules(not_null=frozenset(c.id for c in sheet.columns if c.not_null),
                      columns=tuple(c.id for c in sheet.columns),
                      column_rules={c.id: _column_rules(sheet, c, std) for c in sheet.columns},
                      row_rules=tuple(rows))


@cache
def schemas(std: Standard) -> dict[str, SheetRules]:
    """The rules of every sheet of ``std`` (built once per standard)."""
    return {sid: build_rules(sh, std) for sid, sh in std.sheets.items()}


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
    """(code, column id, earlier column id, level or None for the catalogue's) of a failing rule."""
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
    """The frame the rules see: blank required counts/years as missing (they read as 0)."""
    view = frame
    for col in sheet.columns:
        if col.not_null and col.type in ("count", "year") and blank[col.id].any():
            if view is frame:
                view = frame.copy()
            view[col.id] = frame[col.id].astype("Int64").mask(blank[col.id])
    return view


def _run(rule: Callable, data) -> pd.Index:
    """Index labels where ``rule(data)`` fails; a rule that cannot be evaluated on this frame
    (never with typed frames) reports nothing, as pandera's lazy validation did."""
    try:
        return _failing(rule(data))
    except (TypeError, KeyError, ValueError):
        return data.index[:0]


def _failing(passes) -> pd.Index:
    """Index labels where a rule's boolean result is False (a missing result passes)."""
    passes = pd.Series(passes)
    if passes.dtype != bool:
        passes = passes.fillna(True).astype(bool)
    return passes.index[~passes.to_numpy()]


def _failures(frame: pd.DataFrame, blank: pd.DataFrame, sheet: Sheet, std: Standard) -> pd.DataFrame:
    """(column, check, index) of every failing cell, one row per rule and row."""
    rules = schemas(std)[sheet.id]
    view = _view(frame, blank, sheet)
    parts: list[tuple[str, str, pd.Index]] = []
    for col_id in rules.columns:
        if col_id not in view:
            continue  # never: the typed frame has every column of the standard
        values = view[col_id]
        present = values.notna()
        if col_id in rules.not_null:
            parts.append((col_id, "not_nullable", values.index[~present.to_numpy()]))
        for rule in rules.column_rules[col_id]:
            kept = values[present]
            parts.append((col_id, rule.name, _run(rule.passes, kept) if len(kept) else kept.index))
    for name, passes in rules.row_rules:
        parts.append(("", name, _run(passes, view)))
    parts = [(c, n, idx) for c, n, idx in parts if len(idx)]
    if not parts:
        return pd.DataFrame(columns=["column", "check", "index"])
    return pd.DataFrame({"column": [c for c, _, idx in parts for _ in idx],
                         "check": [n for _, n, idx in parts for _ in idx],
                         "index": [i for _, _, idx in parts for i in idx]})


def sheet_findings(frame: pd.DataFrame, blank: pd.DataFrame, sheet: Sheet, std: Standard,
                   reported: set[tuple]) -> list[Finding]:
    """Findings of one sheet's rules (the frame is not changed)."""
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
    """Row findings of every sheet, skipping cells already reported in ``earlier``."""
    reported = {(f.file, f.sheet, f.row, f.column) for f in earlier if f.is_error}
    out = []
    for sid, frame in frames.items():
        if not frame.empty:
            out += sheet_findings(frame, blanks[sid], std.sheet(sid), std, reported)
    return out
