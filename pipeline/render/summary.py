"""Render stage: the annual summary draft (年度巡察工作总结) and the monthly brief (巡察工作月报).

The wording lives in Jinja2 templates under ``render/wording/`` that the office may
edit; this module fills them with :func:`pipeline.summary_context.build_context`,
then writes the rendered text twice, as a GB/T 9704 Word document
(:mod:`pipeline.docx_layout`) and as a Markdown copy beside it.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import jinja2

from .. import output as names
from ..errors import XunchaError
from ..output import write_text
from ..periods import cn_date
from .docx_layout import count_markers, parse_blocks, to_markdown, write_docx
from .summary_context import build_context, missing, office_name

TEMPLATE_DIR = Path(__file__).resolve().parent / "wording"
ANNUAL_TEMPLATE = "年度巡察工作总结.md.j2"
MONTHLY_TEMPLATE = "巡察工作月报.md.j2"

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


class TemplateProblem(XunchaError):
    """A summary template could not be read or rendered (an edit went wrong)."""


# ------------------------------------------------------------------ filters

def cn_number(n: int) -> str:
    """Chinese numeral: 4 -> 四, 14 -> 十四, 105 -> 一百零五; 10000 and over stay Arabic."""
    n = int(n)
    if n < 0 or n >= 10000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in _UNITS:
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero else "") + _DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out + (("零" if zero else "") + _DIGITS[n] if n else "")


def cn_count(n: int) -> str:
    """A count before a measure word: 2 -> 两 (两个巡察组), otherwise :func:`cn_number`."""
    return "两" if int(n) == 2 else cn_number(n)


date_cn = cn_date  # template filter name


def short_date(day: dt.date | None, year: int) -> str:
    """6月30日 when ``day`` is in ``year``, else the full date (2019年11月4日)."""
    if day is None:
        return ""
    return f"{day.month}月{day.day}日" if day.year == int(year) else date_cn(day)


def month_cn(day: dt.date | None) -> str:
    """2020年6月; blank for None."""
    return f"{day.year}年{day.month}月" if day else ""


def span_cn(start: dt.date | None, end: dt.date | None, sep: str = "至") -> str:
    """2019年11月4日至2020年1月10日; 2020年4月1日至6月30日; 2020年8月5日至7日 (或 sep "—").

    Without an end: 2020年10月12日以来; without a start: the end alone.
    """
    if start is None or end is None:
        return f"{date_cn(start)}以来" if start else date_cn(end)
    if start == end:
        return date_cn(start)
    if start.year != end.year:
        return f"{date_cn(start)}{sep}{date_cn(end)}"
    if start.month == end.month:
        return f"{date_cn(start)}{sep}{end.day}日"
    return f"{date_cn(start)}{sep}{end.month}月{end.day}日"


def pct_of(part: int, whole: int) -> str:
    """part/whole as a percent with one decimal, half up: 13/16 -> 81.3%; 1 -> 100%."""
    if not whole:
        return ""
    return _percent_text(Decimal(int(part)) * 100 / Decimal(int(whole)))


def pct(fraction: float | None) -> str:
    """A fraction (0.8125) as a percent (81.3%); blank for None."""
    if fraction is None:
        return ""
    return _percent_text(Decimal(repr(float(fraction))) * 100)


def _percent_text(percent: Decimal) -> str:
    """One decimal, half up, a trailing .0 dropped: 81.25 -> 81.3%, 100 -> 100%."""
    text = f"{percent.quantize(Decimal('0.1'), ROUND_HALF_UP):f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def change_cn(current: int, previous: int, unit: str = "") -> str:
    """同比: 增加3个，增长25% / 减少2件，下降40% / 持平."""
    diff = int(current) - int(previous)
    if diff == 0:
        return "持平"
    word, rate_word = ("增加", "增长") if diff > 0 else ("减少", "下降")
    rate = f"，{rate_word}{pct_of(abs(diff), previous)}" if previous else ""
    return f"{word}{abs(diff)}{unit}{rate}"


def or_missing(value, what: str):
    """The value, or a 【待补充：what】 marker when it is None or blank."""
    return missing(what) if value is None or value == "" else value


FILTERS = {"cn": cn_number, "cn_count": cn_count, "date_cn": date_cn, "short_date": short_date,
           "month_cn": month_cn,
           "span_cn": span_cn, "pct": pct, "pct_of": pct_of, "change_cn": change_cn,
           "or_missing": or_missing}


# ------------------------------------------------------------------ rendering

def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Templates compiled by an earlier run, kept per user in the system's temporary folder
    (Jinja2's own cache, keyed by the template's text: an edited template is compiled again),
    because compiling them would otherwise be a noticeable part of every run. None where that
    folder is not usable."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # RuntimeError: Jinja2 found the folder unsafe
        return None


def environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    """The Jinja2 environment of the summary templates (undefined names fail loudly)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir), encoding="utf-8"),
        bytecode_cache=_compiled_templates(),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, autoescape=False, extensions=["jinja2.ext.do"])
    env.filters.update(FILTERS)
    env.globals.update(span_cn=span_cn, change_cn=change_cn, pct_of=pct_of)
    return env


def _template_line(exc: BaseException, template_name: str) -> int | None:
    """The template line an error happened on (Jinja puts template frames in the traceback)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(template_name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_text(template_name: str, context: dict, template_dir: Path = TEMPLATE_DIR) -> str:
    """Render one template to the text convention of :mod:`pipeline.docx_layout`."""
    try:
        return environment(template_dir).get_template(template_name).render(**context)
    except jinja2.TemplateError as exc:
        line = _template_line(exc, template_name)
        where = f"第{line}行" if line else ""
        raise TemplateProblem(
            f"总结模板“{Path(template_dir) / template_name}”{where}有错误：{exc}。"
            "请改正模板（或从版本库恢复原模板）后重新运行。") from exc


def document_stem(report) -> str:
    """File name (without suffix) of the period's document."""
    period = report.period
    return names.document_stem(office_name(report.county, report.std), period.kind, period.year, period.label)


def write_documents(report, out_dir: Path,
                    template_dir: Path = TEMPLATE_DIR) -> tuple[list[Path], int]:
    """Write the period's document (.docx and .md); return the paths and the marker count."""
    name = ANNUAL_TEMPLATE if report.period.kind == "annual" else MONTHLY_TEMPLATE
    blocks = parse_blocks(render_text(name, build_context(report), template_dir))
    stem = document_stem(report)
    out_dir = Path(out_dir)
    title = next((b.text for b in blocks if b.kind == "title"), stem)
    docx_path = write_docx(blocks, out_dir / f"{stem}.docx", title=title)
    md_path = write_text(out_dir / f"{stem}.md", to_markdown(blocks))
    return [docx_path, md_path], count_markers(blocks)
