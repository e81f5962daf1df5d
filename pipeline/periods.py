"""Reporting periods: a year or a month, with year-to-date and previous-year twins."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .errors import UsageError
from .output import period_folder

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    kind: str  # "annual" | "monthly" | "ytd"
    start: dt.date
    end: dt.date
    label: str  # e.g. 2020年度, 2020年06月, 2020年1—6月

    @property
    def folder(self) -> str:
        """Output folder name under --outputs."""
        return period_folder(self.label)

    @property
    def year(self) -> int:
        return self.start.year

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def year_to_date(self) -> Period:
        """From 1 January to this period's end."""
        return Period("ytd", dt.date(self.year, 1, 1), self.end,
                      f"{self.year}年1—{self.end.month}月")

    def previous_year(self) -> Period:
        """The same period one year earlier."""
        if self.kind == "annual":
            return annual(str(self.year - 1))
        if self.kind == "monthly":
            return monthly(f"{self.year - 1}-{self.start.month:02d}")
        return monthly(f"{self.year - 1}-{self.end.month:02d}").year_to_date()


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
