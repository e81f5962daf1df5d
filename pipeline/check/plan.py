"""Checks of the round plan (巡察计划, an optional sheet of the registry), office-loop spec §1.

The row checks (blanks, 巡察类型, 轮次 >= 1, 计划结束日期 not before 计划进驻日期) are
the row rules', in ``rows``; here are the ones that look at other sheets: the 届次 is a
registry term, the organisation a registry unit (closest names suggested, as
everywhere), one row per (届次, 轮次, 被巡察党组织), and the warning for a round
workbook from a group that the plan lacks for a (届次, 轮次) it covers. Without
plan rows nothing here says anything: the plan is optional.
"""

from __future__ import annotations

import pandas as pd

from ..findings import Finding
from ..standard import Standard
from .cross import _at, _duplicates, _h, _hint, _registry_name, _s, _terms_table, registry

PLAN = "plan"


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose 届次, 轮次 and 巡察组 are all filled (轮次 blank reads as 0)."""
    return frame[frame["term"].notna() & frame["group"].notna() & (frame["round"] > 0)]


def _reference_checks(frames, std: Standard) -> list[Finding]:
    """届次 a registry term; 被巡察党组织 a registry unit."""
    plan, terms, reg = frames[PLAN], _terms_table(frames), registry(frames)
    out = []
    if not terms.empty:
        unknown = plan["term"].notna() & ~plan["term"].isin(terms.index)
        out += _at(frames, std, PLAN, unknown, "term", "term-unknown",
                   lambda r: {"term_header": _h(std, PLAN, "term"), "registry": _registry_name(std),
                              "terms_sheet": _s(std, "terms"), "terms": "、".join(terms.index),
                              "hint": _hint(r["term"], terms.index)})
    if not reg.empty:
        missing = plan["org"].notna() & ~plan["org"].isin(reg.index)
        out += _at(frames, std, PLAN, missing, "org", "org-not-in-registry",
                   lambda r: {"registry": _registry_name(std), "hint": _hint(r["org"], reg.index)})
    return out


def _unplanned_submissions(frames, std: Standard) -> list[Finding]:
    """Warning on the 轮次信息 row of a group the plan lacks for a (届次, 轮次) it covers."""
    plan = _keyed(frames[PLAN])
    if plan.empty:
        return []
    groups = {key: list(dict.fromkeys(g["group"])) for key, g in plan.groupby(["term", "round"], sort=False)}
    planned = set(zip(plan["term"], plan["round"], plan["group"]))
    info = frames["round_info"]
    rows = _keyed(info)
    bad = pd.Series(False, index=info.index)
    bad[rows.index] = [(t, r) in groups and (t, r, g) not in planned
                       for t, r, g in zip(rows["term"], rows["round"], rows["group"])]
    return _at(frames, std, "round_info", bad, "group", "submission-unplanned",
               lambda r: {"term": r["term"], "round": r["round"], "plan_sheet": _s(std, PLAN),
                          "group_header": _h(std, "round_info", "group"),
                          "groups": "、".join(groups[(r["term"], r["round"])]), "registry": _registry_name(std)})


def plan_findings(frames: dict[str, pd.DataFrame], std: Standard) -> list[Finding]:
    """Every cross-sheet check of the 巡察计划 rows (the frames are not changed)."""
    if PLAN not in frames or frames[PLAN].empty:
        return []
    out = _reference_checks(frames, std)
    out += _duplicates(frames, std, PLAN, ["term", "round", "org"], "org", "plan-duplicate")
    out += _unplanned_submissions(frames, std)
    return out
