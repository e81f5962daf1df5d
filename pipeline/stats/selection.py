"""The rows the statistics work on: typed frames made safe, and the rows dated in a period.

Every statistic starts from :class:`Frames`, built once per report from the
:class:`~pipeline.model.Dataset`. Building it drops every column the standard
marks ``confidential`` (线索摘要) and the clue sheet's other free text, so no
later stage can copy them into an output even by mistake.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from functools import cached_property

import pandas as pd

from ..model import Dataset
from ..read.normalize import PROVENANCE
from ..standard import Standard

# The clue sheet reaches the statistics only through these columns (counts and categories).
CLUE_COLUMNS_KEPT = ("group", "org", "found", "cadres", "others", "transferred_to",
                     "disposition", "term", "round", *PROVENANCE)


def work_keys(std: Standard) -> tuple[str, ...]:
    """Ids of the 工作量 count columns (visits_received … field_visits), in sheet order."""
    return tuple(c.id for c in std.sheet("workload").columns if c.type == "count")


def yes_value(std: Standard) -> str:
    """The 立行立改 value meaning yes (the yes_no enumeration lists yes first)."""
    return std.enum_values("yes_no")[0]


def statuses(std: Standard) -> tuple[str, ...]:
    """整改状态 values; the standard lists them from not started to done."""
    return std.enum_values("rectification_status")


def to_date(value) -> dt.date | None:
    """A frame cell as a ``date`` (None when blank)."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def stamp(day: dt.date) -> pd.Timestamp:
    """A date as a pandas timestamp for comparisons with datetime64 columns."""
    return pd.Timestamp(day)


