"""The figures of one period (a month, a year, a year-to-date), by the period rules of
the workbook standard and the definitions of outputs.md.

- ``rounds``: rounds active in the period ([进驻日期, 结束日期 or today] overlaps it);
- ``groups``: (round, 巡察组) pairs whose own dates overlap it;
- ``orgs_inspected``: (round, organisation) pairs with 进驻日期 in it;
- work counts: 工作量 rows with 统计日期 in it;
- problems / clues: rows with 发现日期 in it; ``problems_rectified``: of those, 已整改 with
  整改完成日期 on or before the period end, by the latest word at the period end (the
  organisation's latest 整改进展表 dated by then, else the round workbook: ``returns.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..periods import Period
from ..standard import Standard
from .returns import problems_at
from .rounds import span_overlaps
from .selection import Frames, dated_between, stamp, statuses, to_date, work_keys, yes_value

GROUP_KEY = ["term", "round", "group"]


def group_figures(std: Standard) -> list[str]:
    """Keys of the figures counted per (round, group), in order."""
    return ["orgs_inspected", *work_keys(std), "problems", "problems_fixed_on_spot",
            "problems_rectified", "clues", "clue_cadres", "clue_others"]
# Label (not an enum value) for clues whose 移交单位 is blank.
BLANK_TRANSFER = "未填移交单位"


def totals_keys(std: Standard) -> list[str]:
    """Keys of metrics.json ``totals``, in order."""
    return ["rounds", "groups", *group_figures(std)]


@dataclass
class Figures:
    """Everything counted in one period, with the rows behind the counts."""

    period: Period
    totals: dict[str, int]
    problems_by_category: dict[str, int]
    category_rows: list[dict]  # per 问题类别: problems, fixed_on_spot, each status, rate
    problems_by_status: dict[str, int]  # status as of the period end
    clues_by_disposition: dict[str, int]
    clues_by_transfer: list[dict]  # per 移交单位: clues, cadres, others, each 处置情况
    ecology_grades: dict[str, int]
    ungraded: int
    group_rows: list[dict]
    problems: pd.DataFrame = field(repr=False)  # rows counted, + status_at_end, rectified
    orgs: pd.DataFrame = field(repr=False)
    work: pd.DataFrame = field(repr=False)


def group_spans(info: pd.DataFrame) -> pd.DataFrame:
    """One row per (term, round, group): type, leader, start, end, report/feedback dates."""
    return info.drop_duplicates(GROUP_KEY).reset_index(drop=True)


def round_spans(info: pd.DataFrame) -> pd.DataFrame:
    """One row per (term, round): earliest start, latest end (NaT while any group is open)."""
    if info.empty:
        return pd.DataFrame(columns=["term", "round", "start", "end"])
    groups = info.assign(_open=info["end"].isna()).groupby(["term", "round"], sort=False)
    spans = pd.DataFrame({"start": groups["start"].min(), "end": groups["end"].max()})
    spans.loc[groups["_open"].any(), "end"] = pd.NaT
    return spans.reset_index()[["term", "round", "start", "end"]]


def count_active(spans: pd.DataFrame, period: Period, today: dt.date) -> int:
    """How many spans ([start, end or today]) overlap the period."""
    return sum(span_overlaps(to_date(s), to_date(e), period.start, period.end, today)
               for s, e in spans[["start", "end"]].itertuples(index=False))


def with_status_at_end(problems: pd.DataFrame, end: dt.date, std: Standard) -> pd.DataFrame:
    """Add ``rectified`` (已整改 by ``end``) and ``status_at_end``.

    A problem recorded 已整改 with a later 整改完成日期 was still being rectified at ``end``,
    so it counts as 整改中 then (the middle status of the standard).
    """
    done = std.rectified_status
    rectified = (problems["status"] == done) & (problems["rectified_on"] <= stamp(end))
    later = (problems["status"] == done) & ~rectified
    status = problems["status"].astype(object).where(~later, statuses(std)[1])
    return problems.assign(rectified=rectified.astype(bool), status_at_end=status)


def _categories(problems: pd.DataFrame, term: str, std: Standard) -> list[str]:
    """Taxonomy of the term, then any other category found in the rows."""
    cats = list(std.taxonomy_for_term(term).categories)
    extra = [c for c in std.all_problem_categories()
             if c not in cats and (problems["category"] == c).any()]
    return cats + extra + sorted(set(problems["category"]) - set(cats) - set(extra))


def _category_rows(problems: pd.DataFrame, term: str, std: Standard) -> list[dict]:
    rows = []
    for cat in _categories(problems, term, std):
        sub = problems[problems["category"] == cat]
        rows.append(_problem_row(cat, sub, std))
    return rows


def _problem_row(label: str, sub: pd.DataFrame, std: Standard) -> dict:
    """problems, fixed_on_spot, rectified, rate and one count per status, for some problems."""
    row = {"label": label, "problems": len(sub),
           "fixed_on_spot": int((sub["fixed_on_spot"] == yes_value(std)).sum()),
           "rectified": int(sub["rectified"].sum())}
    row.update({s: int((sub["status_at_end"] == s).sum()) for s in statuses(std)})
    row["rate"] = row["rectified"] / row["problems"] if row["problems"] else None
    return row


def _clue_rows(clues: pd.DataFrame, std: Standard) -> list[dict]:
    """Clue counts per 移交单位 (then blank 移交单位), with 处置情况 counts."""
    transfers = [*std.enum_values("transfer_to"), BLANK_TRANSFER]
    keyed = clues.assign(_t=clues["transferred_to"].astype(object).where(
        clues["transferred_to"].notna(), BLANK_TRANSFER))
    rows = []
    for t in transfers:
        sub = keyed[keyed["_t"] == t]
        row = {"label": t, "clues": len(sub), "cadres": int(sub["cadres"].sum()),
               "others": int(sub["others"].sum())}
        row.update({d: int((sub["disposition"] == d).sum())
                    for d in std.enum_values("disposition")})
        rows.append(row)
    return rows


def _group_counts(dated: dict, std: Standard) -> dict[tuple, dict]:
    """The period's figures per (term, round, group): one groupby per sheet."""
    out: dict[tuple, dict] = {}

    def add(df: pd.DataFrame, sums: dict[str, str], size: str | None = None) -> None:
        """``sums``: figure -> column summed per group; ``size``: figure counting the rows.
        (Plain ``sum``/``size``: pandas' named aggregation is slower for the same sums.)"""
        if df.empty:
            return
        groups = df.groupby(GROUP_KEY, sort=False)
        table = groups[list(sums.values())].sum().set_axis(list(sums), axis=1)
        if size:
            table[size] = groups.size()
        for key, row in zip(table.index, table.to_dict("records"), strict=True):
            out.setdefault((key[0], int(key[1]), key[2]), {}).update(row)

    probs = dated["problems"]
    add(dated["round_orgs"].drop_duplicates([*GROUP_KEY, "org"]).dropna(subset=["org"]), {},
        size="orgs_inspected")  # distinct organisations per group
    add(dated["workload"], {k: k for k in work_keys(std)})
    add(probs.assign(_fixed=probs["fixed_on_spot"] == yes_value(std)),
        {"problems_fixed_on_spot": "_fixed", "problems_rectified": "rectified"}, size="problems")
    add(dated["clues"], {"clue_cadres": "cadres", "clue_others": "others"}, size="clues")
    return out


