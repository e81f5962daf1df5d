"""The rectification ledger (整改台账) and its lights, as of a period's end (office-loop.md §3).

The ledger holds every problem found by ``as_of`` (any round, any term), except those
rectified before the period's start. Each gets one state, first match wins:
rectified, overdue (red), due_10 (yellow), due_20 (green), on_track, no_deadline.
The two day limits and the Chinese names of the states are configuration
(``rules.toml`` ``[rectification]``). This module is the one place where "overdue" is
decided: metrics.json ``overdue_problems`` and ``rectification`` both come from here.
A problem's status is the latest word on it as of ``as_of``: its organisation's latest
returned 整改进展表 row by then, else the round workbook (``returns.py``, rectification.md §3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..standard import RectificationLabels, RectificationRules, Standard
from .returns import EVIDENCE, WORD_FILE, ReturnDue, problems_at, return_status
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
    rows: pd.DataFrame  # problem columns (status: the latest word) + word_file, word_filed_on, measures,
    # evidence (stats/returns.py), state, days_overdue, days_left, late (rectified after the deadline)
    has_deadlines: bool  # some problem (of any date) has a 整改时限
    term_order: dict[str, int]
    registry_order: dict[str, int]
    returns: list[ReturnDue] = field(default_factory=list)  # 整改进展报送情况 as of as_of

    @property
    def returns_missing(self) -> list[ReturnDue]:
        """The organisations (per round) that owe a return as of as_of."""
        return [r for r in self.returns if r.owes]

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

    @cached_property
    def loop_counts(self) -> dict[str, int]:
        """The loop's figures (rectification.md §3): rectified late, rectified on a return without
        evidence, returns received and missing."""
        done = self.rows["state"] == "rectified"
        return {"rectified_late": int((done & self.rows["late"]).sum()),
                "without_evidence": int((done & self.rows[WORD_FILE].notna() & self.rows[EVIDENCE].isna()).sum()),
                "returns_received": sum(r.received for r in self.returns),
                "returns_missing": len(self.returns_missing)}

    def metrics(self) -> dict:
        """metrics.json ``rectification`` (office-loop.md §4, rectification.md §3)."""
        return {"as_of": self.as_of.isoformat(), "in_ledger": len(self.rows), **self.counts,
                "rate": self.rate, **self.loop_counts, "overdue_list": self.overdue_list(),
                "returns_missing_list": [{"term": r.term, "round": r.round, "org": r.org,
                                          "deadline": r.earliest.isoformat() if r.earliest else None}
                                         for r in self.returns_missing]}


def build_ledger(frames: Frames, start: dt.date, as_of: dt.date) -> Ledger:
    """The ledger of the period [start, as_of] (start: 1 January, or the 1st of the month)."""
    std, rules = frames.std, frames.std.rules.rectification
    probs = problems_at(frames, as_of, with_source=True)  # the latest word as of as_of
    if "deadline" not in probs:  # the optional column was in no workbook
        probs = probs.assign(deadline=pd.Series(pd.NaT, index=probs.index, dtype="datetime64[us]"))
    closed_before = (probs["status"] == std.rectified_status) & (probs["rectified_on"] < stamp(start))
    rows = probs[(probs["found"] <= stamp(as_of)) & ~closed_before].copy()
    left = (rows["deadline"] - stamp(as_of)).dt.days
    rows["state"] = _states(rows, left, std, rules, as_of)
    rows["days_overdue"] = (-left).where(rows["state"] == "overdue").astype("Int64")
    rows["days_left"] = left.where(rows["state"].isin(("due_10", "due_20", "on_track"))).astype("Int64")
    rows["late"] = (rows["state"] == "rectified") & (rows["rectified_on"] > rows["deadline"])
    return Ledger(as_of=as_of, start=start, rules=rules, rows=_sorted(rows, frames),
                  has_deadlines=bool(probs["deadline"].notna().any()),
                  term_order=frames.term_order, registry_order=frames.registry_order,
                  returns=return_status(frames, as_of, rules.return_due_days))