def dated_between(df: pd.DataFrame, column: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Rows whose ``column`` date lies in [start, end] (blank dates never do)."""
    dates = df[column]
    return df[(dates >= stamp(start)) & (dates <= stamp(end))]


def _empty(sheet_id: str, std: Standard) -> pd.DataFrame:
    """An empty frame with the columns a loaded sheet would have."""
    cols = [c.id for c in std.sheet(sheet_id).columns] + list(PROVENANCE)
    if sheet_id in std.round_sheets:
        cols += ["term", "round"]
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    for col in std.sheet(sheet_id).columns:
        if col.type == "date":
            frame[col.id] = pd.Series([], dtype="datetime64[us]")
        elif col.type in ("count", "year"):
            frame[col.id] = pd.Series([], dtype="int64")
    return frame


def _clean(ds: Dataset, sheet_id: str, std: Standard) -> pd.DataFrame:
    """A copy of one typed frame, without confidential columns, enum blanks defaulted."""
    frame = ds.tables.get(sheet_id)
    if frame is None or frame.empty:
        frame = _empty(sheet_id, std)
    sheet = std.sheet(sheet_id)
    frame = frame.drop(columns=[c.id for c in sheet.columns if c.confidential and c.id in frame])
    if sheet_id == "clues":
        frame = frame[[c for c in CLUE_COLUMNS_KEPT if c in frame]]
    frame = frame.copy()
    for col in sheet.columns:
        if col.id not in frame:
            continue
        if col.type == "enum" and col.default:
            frame[col.id] = frame[col.id].astype(object).where(frame[col.id].notna(), col.default)
        elif col.type == "date":
            frame[col.id] = pd.to_datetime(frame[col.id])
        elif col.type in ("count", "year"):
            frame[col.id] = frame[col.id].fillna(0).astype("int64")
    return frame.reset_index(drop=True)


def cell_list(values: pd.Series) -> list:
    """A frame column as a plain list: dates as ``date`` or None, other blanks None
    (vectorised: numpy turns NaT into None when casting days to objects)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy(dtype="datetime64[D]").astype(object).tolist()
    if pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values.tolist()
    arr = values.to_numpy(dtype=object)
    mask = pd.isna(arr)
    if mask.any():
        arr = arr.copy()
        arr[mask] = None
    return arr.tolist()


def records(df: pd.DataFrame) -> list[dict]:
    """The rows of a frame as dicts: dates as ``date`` or None, other blanks None."""
    columns = {col: cell_list(df[col]) for col in df.columns}
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _round_types(round_orgs: pd.DataFrame, round_info: pd.DataFrame) -> pd.Series:
    """巡察类型 of each 巡察对象 row: that of the 轮次信息 row of the same file and group."""
    lookup = {(f, g): t for f, g, t in
              round_info[["source_file", "group", "type"]].itertuples(index=False)}
    by_key = {(t, r, g): ty for t, r, g, ty in
              round_info[["term", "round", "group", "type"]].itertuples(index=False)}
    return pd.Series(
        [lookup.get((f, g), by_key.get((t, r, g))) for f, g, t, r in
         round_orgs[["source_file", "group", "term", "round"]].itertuples(index=False)],
        index=round_orgs.index, dtype=object)


def _summary_columns(sheet_id: str, std: Standard) -> tuple[str, ...] | None:
    """Columns of a round sheet that the whole-round summaries (rounds.py) read; None: all."""
    return {"round_orgs": ("org", "category", "grade"), "workload": work_keys(std),
            "problems": ("problem_id", "category", "fixed_on_spot", "status", "rectified_on"),
            "clues": ("cadres", "others", "transferred_to")}.get(sheet_id)


@dataclass
class Frames:
    """The typed frames the statistics use, confidential text already removed."""

    terms: pd.DataFrame
    units: pd.DataFrame
    round_info: pd.DataFrame
    round_orgs: pd.DataFrame  # with ``type`` (the group's 巡察类型) added
    workload: pd.DataFrame
    problems: pd.DataFrame
    clues: pd.DataFrame
    plan: pd.DataFrame  # 巡察计划 (optional sheet of the registry): empty when not filled
    progress: pd.DataFrame  # the returned 整改进展表 rows (stats/returns.py): empty when none
    std: Standard = field(repr=False)  # the standard the frames follow (labels, enumerations)

    @classmethod
    def from_dataset(cls, ds: Dataset, std: Standard) -> Frames:
        """Clean every sheet the statistics need."""
        t = {sheet_id: _clean(ds, sheet_id, std) for sheet_id in _SHEETS}
        t["round_info"] = t["round_info"].drop_duplicates(["term", "round", "group"])
        t["round_orgs"]["type"] = _round_types(t["round_orgs"], t["round_info"])
        return cls(**t, std=std)

    @cached_property
    def round_records(self) -> dict[str, dict[tuple[str, int], list[dict]]]:
        """Rows of 轮次信息 and the round sheets as plain dicts, split by (届次, 轮次), once.

        Dates become ``date`` or None and blanks None: whole-round summaries then run in
        plain Python, which is much faster than pandas on thousands of tiny groups.
        """
        out: dict[str, dict[tuple[str, int], list[dict]]] = {}
        for sheet_id in ("round_info", *self.std.round_sheets):
            frame = getattr(self, sheet_id)
            wanted = _summary_columns(sheet_id, self.std)
            if wanted is not None:  # the big sheets: only what the summaries read
                frame = frame[["term", "round", *(c for c in wanted if c in frame.columns)]]
            split: dict[tuple[str, int], list[dict]] = {}
            for row in records(frame):
                split.setdefault((row["term"], int(row["round"])), []).append(row)
            out[sheet_id] = split
        return out

    def dated(self, sheet_id: str, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Rows of a round sheet that count in [start, end] by the period rules (its ``period_date``)."""
        return dated_between(getattr(self, sheet_id), self.std.sheet(sheet_id).period_date, start, end)

    def has_rows(self, start: dt.date, end: dt.date) -> bool:
        """Whether any 巡察对象/工作量/发现问题/问题线索 row is dated in [start, end]."""
        return any(len(self.dated(s, start, end)) for s in self.std.round_sheets)

    @cached_property
    def registry_order(self) -> dict[str, int]:
        """Registry row position of each unit name."""
        return {name: i for i, name in enumerate(self.units["name"])}

    @cached_property
    def registry_category(self) -> dict[str, str]:
        """对象类别 of each registry unit."""
        return dict(zip(self.units["name"], self.units["category"], strict=True))

    @cached_property
    def registry_township(self) -> dict[str, str | None]:
        """所属乡镇 of each registry unit (None when blank)."""
        return {n: (None if pd.isna(t) else t)
                for n, t in zip(self.units["name"], self.units["township"], strict=True)}

    @cached_property
    def term_order(self) -> dict[str, int]:
        """Position of each 届次 by its start date (for ordering rounds)."""
        terms = self.terms.sort_values("start", kind="stable")
        return {name: i for i, name in enumerate(terms["term"])}


    def group_rank(self, term: str, rnd: int, group: str) -> tuple:
        """Sort key of a (届次, 轮次, 巡察组): term in registry order, round as a number, group by
        the number in its name (第二 before 第十), then as text."""
        rank = self.term_order
        return (rank.get(term, len(rank)), term, int(rnd), group_sort_key(group))


# The sheets a Frames holds (its frame fields), read from the dataset by ``from_dataset``.
_SHEETS = tuple(f.name for f in fields(Frames) if f.name != "std")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(text: str) -> int:
    """Value of a Chinese numeral up to 99 (一, 十, 十二, 二十三)."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def group_sort_key(name: str) -> tuple:
    """Order 巡察组 names by their number: 第二巡察组 before 第十巡察组."""
    name = str(name)
    m = re.search(r"\d+|[零〇一二两三四五六七八九十]+", name)
    if not m:
        return (1, 0, name)
    text = m.group()
    try:
        number = int(text) if text.isdigit() else _cn_number(text)
    except (KeyError, ValueError):
        return (1, 0, name)
    return (0, number, name)
