"""Reporting periods: one :class:`Period` type and one parser (``--period``) for every face.

Kinds (metrics.json ``period.kind``, spec periods.md §1): ``annual``, ``monthly``, ``quarterly``,
``half-year``, ``term`` (a 届次 of the registry, to ``--as-of`` at most), ``range`` (inclusive
dates); ``ytd`` is internal (1 January to a period's end). A term's span comes from the
registry's 届次设置, read after the command line is parsed: :func:`parse_period` gives an
unresolved term (``start``/``end`` None) that :func:`resolve_term` completes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .errors import UsageError
from .output import period_folder

MIN_YEAR, MAX_YEAR = 2000, 2100
CN_DIGITS = "零一二三四五六七八九十"
QUARTER_WORDS = ("一", "二", "三", "四")
HALF_WORDS = ("上", "下")
# Kinds whose figures come with the year to date (1 January to the period end) and its 同比.
YTD_KINDS = ("monthly", "quarterly", "half-year")
KIND_NAMES = {"annual": "年度统计", "monthly": "月度统计", "quarterly": "季度统计", "half-year": "半年统计",
              "term": "届次统计", "range": "自定义期间统计"}
ACCEPTED = ("可用的写法：年度 2020；月份 2020-06；季度 2020Q2 或 2020年第二季度；半年 2020H1 或 2020年上半年；"
            "届次 十四届（可加 --as-of 2020-12-31）；自定义期间 2020-03-01~2020-08-31（也可用 ..）。")


@dataclass(frozen=True)
class Period:
    kind: str  # "annual" | "monthly" | "quarterly" | "half-year" | "term" | "range" | "ytd"
    start: dt.date | None  # None only for a term not yet resolved against the registry
    end: dt.date | None
    label: str  # e.g. 2020年度, 2020年06月, 2020年第二季度, 十四届（截至2020年12月31日）
    term: str = ""  # kind "term": the 届次
    as_of: dt.date | None = None  # kind "term": the day the span ends at most (--as-of)

    @property
    def folder(self) -> str:
        """Output folder name under --outputs."""
        return period_folder(self.label)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def resolved(self) -> bool:
        """False for a term whose span is not known yet (see :func:`resolve_term`)."""
        return self.start is not None

    @property
    def in_one_year(self) -> bool:
        return self.start.year == self.end.year

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def year_to_date(self) -> Period:
        """From 1 January to this period's end."""
        year = self.end.year
        return Period("ytd", dt.date(year, 1, 1), self.end, f"{year}年1—{self.end.month}月")

    def previous_year(self) -> Period | None:
        """The same span one year earlier (上年同期); None when the span is not within one year."""
        if not self.in_one_year:
            return None
        if self.kind == "annual":
            return annual(str(self.year - 1))
        if self.kind == "monthly":
            return monthly(f"{self.year - 1}-{self.start.month:02d}")
        if self.kind == "quarterly":
            return quarter(self.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == "half-year":
            return half_year(self.year - 1, 1 if self.start.month == 1 else 2)
        if self.kind == "ytd":
            return monthly(f"{self.year - 1}-{self.end.month:02d}").year_to_date()
        return date_range(_year_earlier(self.start), _year_earlier(self.end))

    def preceding(self) -> Period | None:
        """The quarter before (上季度, 环比) of a quarter; None for other kinds."""
        if self.kind != "quarterly":
            return None
        number = (self.start.month - 1) // 3 + 1
        return quarter(self.year - 1, 4) if number == 1 else quarter(self.year, number - 1)

    def next_span(self) -> Period | None:
        """What a summary's closing plan section is about: the next year after a year or a
        second half-year, the second half after a first half; None for other kinds."""
        if self.kind == "annual" or (self.kind == "half-year" and self.start.month == 7):
            return annual(str(self.end.year + 1))
        if self.kind == "half-year":
            return half_year(self.year, 2)
        return None

    def years(self) -> list[Period]:
        """Each calendar year the span touches, clipped to the span (a term's ``by_year``)."""
        out = []
        for year in range(self.start.year, self.end.year + 1):
            start, end = max(self.start, dt.date(year, 1, 1)), min(self.end, dt.date(year, 12, 31))
            whole = (start, end) == (dt.date(year, 1, 1), dt.date(year, 12, 31))
            label = f"{year}年" if whole else f"{year}年（{_month_day(start)}—{_month_day(end)}）"
            out.append(Period("range", start, end, label))
        return out


def _month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _year_earlier(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def cn_date(day: dt.date | None) -> str:
    """2020年6月30日; blank for None."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", str(text).strip()):
        raise UsageError(f"年份“{text}”不对，应为四位数字，如 2020。")
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(f"年份 {year} 超出范围（{MIN_YEAR}—{MAX_YEAR}）。")
    return year


def annual(text: str) -> Period:
    """The period of ``--year YYYY``."""
    year = _year(text)
    return Period("annual", dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年度")


def monthly(text: str) -> Period:
    """The period of ``--month YYYY-MM``."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(text))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UsageError(f"月份“{text}”不对，应为 年-月，如 2020-06。")
    year, month = _year(m.group(1)), int(m.group(2))
    last = calendar.monthrange(year, month)[1]
    return Period("monthly", dt.date(year, month, 1), dt.date(year, month, last),
                  f"{year}年{month:02d}月")


def quarter(year: int, number: int) -> Period:
    """Quarter ``number`` (1–4) of ``year``: 2020年第二季度."""
    first = 3 * (number - 1) + 1
    end = dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    return Period("quarterly", dt.date(year, first, 1), end, f"{year}年第{QUARTER_WORDS[number - 1]}季度")


def half_year(year: int, number: int) -> Period:
    """Half ``number`` (1 or 2) of ``year``: 2020年上半年 (January–June), 2020年下半年."""
    start, end = (dt.date(year, 1, 1), dt.date(year, 6, 30)) if number == 1 else \
        (dt.date(year, 7, 1), dt.date(year, 12, 31))
    return Period("half-year", start, end, f"{year}年{HALF_WORDS[number - 1]}半年")


def date_range(start: dt.date, end: dt.date) -> Period:
    """The inclusive span from ``start`` to ``end``: 2020年3月1日至2020年8月31日."""
    return Period("range", start, end, f"{cn_date(start)}至{cn_date(end)}")


def unresolved_term(name: str, as_of: dt.date) -> Period:
    """A term (届次) to be resolved against the registry (:func:`resolve_term`)."""
    return Period("term", None, None, name, term=name, as_of=as_of)


# ---------------------------------------------------------------- the one parser

_DATE = r"(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?"
_SEPARATORS = r"\s*(?:~|～|\.\.|至)\s*"
_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])|(\d{4})年第?([一二三四1-4])季度")
_HALF = re.compile(r"(\d{4})-?[Hh]([12])|(\d{4})年([上下])半年")
_YEAR = re.compile(r"(\d{4})(?:年度?)?")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{4})年(\d{1,2})月")
_TERM = re.compile(r"[一二三四五六七八九十百]+届")


