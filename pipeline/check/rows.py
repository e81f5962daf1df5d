"""Row checks: each sheet kind's pandera schema validated over the rows of ALL its files.

The schemas are built from the standard (``schemas.py``): blanks in required columns,
enumerations, minimums, the date orders within a row and the 整改完成日期 rules, each check
named with the finding code it reports. The frames reaching here are already typed by
``read/normalize.py`` (cells that could not be converted are reported there; nothing is
coerced here), and each sheet kind is validated once, lazily, over the frame of every file.

``failure_cases`` are mapped back to findings: the check gives the code (and, for a date
order, the columns and the level), the row label gives the provenance columns (file, sheet,
Excel row). A dataframe-level check yields one failure case per column: they are counted once
per (check, row). Findings come in a fixed order: per column of the sheet (blank, then its
checks), then the dataframe-level checks, each in row order. A check that raises is not a
pass: :class:`RuleError` names it and its sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrorReason, SchemaErrors

from ..findings import CATALOGUE, Finding, Level, finding
from ..read.normalize import fmt_value
from ..standard import Sheet, Standard
from .schemas import schemas

NOT_NULL = "not_nullable"  # pandera's name for a blank cell in a column that is not nullable


class RuleError(RuntimeError):
    """A row rule could not be evaluated: a bug of the tool (the typed frames always fit their
    schema), never a pass and never the user's data."""


@dataclass(frozen=True)
class _Rule:
    """What a failure of one check reports."""

    rank: tuple[int, int]  # the order of its findings: (column position, check position)
    code: str  # a finding code (findings.py)
    column: str  # the column id the finding points at
    stats: dict = field(default_factory=dict, compare=False)  # the check's parameters
    level: Level | None = None  # None: the catalogue's level


def _code(name: str) -> str:
    """The finding code of a check's name: the name itself, or value-invalid (a safety net)."""
    return name if name in CATALOGUE else "value-invalid"


def _rules(schema: pa.DataFrameSchema) -> dict[tuple, _Rule]:
    """Each check of ``schema`` under the key its failure cases give: (context, column, check)."""
    rules = {}
    for i, (col_id, column) in enumerate(schema.columns.items()):
        rules[("Column", col_id, NOT_NULL)] = _Rule((i, 0), "required-blank", col_id)
        for k, check in enumerate(column.checks):
            rules[("Column", col_id, k)] = _Rule((i, 1 + k), _code(check.name), col_id, check.statistics)
    last = len(schema.columns)
    for j, check in enumerate(schema.checks):
        stats = check.statistics
        if check.name == "date-order":
            rule = _Rule((last, j), "date-order", stats["later"], stats, Level[stats["level"].upper()])
        else:  # rectified-date-missing / -unexpected: on the date column
            rule = _Rule((last, j), _code(check.name), stats.get("date", ""), stats)
        rules[("DataFrameSchema", "", j)] = rule
    return rules


def typed_view(frame: pd.DataFrame, blank: pd.DataFrame, sheet: Sheet) -> pd.DataFrame:
    """The frame the schema sees: the standard's columns, a count or year that must not be
    blank as ``Int64`` with its blank cells missing (the typed frame reads them as 0)."""
    view = frame[[c.id for c in sheet.columns]]
    required = {c.id: frame[c.id].astype("Int64").mask(blank[c.id]) for c in sheet.columns
                if c.not_null and c.type in ("count", "year")}
    return view.assign(**required) if required else view


def _broken(exc: SchemaErrors, sheet: Sheet) -> RuleError | None:
    """The RuleError for a check that raised instead of answering (None when none did)."""
    for err in exc.schema_errors:
        if err.reason_code == SchemaErrorReason.CHECK_ERROR:
            name = getattr(err.check, "name", None) or str(err.check)
            column = f"“{err.column_name}”列的" if getattr(err, "column_name", None) else ""
            cause = "；".join(str(x) for x in err.failure_cases["failure_case"].tolist()) \
                if isinstance(err.failure_cases, pd.DataFrame) else str(err)
            return RuleError(f"校验规则出错：工作表“{sheet.name}”（{sheet.id}）{column}规则“{name}”无法运行：{cause}。"
                             "这是程序的问题，不是填报数据的问题，请把此信息发给维护人员。")
    return None


