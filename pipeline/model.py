"""The records that flow between the stages: source files, the dataset (findings: ``findings.py``).

Stages: discover -> read -> validate -> aggregate -> render. ``read`` and
``validate`` produce a :class:`Dataset`; ``aggregate`` turns it into figures;
``render`` writes them. Nothing flows backwards.

Typed frames (``Dataset.tables``), one per sheet kind across all workbooks,
keyed by the sheet id of ``schemas/standard.toml``:

- columns are the column ids of the standard (a missing optional column is
  present and empty), plus provenance ``source_file`` (path relative to
  ``--inputs``, with ``/``), ``source_sheet`` (sheet name as in the file) and
  ``source_row`` (the Excel row number the user sees);
- ``date`` columns are ``datetime64`` (NaT when blank); ``count`` and ``year``
  columns are ``int64`` (blank = 0); ``text``/``org``/``enum`` columns are
  Python ``str`` objects or ``None`` when blank (org names normalised; enum
  blanks replaced by the column's default when it has one);
- the round sheets (``round_orgs``, ``workload``, ``problems``, ``clues``)
  also carry ``term`` and ``round`` of their submission, looked up from the
  ``round_info`` row of the same file and 巡察组; ``round_info`` rows are one
  per (file, group).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .explanations import CheckCounts, Key

# re-exported: the findings, their levels and catalogue live in findings.py
from .findings import ERROR, WARNING, Finding, Level  # noqa: F401

if TYPE_CHECKING:  # pandas is imported by the stages that build the frames, not by this module
    import pandas as pd


def excluded_notice(files: list[str], scope: str = "统计") -> str:
    """The line every output shows at its top when --skip-invalid left workbooks out."""
    return f"注意：以下 {len(files)} 份工作簿有错误，未计入{scope}：" + "；".join(files)


@dataclass
class SourceFile:
    """A workbook that was read."""

    path: str  # relative to --inputs, with "/"
    kind: str  # workbook id of the standard: registry / round / office
    sha256: str
    rows: dict[str, int] = field(default_factory=dict)  # sheet name -> data rows
    submissions: list[tuple[str, int, str]] = field(default_factory=list)  # (届次, 轮次, 巡察组)
    valid: bool = True


@dataclass(frozen=True)
class Skipped:
    """A file in --inputs that was not read, and why (shown in the summary)."""

    path: str
    reason: str


@dataclass
class Dataset:
    """Everything read from --inputs: typed frames, provenance and findings."""

    tables: dict[str, pd.DataFrame]
    sources: list[SourceFile]
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)  # 基本情况: item -> content
    excluded: list[str] = field(default_factory=list)  # files left out by --skip-invalid
    explained: dict[Key, str] = field(default_factory=dict)  # warning key -> accepted 核实说明 (check/explain)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def counts(self) -> CheckCounts:
        """Errors, warnings, explained and unexplained warnings of the whole run."""
        return CheckCounts.of(self.findings, self.explained)
