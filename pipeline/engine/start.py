"""The engine's entry points that must not wait for pandas: the standard, the periods, and the
start of a period's run, which forks the charts child before the statistics are imported.

On a small run the child warms matplotlib up on the other core while this process imports
pandas and the stages, reads and checks (runner.prepared); the statistics modules (``api``)
are imported only once the child is on its way.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import UsageError
from ..periods import KIND_NAMES, Period, annual, monthly, parse_date, parse_period, wrong_period
from ..standard import Standard, standard_at
from . import runner


def standard(schemas: Path | None = None) -> Standard:
    """The standard in the folder ``schemas`` (None: the one shipped with the tool); UsageError if unusable."""
    return standard_at(schemas)


# The kinds a face may ask for: a kind of period, or a command taking any period.
PERIOD_KINDS = tuple(KIND_NAMES)
ANY_PERIOD = ("report", "export", "rollup")
NO_TERM = ("export", "rollup")  # a package is of a year, month, quarter, half-year or range
_OLD_SPELLING = re.compile(r"[^QqHh年届~～至]*")  # what --year/--month took (their own messages)


def period_of(kind: str, text: str, as_of: str | dt.date | None = None) -> Period:
    """The Period of ``text`` for ``kind``: ``annual`` (a year), ``monthly`` (a month), another kind
    of periods.md §1 (the text must be of that kind), or ``report``/``export``/``rollup`` (any
    period of the one grammar; no term for a package). ``as_of``: a term's --as-of day.
    UsageError (exit 2) with a Chinese line when the text is not such a period."""
    text = str(text or "").strip()
    if kind == "annual":
        return annual(text)
    if kind == "monthly":
        return monthly(text)
    day = parse_date(as_of) if isinstance(as_of, str) and as_of.strip() else (as_of or None)
    if kind in NO_TERM and _OLD_SPELLING.fullmatch(text) and text.count("-") <= 1 and not day:
        return monthly(text) if "-" in text else annual(text)  # a year or a month, as before
    if kind not in (*PERIOD_KINDS, *ANY_PERIOD):
        raise UsageError(f"不认识的统计类型“{kind}”。")
    period = parse_period(text, day if isinstance(day, dt.date) else None)
    if kind in NO_TERM and period.kind == "term":
        raise UsageError("上报包和汇总不按届次做：请用年度、季度、半年、月份或自定义期间（如 2020Q2）。"
                         "届次的统计请用 report --period " + text + "。")
    if kind in PERIOD_KINDS and period.kind != kind:
        raise UsageError(f"选择的是{KIND_NAMES[kind]}，期间“{text}”不是这一类。"
                         + wrong_period(text).message.split("。", 1)[1])
    return period


def _warm_charts() -> None:
    """What the charts child does before its data arrives; it never imports pandas."""
    from ..render.charts import warm_up

    with runner.stage("warm-up of the charts child"):
        warm_up()


def _with_charts_child(name: str, period: Period, inputs: Path, outputs: Path, std: Standard, **options):
    """``api.<name>(period, inputs, outputs, std, **options)`` with the charts child forked first
    (on a small run), the statistics imported only then."""
    with runner.prepared(_warm_charts, parallel=runner.few_workbooks(inputs, outputs)) as charts:
        from . import api

        return getattr(api, name)(period, inputs, outputs, std, charts=charts, **options)


def run_period(period: Period, inputs: Path, outputs: Path, std: Standard, **options):
    """Read and check ``inputs``, then write the statistics of ``period`` (``api.run_period``)."""
    return _with_charts_child("run_period", period, inputs, outputs, std, **options)


def export_package(period: Period, inputs: Path, outputs: Path, std: Standard, **options):
    """The period's run, then the county's package (``api.export_package``)."""
    return _with_charts_child("export_package", period, inputs, outputs, std, **options)
