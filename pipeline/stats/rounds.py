"""Whole-round summaries: every row of a round, whatever its date, as the annual summary
describes each round (轮次)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..model import Dataset
from ..standard import Standard
from .returns import word_map
from .selection import Frames, group_sort_key, work_keys, yes_value


@dataclass
class RoundSummary:
    """One round (届次, 轮次) with all its groups and rows."""

    term: str
    round: int
    types: list[str]  # 巡察类型 of its groups, distinct, in group order
    type: str  # the most common type (the first on a tie)
    groups: list[str]
    leaders: list[str]
    start: dt.date  # earliest 进驻日期 of its groups
    end: dt.date | None  # latest 结束日期; None while any group is in progress
    in_progress: bool  # relative to ``as_of``: end is None or end > as_of
    as_of: dt.date
    orgs: list[tuple[str, str]]  # (单位名称, 对象类别), registry category order
    orgs_by_category: dict[str, list[str]]
    villages_by_township: dict[str, list[str]]
    work: dict[str, int]
    problems: int
    problems_by_category: dict[str, int]
    fixed_on_spot: int
    rectified: int  # 已整改 with 整改完成日期 on or before ``as_of``
    clues: int
    clue_cadres: int
    clue_others: int
    clues_by_transfer: dict[str, int]
    grades: dict[str, int]  # grade scale order, only grades given
    report_leading_group: dt.date | None
    report_secretary: dt.date | None
    feedback_start: dt.date | None
    feedback_end: dt.date | None
    counts_toward_coverage: bool
    sources: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int]:
        return (self.term, self.round)

    def active_in(self, start: dt.date, end: dt.date, today: dt.date) -> bool:
        """Whether [start of round, end or today] overlaps [start, end]."""
        return span_overlaps(self.start, self.end, start, end, today)

    def metrics_entry(self) -> dict:
        """The entry of metrics.json ``rounds`` (outputs.md shape)."""
        return {"term": self.term, "round": self.round, "type": self.type,
                "groups": len(self.groups), "orgs_inspected": len(self.orgs),
                "start": _iso(self.start), "end": _iso(self.end),
                "talks": self.work.get("talks", 0), "problems": self.problems,
                "clues": self.clues}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def span_overlaps(first: dt.date | None, last: dt.date | None, start: dt.date, end: dt.date,
                  today: dt.date) -> bool:
    """Whether [first, last or today] overlaps [start, end]."""
    if first is None:
        return False
    return first <= end and (last or today) >= start and first <= (last or today)


def _earliest(values) -> dt.date | None:
    return min((v for v in values if v is not None), default=None)


def _latest(values) -> dt.date | None:
    return max((v for v in values if v is not None), default=None)


def _most_common(values: list[str]) -> str:
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def _orgs(frames: Frames, rows: list[dict]) -> list[tuple[str, str]]:
    """Distinct (name, category) of a round, by registry category order then registry order."""
    registry_cat, order = frames.registry_category, frames.registry_order
    pairs: dict[str, str] = {}
    for row in rows:
        pairs.setdefault(row["org"], registry_cat.get(row["org"]) or row.get("category") or "")
    rank = {c: i for i, c in enumerate(frames.std.enum_values("org_category"))}
    return sorted(pairs.items(), key=lambda p: (rank.get(p[1], len(rank)), order.get(p[0], 0)))


def _by_category(orgs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, cat in orgs:
        out.setdefault(cat, []).append(name)
    return out


def _villages(frames: Frames, orgs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Village-level organisations of the round grouped by their 所属乡镇."""
    township = frames.registry_township
    out: dict[str, list[str]] = {}
    for name, cat in orgs:
        if frames.std.family_of(cat) == "village":
            out.setdefault(township.get(name) or "", []).append(name)
    return out


def _counts(values, order) -> dict[str, int]:
    """Counts of ``values`` in ``order``, only those present."""
    counts = Counter(values)
    return {v: counts[v] for v in order if counts[v]}