def _group_rows(frames: Frames, period: Period, today: dt.date, dated: dict) -> list[dict]:
    """Per (round, group): groups active in the period or having rows dated in it."""
    spans = {(r["term"], int(r["round"]), r["group"]): r
             for r in group_spans(frames.round_info).to_dict("records")}
    counts = _group_counts(dated, frames.std)
    keys = {k for k, r in spans.items() if span_overlaps(to_date(r["start"]), to_date(r["end"]),
                                                       period.start, period.end, today)}
    keys |= set(counts)
    ordered = sorted(keys, key=lambda k: frames.group_rank(*k))
    return [_group_row(k, spans.get(k), counts.get(k, {}), frames.std) for k in ordered]


def _group_row(key: tuple, info: dict | None, counts: dict, std: Standard) -> dict:
    info = info or {}
    leader = info.get("leader")
    row = {"term": key[0], "round": key[1], "group": key[2], "type": info.get("type") or "",
           "leader": leader if isinstance(leader, str) else "",
           "start": to_date(info.get("start")), "end": to_date(info.get("end"))}
    row.update({k: int(counts.get(k, 0)) for k in group_figures(std)})
    return row


def period_figures(frames: Frames, period: Period, term: str, today: dt.date) -> Figures:
    """Count everything of ``period``; ``term`` picks the problem taxonomy shown first."""
    std = frames.std
    dated = {s: frames.dated(s, period.start, period.end) for s in ("round_orgs", "workload", "clues")}
    problems = dated_between(problems_at(frames, period.end), std.sheet("problems").period_date, period.start,
                             period.end)
    dated["problems"] = with_status_at_end(problems, period.end, std)  # the latest word at the period end
    probs, clues, orgs, work = (dated[s] for s in ("problems", "clues", "round_orgs", "workload"))
    totals = {
        "rounds": count_active(round_spans(frames.round_info), period, today),
        "groups": count_active(group_spans(frames.round_info), period, today),
        "orgs_inspected": len(orgs.drop_duplicates(["term", "round", "org"])),
        **{k: int(work[k].sum()) for k in work_keys(std)},
        "problems": len(probs),
        "problems_fixed_on_spot": int((probs["fixed_on_spot"] == yes_value(std)).sum()),
        "problems_rectified": int(probs["rectified"].sum()),
        "clues": len(clues), "clue_cadres": int(clues["cadres"].sum()),
        "clue_others": int(clues["others"].sum()),
    }
    cat_rows = _category_rows(probs, term, std)
    graded = orgs["grade"].value_counts()
    return Figures(
        period=period, totals=totals,
        problems_by_category={r["label"]: r["problems"] for r in cat_rows},
        category_rows=cat_rows,
        problems_by_status={s: int((probs["status_at_end"] == s).sum()) for s in statuses(std)},
        clues_by_disposition={d: int((clues["disposition"] == d).sum())
                              for d in std.enum_values("disposition")},
        clues_by_transfer=_clue_rows(clues, std),
        ecology_grades={g: int(graded.get(g, 0)) for g in std.enum_values("grade")},
        ungraded=int(orgs["grade"].isna().sum()),
        group_rows=_group_rows(frames, period, today, dated),
        problems=probs, orgs=orgs, work=work)


def total_problem_row(figures: Figures, label: str, std: Standard) -> dict:
    """The 合计 row of the problem-category table."""
    return _problem_row(label, figures.problems, std)
