"""Checks of the 文稿措辞 workbook (periods.md §4): the office's own text of the drafts' phrases.

An 编号 that names no phrase of the standard is a warning (``wording-unknown``: the row is not
used); a 本单位措辞 with braces or over the standard's length limit is an error
(``wording-invalid``: the drafts would say something the office did not mean). Two such
workbooks are the generic count check's ``wording-duplicate`` (check/cross.workbook_counts).
"""

from __future__ import annotations

from ..findings import Finding
from ..read.normalize import cell_findings
from ..standard import Standard

SHEET = "wording"


def wording_findings(frames, std: Standard) -> list[Finding]:
    """``wording-unknown`` on each unknown 编号, ``wording-invalid`` on each unusable 本单位措辞."""
    frame = frames.get(SHEET)
    if frame is None or frame.empty:
        return []
    sheet, known = std.sheet(SHEET), [p.key for p in std.phrases]
    out = cell_findings(frame, frame["key"].notna() & ~frame["key"].isin(known), sheet, "key", "wording-unknown",
                        {"workbook": std.workbook(SHEET).file, "keys": "、".join(known)})
    problems = frame["custom"].map(lambda text: std.phrase_problem(text) if isinstance(text, str) else None)
    for variant in ("braces", "long"):
        out += cell_findings(frame, problems == variant, sheet, "custom", "wording-invalid",
                             lambda row, v=variant: {"variant": v, "length": len(row["custom"]),
                                                     "limit": std.phrase_max_chars})
    return out