def failures(schema: pa.DataFrameSchema, view: pd.DataFrame, sheet: Sheet) -> list[tuple[_Rule, int]]:
    """(rule, row label) of every failure of ``view`` against ``schema``, in finding order."""
    try:
        schema.validate(view, lazy=True, inplace=True)  # inplace: nothing is coerced, nothing copied
        return []
    except SchemaErrors as exc:
        broken = _broken(exc, sheet)
        if broken is not None:
            raise broken from exc
        cases = exc.failure_cases
    if cases["index"].isna().any():  # the frame itself does not fit (a dtype, a column): a bug
        wrong = cases.loc[cases["index"].isna(), ["column", "check"]].astype(str).agg("：".join, axis=1)
        raise RuleError(f"校验规则出错：工作表“{sheet.name}”（{sheet.id}）的数据不符合其结构："
                        f"{'；'.join(dict.fromkeys(wrong))}。这是程序的问题，请把此信息发给维护人员。")
    rules = _rules(schema)
    found: dict[tuple, tuple[_Rule, int]] = {}  # one per (check, row): a row-level check fails per column
    for context, column, check, number, index in zip(cases["schema_context"].tolist(), cases["column"].tolist(),
                                                     cases["check"].tolist(), cases["check_number"].tolist(),
                                                     cases["index"].tolist()):
        if context == "Column":
            key = ("Column", column, NOT_NULL if check == NOT_NULL else int(number))
        else:
            key = ("DataFrameSchema", "", int(number))
        rule = rules.get(key) or _Rule((len(rules), 0), "value-invalid", column)
        found.setdefault((key, int(index)), (rule, int(index)))
    return sorted(found.values(), key=lambda f: (f[0].rank, f[1]))


def _params(rule: _Rule, sheet: Sheet, std: Standard, frame: pd.DataFrame, pos: int) -> dict:
    """The template parameters of a row finding (besides the column header and the value)."""
    col = sheet.column(rule.column)
    if rule.code == "required-blank":
        return {"help": col.help}
    if rule.code == "enum-invalid":
        return {"choices": "、".join(std.enum_values(col.enum))}
    if rule.code == "value-too-small":
        return {"minimum": col.min}
    if rule.code == "date-order":
        earlier = rule.stats["earlier"]
        return {"earlier": sheet.header(earlier), "earlier_value": fmt_value(frame[earlier].iat[pos])}
    if rule.code in ("rectified-date-missing", "rectified-date-unexpected"):
        status = rule.stats["status"]
        params = {"status": sheet.header(status), "rectified": rule.stats["rectified"]}
        if rule.code == "rectified-date-unexpected":
            params["status_value"] = fmt_value(frame[status].iat[pos])
        return params
    return {}


def sheet_findings(frame: pd.DataFrame, blank: pd.DataFrame, sheet: Sheet, std: Standard,
                   reported: set[tuple]) -> list[Finding]:
    """Findings of one sheet's schema over ``frame`` (not changed); cells in ``reported`` are skipped."""
    found = failures(schemas(std)[sheet.id], typed_view(frame, blank, sheet), sheet)
    if not found:
        return []
    positions = frame.index.get_indexer([index for _, index in found])
    files, names, rows = (frame[c].to_numpy() for c in ("source_file", "source_sheet", "source_row"))
    out = []
    for (rule, _), pos in zip(found, positions):
        col = sheet.column(rule.column)
        key = (files[pos], names[pos], int(rows[pos]), col.header)
        if key in reported:
            continue
        value = "" if col.confidential else fmt_value(frame[col.id].iat[pos])
        out.append(finding(rule.code, file=key[0], sheet=key[1], row=key[2], column=col.header, value=value,
                           level=rule.level, **_params(rule, sheet, std, frame, pos)))
    return out


def row_findings(frames: dict[str, pd.DataFrame], blanks: dict[str, pd.DataFrame],
                 earlier: list[Finding], std: Standard) -> list[Finding]:
    """Row findings of every sheet kind, each validated once over all its files' rows, skipping
    cells already reported as errors in ``earlier``."""
    reported = {(f.file, f.sheet, f.row, f.column) for f in earlier if f.is_error}
    out = []
    for sid, frame in frames.items():
        if not frame.empty:
            out += sheet_findings(frame, blanks[sid], std.sheet(sid), std, reported)
    return out
