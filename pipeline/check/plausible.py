"""核实性 checks: what is odd but may be right, to be fixed or explained (office-loop.md §2).

- ``clue-no-people``: a clue with 涉及党员干部 and 涉及其他人员 both 0 or blank;
- ``group-no-work`` / ``group-no-problems``: a group whose 结束日期 is filled and that
  has no 工作量 / 发现问题 row at all in its workbook.

Rows or sheets already reported as errors are left alone (a count that could not be
read is 0 in the typed frame; a missing sheet has no rows): one problem, one finding.
"""

from __future__ import annotations

import pandas as pd

from ..findings import Finding
from ..read.normalize import cell_findings, fmt_value
from ..read.workbook import FileRead
from ..standard import Standard


def clue_no_people(frames: dict[str, pd.DataFrame], earlier: list[Finding], std: Standard) -> list[Finding]:
    """Clues naming nobody: both head counts 0 or blank (blank reads as 0)."""
    clues, sheet = frames["clues"], std.sheet("clues")
    if clues.empty:
        return []
    bad = {(f.file, f.sheet, f.row) for f in earlier if f.is_error and f.row}
    reported = pd.Series([(p, s, int(r)) in bad for p, s, r in
                          zip(clues["source_file"], clues["source_sheet"], clues["source_row"])],
                         index=clues.index, dtype=bool)
    nobody = (clues["cadres"] == 0) & (clues["others"] == 0) & ~reported
    return cell_findings(clues, nobody, sheet, "cadres", "clue-no-people",
                         {"others_header": sheet.header("others")})


def _has_sheet(reads: list[FileRead], sheet_id: str) -> set[str]:
    """Files in which ``sheet_id`` was found and its header read."""
    return {fr.path for fr in reads for s in fr.sheets if s.sheet_id == sheet_id}


def _groups_without(frames, reads: list[FileRead], std: Standard, sheet_id: str, code: str) -> list[Finding]:
    """Finished groups (结束日期 filled) with no row of ``sheet_id`` in their workbook."""
    info = frames["round_info"]
    rows = frames[sheet_id].dropna(subset=["group"])
    have = pd.MultiIndex.from_frame(rows[["source_file", "group"]]) if not rows.empty else None
    keys = pd.MultiIndex.from_frame(info[["source_file", "group"]])
    present = keys.isin(have) if have is not None else [False] * len(info)
    lacking = (info["end"].notna() & info["group"].notna() & ~pd.Series(present, index=info.index)
               & info["source_file"].isin(_has_sheet(reads, sheet_id)))
    sheet = std.sheet("round_info")
    return cell_findings(info, lacking, sheet, "group", code,
                         lambda r: {"end_header": sheet.header("end"), "end": fmt_value(r["end"]),
                                    "sheet_name": std.sheet(sheet_id).name})


def plausibility_findings(frames: dict[str, pd.DataFrame], reads: list[FileRead], earlier: list[Finding],
                          std: Standard) -> list[Finding]:
    """Every 核实性 check of this module (the frames are not changed)."""
    return (clue_no_people(frames, earlier, std)
            + _groups_without(frames, reads, std, "workload", "group-no-work")
            + _groups_without(frames, reads, std, "problems", "group-no-problems"))
