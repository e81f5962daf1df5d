"""The rectification ledger (整改台账) and its lights, as of a period's end (office-loop.md §3).

The ledger holds every problem found by ``as_of`` (any round, any term), except those
rectified before the period's start. Each gets one state, first match wins:
rectified, overdue (red), due_10 (yellow), due_20 (green), on_track, no_deadline.
The two day limits and the Chinese names of the states are configuration
(``rules.toml`` ``[rectification]``). This module is the one place where "overdue" is
decided: metrics.json ``overdue_problems`` and ``rectification`` both come from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..standard import RectificationLabels, RectificationRules, Standard
from .selection import Frames, group_sort_key, stamp, to_date

# States in rule order (first match wins); also the order of the metrics keys and of the labels.
STATES = tuple(RectificationLabels.model_fields)
# Order of the ledger's rows: red first, rectified last.
DISPLAY_ORDER = ("overdue", "due_10", "due_20", "on_track", "no_deadline", "rectified")


def _states(df: pd.DataFrame, left: pd.Series, std: Standard, rules: RectificationRules,
            as_of: dt.date) -> np.ndarray:
    """The state of each row: the first rule of STATES that matches (``left``: days from as_of
    to 整改时限, NaN without a deadline)."""
    done = (df["status"] == std.rectified_status) & (df["rectified_on"] <= stamp(as_of))
    conditions = [done, left < 0, left <= rules.due_soon_days, left <= rules.warning_days, left.notna()]
    return np.select([c.to_numpy(dtype=bool) for c in conditions], list(STATES[:-1]), default=STATES[-1])


def _sorted(df: pd.DataFrame, frames: Frames) -> pd.DataFrame:
    """Display order: state (red first), 整改时限 (so the longest overdue first), 届次, 轮次, 问题编号."""
    keys = pd.DataFrame({
        "state": df["state"].map({s: i for i, s in enumerate(DISPLAY_ORDER)}),
        "deadline": df["deadline"],
        "term": df["term"].map(frames.term_order).fillna(len(frames.term_order)),
        "term_name": df["term"].astype(str), "round": df["round"].astype(int),
        "problem_id": df["problem_id"].astype(str)}, index=df.index)
    order = keys.sort_values(list(keys.columns), kind="stable", na_position="last").index
    return df.loc[order].reset_index(drop=True)


@dataclass
class Ledger:
    """The ledger as of ``as_of``: one row per problem, in display order, and its tallies."""

    as_of: dt.date
    start: dt.date  # problems rectified before this day are left out
    rules: RectificationRules  # rules.toml [rectification]: the day limits and the states' names
    rows: pd.DataFrame  # problem columns + state, days_overdue, days_left
    has_deadlines: bool  # some problem (of any date) has a 整改时限
    term_order: dict[str, int]
    registry_order: dict[str, int]

    @cached_property
    def counts(self) -> dict[str, int]:
        """Rows per state, in STATES order."""
        tally = self.rows["state"].value_counts()
        return {s: int(tally.get(s, 0)) for s in STATES}

    @property
    def rate(self) -> float | None:
        """rectified / in ledger (None for an empty ledger)."""
        return self.counts["rectified"] / len(self.rows) if len(self.rows) else None

    @property
    def overdue_rows(self) -> pd.DataFrame:
        """The red rows, longest overdue first."""
        return self.rows[self.rows["state"] == "overdue"]

    def overdue_list(self) -> list[dict]:
        """metrics ``overdue_list``: by days overdue (desc), then 届次, 轮次, 巡察组, 问题编号."""
        items = [{"term": r.term, "round": int(r.round), "group": r.group, "org": r.org,
                  "problem_id": str(r.problem_id), "deadline": to_date(r.deadline).isoformat(),
                  "days_overdue": int(r.days_overdue)}
                 for r in self.overdue_rows.itertuples(index=False)]
        last = len(self.term_order)
        return sorted(items, key=lambda x: (-x["days_overdue"], self.term_order.get(x["term"], last),
                                            x["term"], x["round"], group_sort_key(x["group"]),
                                            x["problem_id"]))

    @cached_property
    def by_org(self) -> list[dict]:
        """Per 被巡察党组织: ``org``, ``in_ledger``, each state's count, ``rate``; most overdue
        first, then in registry order."""
        out = []
        for org, part in self.rows.groupby("org", sort=False):
            tally = part["state"].value_counts()
            entry = {"org": org, "in_ledger": len(part), **{s: int(tally.get(s, 0)) for s in STATES}}
            entry["rate"] = entry["rectified"] / entry["in_ledger"]
            out.append(entry)
        last = len(self.registry_order)
        return sorted(out, key=lambda e: (-e["overdue"], self.registry_order.get(e["org"], last), e["org"]))

    def metrics(self) -> dict:
        """metrics.json ``rectification`` (office-loop.md §4)."""
        return {"as_of": self.as_of.isoformat(), "in_ledger": len(self.rows), **self.counts,
                "rate": self.rate, "overdue_list": self.overdue_list()}


def build_ledger(frames: Frames, start: dt.date, as_of: dt.date) -> Ledger:
    """The ledger of the period [start, as_of] (start: 1 January, or the 1st of the month)."""
    std, rules = frames.std, frames.std.rules.rectification
    probs = frames.problems
    if "deadline" not in probs:  # the optional column was in no workbook
        probs = probs.assign(deadline=pd.Series(pd.NaT, index=probs.index, dtype="datetime64[us]"))
    closed_before = (probs["status"] == std.rectified_status) & (probs["rectified_on"] < stamp(start))
    rows = probs[(probs["found"] <= stamp(as_of)) & ~closed_before].copy()
    left = (rows["deadline"] - stamp(as_of)).dt.days
    rows["state"] = _states(rows, left, std, rules, as_of)
    rows["days_overdue"] = (-left).where(rows["state"] == "overdue").astype("Int64")
    rows["days_left"] = left.where(rows["state"].isin(("due_10", "due_20", "on_track"))).astype("Int64")
    return Ledger(as_of=as_of, start=start, rules=rules, rows=_sorted(rows, frames),
                  has_deadlines=bool(probs["deadline"].notna().any()),
                  term_order=frames.term_order, registry_order=frames.registry_order)
