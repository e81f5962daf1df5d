"""Matching the explanations (核实说明) to the run's warnings (office-loop.md §2).

An explanation row names a finding by (文件, 工作表, 行, 列, 问题代码), cells stripped
and 行 read as a whole number (``12``, ``12.0``, ``"12"``). It explains the warning with
that key when its text is accepted: not shorter than ``[explanations] min_length`` and
not, stripped of spaces and punctuation, a bare confirmation (both in rules.toml).
Several explanations of one warning: explained when any is accepted, the accepted
texts joined in file order. An explanation that names no finding, or an error, or
is not accepted, gets a warning on its own row (those warnings cannot be explained).
An explanation of one of those warnings is ignored: their 状态 says 不可说明.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from ..explanations import UNEXPLAINABLE, Key, explanation_key
from ..findings import Finding, finding
from ..standard import Standard

SHEET = "explanations"  # sheet id in schemas/standard.toml
JOIN = "\n"  # between the accepted texts of one warning
_WHOLE = re.compile(r"[+]?\d+(?:\.0*)?")


def whole_row(value) -> int | str | None:
    """行 as a whole number; blank -> None; anything else stays text (it matches no finding)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return int(float(text)) if _WHOLE.fullmatch(text) else text


def min_length(std: Standard) -> int:
    """The shortest 核实说明 accepted (rules.toml ``[explanations] min_length``)."""
    return std.rules.explanations.min_length


def _bare(text: str) -> str:
    """``text`` without spaces and punctuation: ``经核实，无误。`` -> ``经核实无误``."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PZ")


def _target(key: tuple) -> str:
    """The named finding as the user reads it: ``a.xlsx，问题线索，第3行，涉及党员干部（人），clue-no-people``."""
    file, sheet, row, column, code = key
    return "，".join(str(x) for x in (file, sheet, f"第{row}行" if row is not None else "", column, code) if x)


def _rejection(text: str, min_length: int, bare: set[str]) -> dict | None:
    """The explanation-too-short parameters when ``text`` is not accepted, else None."""
    if len(text) < min_length:
        return {"variant": "short", "length": len(text), "min_length": min_length}
    if _bare(text) in bare:
        return {"variant": "bare"}
    return None


def row_key(row) -> Key:
    """The warning an explanation row names (a frame row or a dict by column id): (文件, 工作表,
    行 as a whole number, 列, 问题代码), cells stripped. The one reading of the key, for the run
    and for the workbench's own explanations file."""
    text = lambda cid: str(row.get(cid) or "").strip()  # noqa: E731
    return (text("file"), text("sheet"), whole_row(row.get("row")), text("column"), text("code"))


def _rows(frame: pd.DataFrame) -> Iterable[tuple[Key, str, pd.Series]]:
    """(key, stripped text, row) of every explanation with a text, in file order."""
    for _, row in frame.iterrows():
        text = (row["text"] or "").strip()
        if text:
            yield row_key(row), text, row


def explanation_rows(frame: pd.DataFrame | None) -> dict[tuple[str, int], Key]:
    """(file, Excel row) of every explanation with a text -> the key of the warning it names
    (the workbench shows a finding about an explanation next to the warning it explains)."""
    if frame is None or frame.empty:
        return {}
    return {(row["source_file"], int(row["source_row"])): key for key, _text, row in _rows(frame)}


def match_explanations(frame: pd.DataFrame | None, findings: list[Finding],
                       std: Standard) -> tuple[dict[Key, str], list[Finding]]:
    """(accepted text by warning key, findings about the explanations) of the explanations ``frame``."""
    if frame is None or frame.empty:
        return {}, []
    shortest = min_length(std)
    bare = {_bare(t) for t in std.rules.explanations.bare_confirmations}
    by_key = {explanation_key(f): f for f in findings}
    header = std.sheet(SHEET).header("text")
    accepted: dict[Key, list[str]] = {}
    out = []
    for key, text, row in _rows(frame):
        where = {"file": row["source_file"], "sheet": row["source_sheet"], "row": int(row["source_row"]),
                 "column": header, "value": text}
        target = by_key.get(key)
        if target is None:
            out.append(finding("explanation-unmatched", **where, target=_target(key)))
        elif target.is_error:
            out.append(finding("explanation-for-error", **where, target=_target(key)))
        elif target.code in UNEXPLAINABLE:
            continue
        elif (rejected := _rejection(text, shortest, bare)) is not None:
            out.append(finding("explanation-too-short", **where, **rejected))
        elif text not in accepted.setdefault(key, []):
            accepted[key].append(text)
    return {key: JOIN.join(texts) for key, texts in accepted.items() if texts}, out
