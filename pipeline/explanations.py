"""Explained warnings (核实说明): the key of a warning, its state, and the run's counts.

An 错误 (强制性) must be fixed; a 警告 (核实性) must be fixed or explained in writing
(office-loop.md §2). ``check/explain`` matches the explanations workbooks to the
warnings and puts the accepted texts on the dataset (``Dataset.explained``: key ->
text); everything that shows how many warnings are explained (console, check report,
leadership workbook, summary drafts, metrics.json) counts them here, in
:class:`CheckCounts`, so every face says the same.

It lives at the top of the package, like ``findings``: read, check and render use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .findings import Finding, sort_findings

if TYPE_CHECKING:
    from .standard import Standard

# Findings about the explanations themselves: warnings that can never be explained
# (the explanation must be corrected or removed instead).
UNEXPLAINABLE = frozenset({"explanation-too-short", "explanation-unmatched", "explanation-for-error"})

EXPLAINED, UNEXPLAINED, NOT_EXPLAINABLE = "已说明", "未说明", "不可说明"  # 状态 in the check report

# The check report's 核实说明 sheet: column ids of the standard's explanations sheet (headers
# from there), the key and 核实说明 first, then 值, 问题说明, 状态 (office-loop.md §2).
EXPLANATION_COLUMNS = ("file", "sheet", "row", "column", "code", "text", "value", "message", "status")

Key = tuple[str, str, int | None, str, str]  # (文件, 工作表, 行, 列, 问题代码)


def explanation_key(f: Finding) -> Key:
    """The key an explanation names to explain ``f``: (文件, 工作表, 行, 列, 问题代码), stripped."""
    return (f.file.strip(), f.sheet.strip(), f.row, f.column.strip(), f.code.strip())


def explainable(f: Finding) -> bool:
    """A warning that a written explanation can settle (not an error, not about an explanation)."""
    return not f.is_error and f.code not in UNEXPLAINABLE


def status(f: Finding, explained: Mapping[Key, str]) -> str:
    """已说明 / 未说明 / 不可说明 of a warning."""
    if not explainable(f):
        return NOT_EXPLAINABLE
    return EXPLAINED if explanation_key(f) in explained else UNEXPLAINED


def explained_findings(findings: Iterable[Finding], explained: Mapping[Key, str]) -> set[Finding]:
    """The warnings of ``findings`` that an accepted 核实说明 settles (状态 已说明)."""
    return {f for f in findings if status(f, explained) == EXPLAINED}


def in_order(findings: Iterable[Finding], explained: Mapping[Key, str], std: Standard | None) -> list[Finding]:
    """``findings`` in the one order (:func:`~pipeline.findings.sort_findings`), given the run's
    accepted 核实说明 ``explained`` and the standard's sheets."""
    findings = list(findings)
    return sort_findings(findings, std, explained_findings(findings, explained))


@dataclass(frozen=True)
class CheckCounts:
    """Findings of a run: errors + warnings = all; explained + unexplained = warnings."""

    errors: int = 0
    warnings: int = 0
    explained: int = 0
    unexplained: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding], explained: Mapping[Key, str]) -> CheckCounts:
        """The counts of ``findings`` given the accepted explanations."""
        findings = list(findings)
        warnings = [f for f in findings if not f.is_error]
        done = sum(1 for f in warnings if explainable(f) and explanation_key(f) in explained)
        return cls(len(findings) - len(warnings), len(warnings), done, len(warnings) - done)

    def line(self) -> str:
        """``错误 N 处，警告 M 处（已说明 A 处，未说明 B 处）`` (console, check report)."""
        return (f"错误 {self.errors} 处，警告 {self.warnings} 处"
                f"（已说明 {self.explained} 处，未说明 {self.unexplained} 处）")

    def as_dict(self) -> dict[str, int]:
        """metrics.json ``checks``."""
        return asdict(self)


def unexplained_notice(counts: CheckCounts, sheet_name: str) -> str:
    """The line atop the leadership workbook while some warning is unexplained ("" when none)."""
    if not counts.unexplained:
        return ""
    return (f"注意：还有 {counts.unexplained} 处核实性问题（警告）未说明，"
            f"请核实后改正或填写核实说明（见校验报告“{sheet_name}”表）。")
