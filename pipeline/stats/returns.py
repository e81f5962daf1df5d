"""The organisations' own word on their rectification (spec rectification.md §3, §4).

Each inspected organisation returns 整改进展表 rows, one per problem, each dated by its 填报日期.
As of a day, a problem's status and completion date are those of its latest returned row with
填报日期 on or before that day (so a past period's figures never change when later returns
arrive); without one, the round workbook's. That word is used wherever a problem's status is:
the ledger (``ledger.py``), the period's figures (``figures.py``) and the whole-round summaries.

Who owes a return (整改进展报送情况): as of a day, an organisation owes one for a round when a
problem of that round, not rectified by then in the round workbook, has its 整改时限 within
``return_due_days`` of the day (rules.toml), and no return for that round is dated by then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .selection import Frames, stamp, to_date

KEY = ["term", "round", "problem_id"]
PAIR = ["term", "round", "org"]  # an organisation in a round: who returns one 整改进展表
# What a problem carries from its latest returned row (None / NaT when the round workbook speaks):
WORD_FILE, WORD_FILED_ON, MEASURES, EVIDENCE = "word_file", "word_filed_on", "measures", "evidence"


def latest_words(frames: Frames, as_of: dt.date) -> pd.DataFrame:
    """The returned rows that are the latest word on their problem as of ``as_of``: one per problem."""
    rows = frames.progress
    if rows.empty:
        return rows
    dated = rows[rows["filed_on"].notna() & (rows["filed_on"] <= stamp(as_of)) & rows["status"].notna()]
    ordered = dated.sort_values(["filed_on", "source_file", "source_row"], kind="stable")
    return ordered.drop_duplicates(KEY, keep="last")


def problems_at(frames: Frames, as_of: dt.date, with_source: bool = False) -> pd.DataFrame:
    """The problems with each one's status and 整改完成日期 as of ``as_of`` (the latest word).

    ``with_source`` adds where the word comes from (``word_file``, ``word_filed_on``: blank when it
    is the round workbook's) and the return's 整改措施 and 佐证材料; without it, and with no return
    dated by ``as_of``, the problems frame itself is returned (no copy)."""
    probs = frames.problems
    words = latest_words(frames, as_of)
    if words.empty and not with_source:
        return probs
    cols = {"status": "_status", "rectified_on": "_done", "source_file": WORD_FILE, "filed_on": WORD_FILED_ON,
            "measures": MEASURES, "evidence": EVIDENCE}
    said = words[[*KEY, "org", *cols]].rename(columns=cols)
    merged = probs[[*KEY, "org"]].merge(said, how="left", on=[*KEY, "org"])
    merged.index = probs.index
    has = merged[WORD_FILED_ON].notna()
    out = probs.assign(**{WORD_FILE: merged[WORD_FILE].astype(object).where(has, None),
                          WORD_FILED_ON: merged[WORD_FILED_ON],
                          MEASURES: merged[MEASURES].astype(object).where(has, None),
                          EVIDENCE: merged[EVIDENCE].astype(object).where(has, None)})
    if has.any():
        out["status"] = probs["status"].astype(object).where(~has, merged["_status"])
        out["rectified_on"] = probs["rectified_on"].where(~has, merged["_done"])
    return out


def word_map(frames: Frames, as_of: dt.date) -> dict[tuple, tuple]:
    """(届次, 轮次, 问题编号) -> (整改状态, 整改完成日期 as a date or None) of every problem whose latest
    word as of ``as_of`` is a return (the whole-round summaries read plain dicts)."""
    words = latest_words(frames, as_of)
    return {(t, int(r), str(p)): (s, to_date(d)) for t, r, p, s, d in
            words[[*KEY, "status", "rectified_on"]].itertuples(index=False)}


@dataclass(frozen=True)
class ReturnDue:
    """One organisation in one round in the table 整改进展报送情况: it owes a return, or sent one."""

    term: str
    round: int
    org: str
    open: int  # its problems of the round not rectified as of the day (the latest word)
    earliest: dt.date | None  # the earliest 整改时限 among them
    received: bool  # a return for the round dated by the day
    filed_on: dt.date | None  # the latest 填报日期 of its returns by the day

    @property
    def owes(self) -> bool:
        """Due and not received (received pairs are listed whether they were due or not)."""
        return not self.received


def _open(problems: pd.DataFrame, done: str, as_of: dt.date) -> pd.Series:
    return ~((problems["status"] == done) & (problems["rectified_on"] <= stamp(as_of)))


def return_status(frames: Frames, as_of: dt.date, due_days: int) -> list[ReturnDue]:
    """整改进展报送情况 as of ``as_of``: each (届次, 轮次, 被巡察党组织) that owes a return or has sent
    one; by 届次, 轮次, then registry order."""
    done = frames.std.rectified_status
    found = frames.problems[frames.problems["found"] <= stamp(as_of)]
    due_by = stamp(as_of + dt.timedelta(days=due_days))
    due = found[_open(found, done, as_of) & found["deadline"].notna() & (found["deadline"] <= due_by)]
    rets = frames.progress
    rets = rets[rets["filed_on"].notna() & (rets["filed_on"] <= stamp(as_of))]
    last = {(t, int(r), o): to_date(d) for (t, r, o), d in rets.groupby(PAIR)["filed_on"].max().items()}
    pairs = {(t, int(r), o) for t, r, o in due[PAIR].itertuples(index=False)} | set(last)
    now = problems_at(frames, as_of)
    now = now[(now["found"] <= stamp(as_of)) & _open(now, done, as_of)]
    still = {(t, int(r), o): part for (t, r, o), part in now.groupby(PAIR)} if pairs else {}
    out = []
    for key in pairs:
        part = still.get(key)
        earliest = None if part is None or part["deadline"].isna().all() else to_date(part["deadline"].min())
        out.append(ReturnDue(*key, open=0 if part is None else len(part), earliest=earliest,
                             received=key in last, filed_on=last.get(key)))
    terms, orgs = frames.term_order, frames.registry_order
    return sorted(out, key=lambda d: (terms.get(d.term, len(terms)), d.term, d.round,
                                      orgs.get(d.org, len(orgs)), d.org))