def wrong_period(text: str) -> UsageError:
    """The one-line usage error of a period the grammar does not accept."""
    return UsageError(f"期间“{text}”不对。{ACCEPTED}")


def parse_date(text: str) -> dt.date:
    """A day written 2020-06-01, 2020/6/1, 2020.6.1 or 2020年6月1日 (``--as-of``, ranges)."""
    m = re.fullmatch(_DATE, text.strip())
    if not m:
        raise UsageError(f"日期“{text}”不对，应写成 2020-12-31 这样的年-月-日。")
    try:
        day = dt.date(_year(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UsageError(f"日期“{text}”不存在，请检查月份和日。") from None
    return day


def _digit(text: str) -> int:
    return int(text) if text.isdigit() else QUARTER_WORDS.index(text) + 1


def parse_period(text: str, as_of: dt.date | None = None) -> Period:
    """The Period of ``--period`` (spec periods.md §1); UsageError (exit 2) for anything else.

    A term gets ``as_of`` (default today) and stays unresolved until the registry is read."""
    raw = str(text or "")
    clean = re.sub(r"\s+", "", raw)
    if as_of is not None and not _TERM.fullmatch(clean):
        raise UsageError("--as-of（截至日期）只用于届次，如 --period 十四届 --as-of 2020-12-31。")
    try:
        return _parse(clean, as_of)
    except UsageError as exc:
        if exc.message.startswith(("年份 ", "日期“")) and any(c.isdigit() for c in clean):
            raise UsageError(f"期间“{raw}”不对：{exc.message}{ACCEPTED}") from None
        raise wrong_period(raw) from None


def _parse(clean: str, as_of: dt.date | None) -> Period:
    if m := _QUARTER.fullmatch(clean):
        year, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return quarter(_year(year), _digit(number))
    if m := _HALF.fullmatch(clean):
        year, half = (m.group(1), int(m.group(2))) if m.group(1) else (m.group(3), HALF_WORDS.index(m.group(4)) + 1)
        return half_year(_year(year), half)
    if m := _MONTH.fullmatch(clean):
        year, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return monthly(f"{year}-{month}")
    if m := _YEAR.fullmatch(clean):
        return annual(m.group(1))
    if _TERM.fullmatch(clean):
        return unresolved_term(clean, as_of or dt.date.today())
    parts = re.split(_SEPARATORS, clean)
    if len(parts) == 2 and all(re.fullmatch(_DATE, p) for p in parts):
        start, end = parse_date(parts[0]), parse_date(parts[1])
        if end < start:
            raise UsageError(f"期间的结束日期（{parts[1]}）早于开始日期（{parts[0]}）。")
        return date_range(start, end)
    raise UsageError("")


def resolve_term(period: Period, terms: Iterable[tuple[str, dt.date, dt.date]]) -> Period:
    """A term's span from the registry's 届次设置 ((届次, 开始日期, 结束日期) rows): term start to
    the earlier of term end and ``as_of``. Other periods come back unchanged. UsageError when
    the registry has no such term or ``as_of`` is before its start."""
    if period.resolved:
        return period
    terms = list(terms)
    found = [(s, e) for name, s, e in terms if name == period.term]
    if not found:
        have = "、".join(name for name, _, _ in terms) or "（没有届次）"
        raise UsageError(f"巡察对象名册的“届次设置”中没有“{period.term}”（现有：{have}）。"
                         "请改用名册中的届次，或先在名册中补充该届次。")
    start, end = found[0]
    if period.as_of < start:
        raise UsageError(f"截至日期 {cn_date(period.as_of)} 早于{period.term}的开始日期 {cn_date(start)}。")
    if period.as_of >= end:
        return replace(period, start=start, end=end, label=period.term)
    return replace(period, start=start, end=period.as_of, label=f"{period.term}（截至{cn_date(period.as_of)}）")
