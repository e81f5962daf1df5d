"""Checks of the returned 整改进展表 (spec rectification.md §2): each row against the problem it names.

A returned row names a problem by 届次, 轮次 and 问题编号 (pre-filled by the tool, like its
被巡察党组织, 问题类别, 问题摘要 and 整改时限). Errors: a problem that is not that organisation's
(``rectification-unknown-problem``), dates that cannot be right (``rectification-date-invalid``),
已整改 without 整改完成日期, the same problem twice with the same 填报日期. 核实性 warnings: rectified
without evidence or without measures, after the deadline, a status going back from 已整改, and a
pre-filled cell changed by hand (the round workbook's value is the one used).

Rows the organisation left blank are not here at all (``read.normalize``: a row whose cells to
fill are all blank is no row). A cell already reported as an error is not reported again.
"""

from __future__ import annotations

import pandas as pd

from ..findings import Finding
from ..read.normalize import cell_findings, date_value, fmt_value
from ..standard import Standard

KEY = ["term", "round", "problem_id"]
PREFILLED_COMPARED = ("category", "summary", "deadline")  # the keys and the org are checked as the key
IDS_SHOWN = 8  # the organisation's problem ids listed in the hint of an unknown one


def _problems(frames) -> pd.DataFrame:
    """The round workbooks' problems, one per (届次, 轮次, 问题编号) (a repeated id is reported elsewhere)."""
    probs = frames["problems"].dropna(subset=["term", "problem_id"])
    probs = probs[probs["round"] > 0].drop_duplicates(KEY)
    return probs[[*KEY, "org", "found", "status", "rectified_on", "deadline", "category", "summary"]]


def _matched(frames) -> pd.DataFrame:
    """The returned rows with the problem each names: columns ``p_<column>`` (NaN when none)."""
    rows = frames["progress"]
    probs = _problems(frames).rename(columns=lambda c: c if c in KEY else f"p_{c}")
    merged = rows[KEY].merge(probs, how="left", on=KEY)
    merged.index = rows.index
    return merged


def _not_reported(rows: pd.DataFrame, reported: set, header: str) -> pd.Series:
    """Rows whose cell in column ``header`` is not among the errors reported already."""
    if not reported:
        return pd.Series(True, index=rows.index)
    return pd.Series([(f, s, int(r), header) not in reported for f, s, r in
                      zip(rows["source_file"], rows["source_sheet"], rows["source_row"])], index=rows.index)


def _where(row) -> str:
    return f"{row['source_file']} “{row['source_sheet']}”第 {row['source_row']} 行"


def unknown_problems(frames, std: Standard) -> list[Finding]:
    """Rows naming no problem, or another organisation's problem."""
    rows, m = frames["progress"], _matched(frames)
    sheet = std.sheet("progress")
    named = rows[KEY].notna().all(axis=1) & rows["org"].notna()
    missing = named & m["p_org"].isna()
    other = named & m["p_org"].notna() & (m["p_org"] != rows["org"])
    probs = _problems(frames)

    def hint(r) -> str:
        ids = probs.loc[(probs["term"] == r["term"]) & (probs["round"] == r["round"]) & (probs["org"] == r["org"]),
                        "problem_id"].astype(str).tolist()
        if not ids:
            return ""
        shown = "、".join(ids[:IDS_SHOWN]) + ("等" if len(ids) > IDS_SHOWN else "")
        return f"该单位本轮的问题编号为：{shown}。"

    out = cell_findings(rows, missing, sheet, "problem_id", "rectification-unknown-problem",
                        lambda r: {"variant": "missing", "term": r["term"], "round": r["round"], "org": r["org"],
                                   "hint": hint(r)})
    out += cell_findings(rows, other, sheet, "problem_id", "rectification-unknown-problem",
                         lambda r: {"variant": "other-org", "term": r["term"], "round": r["round"], "org": r["org"],
                                    "owner": m.loc[r.name, "p_org"]})
    return out


def date_findings(frames, reported: set, std: Standard) -> list[Finding]:
    """填报日期 blank; 整改完成日期 before the problem was found or after the row's 填报日期;
    已整改 without 整改完成日期."""
    rows, m = frames["progress"], _matched(frames)
    sheet = std.sheet("progress")
    done = rows["status"] == std.rectified_status
    readable = _not_reported(rows, reported, sheet.header("rectified_on"))
    code = "rectification-date-invalid"
    out = cell_findings(rows, rows["filed_on"].isna() & _not_reported(rows, reported, sheet.header("filed_on")),
                        sheet, "filed_on", code, {"variant": "blank"})
    out += cell_findings(rows, rows["rectified_on"] < m["p_found"], sheet, "rectified_on", code,
                         lambda r: {"variant": "before-found", "found": fmt_value(m.loc[r.name, "p_found"])})
    out += cell_findings(rows, rows["rectified_on"] > rows["filed_on"], sheet, "rectified_on", code,
                         lambda r: {"variant": "after-filed", "filed_header": sheet.header("filed_on"),
                                    "filed": fmt_value(r["filed_on"])})
    out += cell_findings(rows, done & rows["rectified_on"].isna() & readable, sheet, "rectified_on",
                         "rectification-rectified-without-date",
                         {"status": sheet.header("status"), "rectified": std.rectified_status})
    return out