def _problem_figures(problems: list[dict], key: tuple[str, int], as_of: dt.date, std: Standard,
                     words: dict[tuple, tuple]) -> dict:
    """Counts of the round's problems; ``words``: the statuses returns give as of ``as_of``."""
    counts = Counter(p["category"] for p in problems)
    by_cat = {c: counts[c] for c in std.taxonomy_for_term(key[0]).categories}
    by_cat.update({c: n for c, n in counts.items() if c not in by_cat})
    done = std.rectified_status

    def rectified(p: dict) -> bool:
        status, day = words.get((*key, str(p["problem_id"])), (p["status"], p["rectified_on"]))
        return status == done and day is not None and day <= as_of
    return {"problems": len(problems), "problems_by_category": by_cat,
            "fixed_on_spot": sum(p["fixed_on_spot"] == yes_value(std) for p in problems),
            "rectified": sum(map(rectified, problems))}


def _clue_figures(clues: list[dict], std: Standard) -> dict:
    return {"clues": len(clues), "clue_cadres": sum(c["cadres"] for c in clues),
            "clue_others": sum(c["others"] for c in clues),
            "clues_by_transfer": _counts((c["transferred_to"] for c in clues),
                                         std.enum_values("transfer_to"))}


def _summary(frames: Frames, key: tuple[str, int], as_of: dt.date, words: dict[tuple, tuple]) -> RoundSummary:
    """Summarise one round from its 轮次信息 rows (one per group) and its other rows."""
    std = frames.std
    recs = frames.round_records
    info = sorted(recs["round_info"][key], key=lambda r: (r["start"] or dt.date.max,
                                                          group_sort_key(r["group"])))
    rows = {s: recs[s].get(key, []) for s in ("round_orgs", "workload", "problems", "clues")}
    types = [r["type"] for r in info]
    orgs = _orgs(frames, rows["round_orgs"])
    end = None if any(r["end"] is None for r in info) else _latest(r["end"] for r in info)
    return RoundSummary(
        term=key[0], round=key[1], types=list(dict.fromkeys(types)), type=_most_common(types),
        groups=sorted((r["group"] for r in info), key=group_sort_key),
        leaders=[r["leader"] for r in info if r["leader"]],
        start=_earliest(r["start"] for r in info), end=end,
        in_progress=end is None or end > as_of, as_of=as_of, orgs=orgs,
        orgs_by_category=_by_category(orgs), villages_by_township=_villages(frames, orgs),
        work={k: sum(w[k] for w in rows["workload"]) for k in work_keys(std)},
        **_problem_figures(rows["problems"], key, as_of, std, words), **_clue_figures(rows["clues"], std),
        grades=_counts((o["grade"] for o in rows["round_orgs"]), std.enum_values("grade")),
        report_leading_group=_earliest(r["report_leading_group"] for r in info),
        report_secretary=_earliest(r["report_secretary"] for r in info),
        feedback_start=_earliest(r["feedback"] for r in info),
        feedback_end=_latest(r["feedback"] for r in info),
        counts_toward_coverage=any(t in std.coverage_round_types for t in types),
        sources=sorted({r["source_file"] for r in info}))


def summaries_from_frames(frames: Frames, as_of: dt.date,
                          keys: set[tuple[str, int]] | None = None) -> list[RoundSummary]:
    """Rounds of the frames (all, or those of ``keys``), ordered by (term, round)."""
    wanted = [k for k in frames.round_records["round_info"] if keys is None or k in keys]
    term_rank = frames.term_order
    wanted.sort(key=lambda k: (term_rank.get(k[0], len(term_rank)), k[0], k[1]))
    words = word_map(frames, as_of)
    return [_summary(frames, k, as_of, words) for k in wanted]


def round_summaries(ds: Dataset, std: Standard, today: dt.date | None = None,
                    as_of: dt.date | None = None) -> list[RoundSummary]:
    """Every round of the dataset, ordered by (term, round).

    ``as_of`` (default ``today``) is the day ``in_progress`` and ``rectified`` refer to;
    the statistics pass the period end so a period's figures never change later.
    """
    today = today or dt.date.today()
    return summaries_from_frames(Frames.from_dataset(ds, std), as_of or today)
