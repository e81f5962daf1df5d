"""Checking: every finding about the typed frames, then the completed frames.

``read.load`` converts the cells per chunk of files (unparseable cells are reported
once, by ``read.normalize``); the engine (``engine/load.py``)
gives blank 巡察组 cells their file's only group and each round row its
届次/轮次, then calls ``check`` once on the combined frames: the row rules check every
sheet (``rows``), then the cross-sheet and cross-workbook checks (``cross``, ``plan``), the
核实性 checks (``plausible``) and those of the returned 整改进展表 (``returns``); none
changes a frame. ``complete`` makes the frames the statistics read.
"""

from __future__ import annotations

import pandas as pd

from ..model import Finding
from ..read.workbook import FileRead
from ..standard import Standard
from .complete import complete
from .cross import cross_findings
from .plan import plan_findings
from .plausible import plausibility_findings
from .returns import returns_findings
from .rows import row_findings
from .wording import wording_findings


def check(frames: dict[str, pd.DataFrame], blanks: dict[str, pd.DataFrame], earlier: list[Finding],
          reads: list[FileRead], std: Standard) -> tuple[list[Finding], dict[str, pd.DataFrame]]:
    """Every check on the frames of ALL files, then the frames the statistics read.

    ``earlier`` are the reading and conversion findings (their cells are not
    reported twice). The checks only report; ``complete`` then sets aside what
    was reported and fills 对象类别 from the registry, on copies.
    """
    findings = row_findings(frames, blanks, earlier, std)
    findings += cross_findings(frames, reads, std)
    findings += plausibility_findings(frames, reads, earlier, std)
    findings += plan_findings(frames, std)
    findings += returns_findings(frames, earlier + findings, std)
    findings += wording_findings(frames, std)
    return findings, complete(frames, std)
