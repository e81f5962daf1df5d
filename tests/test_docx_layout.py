"""GB/T 9704-2012 layout of the generated Word documents, read back with python-docx."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml.ns import qn

from pipeline.render.docx_layout import (
    BODY,
    HEADING1,
    HEADING2,
    SUBTITLE,
    TITLE,
    Block,
    body_char_spacing_twips,
    count_markers,
    parse_blocks,
    to_markdown,
    write_docx,
)

TEXT = """# 青禾县委巡察办2020年度巡察工作总结

2020年，我们按照县委的安排部署，
开展了巡察。

## 一、巡察工作开展情况

### （一）十四届县委第二轮巡察情况。按照县委巡察工作领导小组的安排部署，
【待补充：汇报日期】巡察组向领导小组汇报。

## 二、整改情况

正文第二段。
"""


@pytest.fixture(scope="module")
def blocks():
    return parse_blocks(TEXT)


@pytest.fixture(scope="module")
def document(blocks, tmp_path_factory) -> docx.document.Document:
    path = write_docx(blocks, tmp_path_factory.mktemp("doc") / "总结.docx", title="总结")
    return docx.Document(str(path))


def east_asia(run) -> str | None:
    fonts = run._element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


# ------------------------------------------------------------------ the text convention

def test_blocks_follow_the_convention(blocks):
    assert [b.kind for b in blocks] == [TITLE, BODY, HEADING1, HEADING2, HEADING1, BODY]
    assert blocks[1].text == "2020年，我们按照县委的安排部署，开展了巡察。"  # lines joined
    assert blocks[3].text.startswith("（一）十四届县委第二轮巡察情况。")


def test_subtitle_and_windows_line_ends():
    assert parse_blocks("# 月报\r\n\r\n> （2020年6月）\r\n") == [
        Block(TITLE, "月报"), Block(SUBTITLE, "（2020年6月）")]


def test_markers_are_counted_and_markdown_keeps_the_headings(blocks):
    assert count_markers(blocks) == 1
    md = to_markdown(blocks)
    assert md.startswith("# 青禾县委巡察办2020年度巡察工作总结\n\n2020年，")
    assert "\n\n## 一、巡察工作开展情况\n\n### （一）十四届" in md
    assert parse_blocks(md) == blocks  # the Markdown copy reads back to the same document


# ------------------------------------------------------------------ page

def test_a4_page_and_margins(document):
    section = document.sections[0]
    mm = {name: round(getattr(section, name).mm, 1) for name in
          ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin",
           "right_margin")}
    assert mm == {"page_width": 210, "page_height": 297, "top_margin": 37, "bottom_margin": 35,
                  "left_margin": 28, "right_margin": 26}


def test_line_grid_gives_22_lines_and_28_characters(document):
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch")))
    text_height_twips = (297 - 37 - 35) / 25.4 * 1440
    assert int(text_height_twips // pitch) == 22
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.line_spacing.twips == pitch
    # 28 characters of 16 pt, condensed by the spacing, fit the 156 mm text width
    text_width_twips = (210 - 28 - 26) / 25.4 * 1440
    per_char = 16 * 20 + body_char_spacing_twips()
    assert 28 * per_char <= text_width_twips < 29 * per_char


def test_normal_paragraph_properties_are_in_schema_order(document):
    ppr = document.styles["Normal"].element.pPr
    tags = [child.tag.split("}")[1] for child in ppr]
    assert tags.index("widowControl") < tags.index("autoSpaceDE") < tags.index("autoSpaceDN") \
        < tags.index("spacing")


# ------------------------------------------------------------------ fonts

def test_default_style_sets_the_east_asian_font(document):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override the name
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_title_is_centred_xiaobiaosong_erhao(document):
    title = document.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [(east_asia(r), r.font.size.pt) for r in title.runs] == [("方正小标宋简体", 22)]
    assert document.paragraphs[1].text == ""  # one blank line under the title


@pytest.mark.parametrize("index, fonts", [
    (2, ["仿宋_GB2312"]),  # body
    (3, ["黑体"]),  # 一、
    (4, ["楷体_GB2312"] + ["仿宋_GB2312"] * 3),  # （一）run-in; text, marker, text
])
def test_paragraph_fonts_are_sanhao(document, index, fonts):
    para = document.paragraphs[index]
    assert [east_asia(r) for r in para.runs] == fonts
    assert {r.font.size.pt for r in para.runs} == {16}
    assert para.paragraph_format.first_line_indent.pt == 32  # two characters
    ind = para._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_run_in_heading_stops_at_the_first_full_stop(document):
    runs = document.paragraphs[4].runs
    assert runs[0].text == "（一）十四届县委第二轮巡察情况。"
    assert runs[1].text == "按照县委巡察工作领导小组的安排部署，"


def test_every_run_names_an_east_asian_and_a_latin_font(document):
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for s in document.sections for f in (s.footer, s.even_page_footer)
             for p in f.paragraphs for r in p.runs]
    assert runs and all(east_asia(r) for r in runs)
    assert all(r.font.name for r in runs)


def test_marker_is_highlighted_yellow(document):
    runs = document.paragraphs[4].runs
    marked = [r for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert [r.text for r in marked] == ["【待补充：汇报日期】"]


# ------------------------------------------------------------------ page numbers

def test_page_numbers_odd_right_even_left(document):
    settings = document.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    section = document.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        para = footer.paragraphs[0]
        assert para.alignment == align
        instr = "".join(t.text for t in para._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert para.text == "— 1 —"  # the field's placeholder between the dashes
        assert {(east_asia(r), r.font.size.pt) for r in para.runs} == {("宋体", 14)}


def test_written_atomically_to_the_target(blocks, tmp_path: Path):
    target = tmp_path / "子文件夹" / "月报.docx"
    assert write_docx(blocks, target) == target
    assert [p.name for p in target.parent.iterdir()] == ["月报.docx"]
