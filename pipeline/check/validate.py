"""Checking: every finding about the typed frames, then the completed frames.

``read.load`` converts the cells per chunk of files (in worker processes when
there are many; unparseable cells are reported once, by ``read.normalize``),
gives blank 巡察组 cells their file's only group and each round row its
届次/轮次, then calls ``check`` once on the combined frames: pandera checks every
sheet (``rows``), then the cross-sheet and cross-workbook checks (``cross``);
neither changes a frame. ``complete`` makes the frames the statistics read.
"""

from __future__ import annotations

import pandas as pd

from ..model import Finding
from ..read.workbook import FileRead
from ..standard import Standard
from .complete import complete
from .cross import cross_findings
from .rows import row_findings

# Every finding code, with its meaning (for maintainers; users read the messages).
FINDING_CODES = {
    # files and workbooks (discover, read)
    "file-format-unsupported": "warning: a spreadsheet format we cannot read (.et .xlsb .csv ...); file skipped",
    "file-unreadable": "the file cannot be opened: empty, corrupt, truncated or not a workbook",
    "file-encrypted": "the workbook has an opening password",
    "file-too-large": "the file, or its zip parts once unzipped, exceed [reading] max_unzipped_mb (zip bomb guard)",
    "file-compression-suspicious": "a large zip part compresses far more than any real sheet (zip bomb); not read",
    "workbook-unknown": "no recognised set of sheets; the message lists the sheets it has",
    "sheet-missing": "a required sheet of a recognised workbook is missing (or renamed)",
    "header-not-found": "no header row within the first rows of a sheet",
    "column-missing": "a required column is missing from the header row",
    "column-duplicate": "the same standard column appears twice",
    "column-unknown": "warning: a column not in the standard (kept out of the statistics)",
    "formula-no-cached-value": "a formula cell saved without its computed value",
    "cell-error-value": "a cell holding an Excel error value (#DIV/0!, #REF! ...)",
    "total-row": "a hand-made total row (合计); left out, the pipeline adds up the rows itself",
    # cells (normalize)
    "count-invalid": "a count that is not a number (12人, 约10)",
    "count-negative": "a negative count",
    "count-not-integer": "a count with decimals",
    "date-invalid": "a date in no accepted form",
    "date-out-of-range": "a date before 1950 or after 2099",
    "year-invalid": "a year that is not a four-digit year",
    # rows (checks_rows, pandera)
    "required-blank": "a required cell is blank",
    "enum-invalid": "a value not in its enumeration",
    "value-too-small": "轮次 below 1",
    "date-order": "a later date before an earlier one in the same row (error or warning by pair)",
    "rectified-date-missing": "已整改 without 整改完成日期",
    "rectified-date-unexpected": "warning: 整改完成日期 given but the problem is not 已整改",
    # across sheets and workbooks (checks_cross)
    "registry-missing": "no registry workbook",
    "registry-duplicate": "more than one registry workbook (names them all)",
    "term-duplicate": "a term listed twice",
    "term-overlap": "two terms overlap",
    "unit-duplicate": "a registry unit listed twice",
    "township-missing": "a village-level unit without 所属乡镇",
    "township-unknown": "所属乡镇 is not a registry unit of the township category (suggestions)",
    "term-unknown": "a round's 届次 is not a registry term",
    "round-outside-term": "a group's 进驻/结束日期 outside its term",
    "round-info-duplicate": "the same group twice in one workbook's 轮次信息",
    "round-info-empty": "a round workbook with an empty 轮次信息",
    "submission-duplicate": "the same 届次+轮次+巡察组 in two workbooks (names both)",
    "group-not-in-round-info": "a 巡察组 not in its workbook's 轮次信息",
    "org-not-in-registry": "an inspected organisation not in the registry (closest names suggested)",
    "category-mismatch": "对象类别 disagrees with the registry",
    "org-duplicate-in-round": "the same organisation twice in one round (across all its workbooks)",
    "org-not-in-round": "an organisation of 工作量/发现问题/问题线索 not in the round's 巡察对象",
    "problem-id-duplicate": "问题编号 repeated within a round",
    "clue-id-duplicate": "线索编号 repeated within a round",
    "problem-category-invalid": "问题类别 not in the taxonomy of the round's term",
    "team-item-duplicate": "a 队伍建设 item twice in one year",
    "special-work-duplicate": "a 专项工作 row twice (same item and start)",
    "training-duplicate": "warning: a 学习培训 row twice (same date and name)",
    "unit-removed": "warning: a unit inspected after its 撤销日期",
    "unit-not-yet-added": "warning: a unit inspected before its 纳入日期",
    "date-outside-round": "warning: a row dated outside its group's round (after end + slack)",
}


def check(frames: dict[str, pd.DataFrame], blanks: dict[str, pd.DataFrame], earlier: list[Finding],
          reads: list[FileRead], std: Standard) -> tuple[list[Finding], dict[str, pd.DataFrame]]:
    """Every check on the frames of ALL files, then the frames the statistics read.

    ``earlier`` are the reading and conversion findings (their cells are not
    reported twice). The checks only report; ``complete`` then sets aside what
    was reported and fills 对象类别 from the registry, on copies.
    """
    findings = row_findings(frames, blanks, earlier, std) + cross_findings(frames, reads, std)
    return findings, complete(frames, std)