def duplicates(frames, std: Standard) -> list[Finding]:
    """The same problem in two rows with the same 填报日期: one finding on each, naming the others."""
    rows = frames["progress"]
    dated = rows.dropna(subset=[*KEY, "filed_on"])
    twice = dated[dated.duplicated([*KEY, "filed_on"], keep=False)]
    if twice.empty:
        return []
    places = {idx: _where(r) for idx, r in twice.iterrows()}
    groups = twice.groupby([*KEY, "filed_on"], sort=False).groups

    def params(r) -> dict:
        same = next(idx for idx in groups.values() if r.name in idx)
        return {"term": r["term"], "round": r["round"], "filed": fmt_value(r["filed_on"]),
                "others": "、".join(places[i] for i in same if i != r.name)}
    return cell_findings(rows, rows.index.isin(twice.index), std.sheet("progress"), "problem_id",
                         "rectification-duplicate", params)


def plausibility(frames, std: Standard) -> list[Finding]:
    """核实性 warnings: no evidence, no measures, completed after the deadline, status gone back."""
    rows, m = frames["progress"], _matched(frames)
    sheet = std.sheet("progress")
    done, doing = std.rectified_status, std.enum_values("rectification_status")[1]
    status = {"status": sheet.header("status"), "rectified": done}
    out = cell_findings(rows, (rows["status"] == done) & rows["evidence"].isna(), sheet, "evidence",
                        "rectified-without-evidence", status)
    out += cell_findings(rows, rows["status"].isin([doing, done]) & rows["measures"].isna(), sheet, "measures",
                         "rectified-without-measures",
                         lambda r: {"status": sheet.header("status"), "status_value": r["status"]})
    out += cell_findings(rows, rows["rectified_on"] > m["p_deadline"], sheet, "rectified_on",
                         "rectified-after-deadline", lambda r: {"deadline": fmt_value(m.loc[r.name, "p_deadline"])})
    back = (m["p_status"] == done) & rows["status"].isin(std.enum_values("rectification_status")) \
        & (rows["status"] != done) & (m["p_org"] == rows["org"])
    out += cell_findings(rows, back, sheet, "status", "return-status-regressed",
                         {"round_workbook": std.workbook("round").name, "rectified": done})
    return out


def _same(returned, expected, col_type: str) -> bool:
    """Whether a pre-filled cell still says what the round workbook says (dates compared as dates)."""
    if col_type == "date":
        day, blank, _ = date_value(returned)
        if blank:
            return pd.isna(expected)
        return day is not None and not pd.isna(expected) and pd.Timestamp(day) == pd.Timestamp(expected)
    if returned is None or pd.isna(returned):
        return expected is None or pd.isna(expected)
    return not pd.isna(expected) and str(returned).strip() == str(expected).strip()


def prefill_changed(frames, std: Standard) -> list[Finding]:
    """A pre-filled cell that differs from the round workbook (warning; the workbook's value is used)."""
    rows, m = frames["progress"], _matched(frames)
    sheet, problems = std.sheet("progress"), std.sheet("problems")
    known = m["p_org"].notna() & (m["p_org"] == rows["org"])
    out = []
    for col_id in PREFILLED_COMPARED:
        kind = problems.column(col_id).type
        changed = known & pd.Series([not _same(a, b, kind) for a, b in zip(rows[col_id], m[f"p_{col_id}"])],
                                    index=rows.index, dtype=bool)
        out += cell_findings(rows, changed, sheet, col_id, "rectification-prefill-changed",
                             lambda r, c=col_id: {"round_workbook": std.workbook("round").name,
                                                  "expected": fmt_value(m.loc[r.name, f"p_{c}"])})
    return out


def returns_findings(frames: dict[str, pd.DataFrame], earlier: list[Finding], std: Standard) -> list[Finding]:
    """Every check of the returned 整改进展表 (the frames are not changed)."""
    if frames["progress"].empty:
        return []
    reported = {(f.file, f.sheet, f.row, f.column) for f in earlier if f.is_error}
    return (unknown_problems(frames, std) + date_findings(frames, reported, std) + duplicates(frames, std)
            + plausibility(frames, std) + prefill_changed(frames, std))
