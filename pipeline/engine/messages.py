"""The lines a run tells its user (Chinese), the same on the console and on the workbench's pages.

The engine hands them to the face's ``notify`` callback; it never prints.
"""

from __future__ import annotations

from collections.abc import Callable

from ..explanations import EXPLAINED
from ..explanations import status as explanation_status
from ..findings import Finding
from ..model import Dataset

Notify = Callable[[str], None]

FIRST_FINDINGS_SHOWN = 10


def quiet(_line: str) -> None:
    """A ``notify`` that drops every line."""


def finding_line(f: Finding, state: str = "") -> str:
    """One finding as the console lists it: ``  [警告] 文件，工作表，第N行，列：说明（问题代码 …）``;
    ``state`` EXPLAINED marks an explained warning."""
    where = "，".join(x for x in (f.file, f.sheet, f"第{f.row}行" if f.row else "", f.column) if x)
    level = f"{f.level.value}·{EXPLAINED}" if state == EXPLAINED else f.level.value
    return f"  [{level}] {where}：{f.message}（问题代码 {f.code}）"


def summary_lines(ds: Dataset, report, skipped_what: str = "非填报工作簿或临时文件",
                  skipped_shown: int = FIRST_FINDINGS_SHOWN, read_what: str = "工作簿") -> list[str]:
    """What was read and found: counts, skipped files, the first findings, where the report is."""
    lines = [f"读取{read_what} {len(ds.sources)} 份；{ds.counts.line()}。"]
    if ds.skipped:
        lines.append(f"跳过 {len(ds.skipped)} 个文件（{skipped_what}）：")
        lines += [f"  {item.path}：{item.reason}" for item in ds.skipped[:skipped_shown]]
        if len(ds.skipped) > skipped_shown:
            lines.append(f"  ……其余 {len(ds.skipped) - skipped_shown} 个见校验报告。")
    # The first lines shown are the errors, then the warnings still to explain, then the explained
    # ones (marked): each group in the one order of findings (the dataset's, findings.sort_findings).
    state = {f: explanation_status(f, ds.explained) for f in ds.findings if not f.is_error}
    shown = sorted(ds.findings, key=lambda f: (not f.is_error, state.get(f) == EXPLAINED))  # stable
    lines += [finding_line(f, state.get(f, "")) for f in shown[:FIRST_FINDINGS_SHOWN]]
    if len(shown) > FIRST_FINDINGS_SHOWN:
        lines.append(f"  ……其余 {len(shown) - FIRST_FINDINGS_SHOWN} 处见校验报告。")
    if report is not None:
        lines.append(f"校验报告：{report}")
    return lines


def tell(notify: Notify, lines: list[str]) -> None:
    """Each line to ``notify``."""
    for line in lines:
        notify(line)
