"""Completion: the frames the statistics read, made from the checked frames.

The checks only report; this one explicit step, run after them, decides what
the statistics may use of a cell that was reported or left blank:

- a value outside its enumeration (reported as ``enum-invalid``) is set aside
  (blank), so it is counted nowhere rather than under a made-up heading;
- a 问题类别 outside the taxonomy of its round's 届次 (``problem-category-invalid``)
  is set aside likewise;
- a blank 对象类别 of an inspected organisation takes the registry's category.

The input frames are not changed: a frame that needs completing is copied.
"""

from __future__ import annotations

import pandas as pd

from ..standard import Standard
from .cross import invalid_categories, registry


def _set_aside_enums(frame: pd.DataFrame, sheet_id: str, std: Standard) -> pd.DataFrame:
    """``frame`` with every value outside its column's enumeration blanked."""
    out = frame
    for col in std.sheet(sheet_id).columns:
        if col.type != "enum" or col.enum == "taxonomy" or col.id not in frame:
            continue
        bad = frame[col.id].notna() & ~frame[col.id].isin(std.enum_values(col.enum))
        if bad.any():
            out = out.copy() if out is frame else out
            out.loc[bad, col.id] = None
    return out


def _set_aside_categories(problems: pd.DataFrame, std: Standard) -> pd.DataFrame:
    bad = invalid_categories(problems, std)
    if not bad.any():
        return problems
    out = problems.copy()
    out.loc[bad, "category"] = None
    return out


def _fill_categories(orgs: pd.DataFrame, reg: pd.DataFrame) -> pd.DataFrame:
    """Blank 对象类别 of inspected organisations from the registry."""
    if reg.empty:
        return orgs
    reg_cat = orgs["org"].map(reg["category"])
    fill = orgs["category"].isna() & reg_cat.notna()
    if not fill.any():
        return orgs
    out = orgs.copy()
    out.loc[fill, "category"] = reg_cat[fill]
    return out


def complete(frames: dict[str, pd.DataFrame], std: Standard) -> dict[str, pd.DataFrame]:
    """The frames for the statistics (see the module docstring); ``frames`` is left as it is."""
    out = {sid: _set_aside_enums(frame, sid, std) for sid, frame in frames.items()}
    out["problems"] = _set_aside_categories(out["problems"], std)
    out["round_orgs"] = _fill_categories(out["round_orgs"], registry(out))
    return out
