"""Validation: raw reads -> typed frames and every finding about them.

``load`` runs ``normalise`` per chunk of files (in worker processes when
there are many) and ``check`` once on the combined frames. Order matters:
cells are converted first (unparseable cells reported once,
by ``normalize``); blank 巡察组 cells inherit their file's only group; each
round row gets its 届次/轮次; then pandera checks every sheet
(``checks_rows``), then the cross-sheet and cross-workbook checks
(``checks_cross``).
"""

from __future__ import annotations

import pandas as pd

from .cross import cross_findings
from .rows import row_findings
from ..model import Finding
from ..read.normalize import attach_rounds, inherit_group, raw_frames, typed_frames
from ..read.workbook import FileRead

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


def normalise(reads: list[FileRead]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], list[Finding]]:
    """Typed frames, blank-cell masks and conversion findings of some files (a chunk or all)."""
    return typed_frames(raw_frames(reads))


def check(frames: dict[str, pd.DataFrame], blanks: dict[str, pd.DataFrame], findings: list[Finding],
          reads: list[FileRead]) -> list[Finding]:
    """Complete the frames of ALL files (groups, terms, rounds) and run every check on them.

    ``findings`` are the conversion findings (their cells are not reported twice).
    """
    inherit_group(frames, blanks)
    attach_rounds(frames)
    return row_findings(frames, blanks, findings) + cross_findings(frames, reads)


def validate(reads: list[FileRead]) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Typed frames (contract in model.py) and the findings of every check, in one process."""
    frames, blanks, findings = normalise(reads)
    return frames, findings + check(frames, blanks, findings, reads)
