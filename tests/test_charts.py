"""Chart pictures: every Chinese glyph rendered (matplotlib's glyph warnings are errors),
with a system CJK font and with only the font the project installs itself."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from matplotlib import font_manager

from county import county_dataset
from pipeline.periods import annual, monthly
from pipeline.render import fonts
from pipeline.render.charts import chart_data, write_charts
from pipeline.stats.aggregate import build_report
from shipped import STD

TODAY = dt.date(2021, 1, 5)
NAMES = ["问题分类.png", "全覆盖进度.png", "月度趋势.png"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _draw(tmp_path, period):
    report = build_report(county_dataset(), STD, period, today=TODAY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 'Glyph ... missing from font' becomes a failure
        return write_charts(chart_data(report), tmp_path / "charts")


@pytest.mark.parametrize("period", [annual("2020"), monthly("2020-06")], ids=["annual", "monthly"])
def test_charts_render_without_missing_glyphs(tmp_path, period):
    paths = _draw(tmp_path, period)
    assert [p.name for p in paths] == NAMES
    for path in paths:
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000, path.name
    assert not list((tmp_path / "charts").glob(".~tmp-*"))  # no temporary files left


@pytest.fixture
def no_system_cjk(monkeypatch):
    """matplotlib sees no CJK font at all, as on a fresh machine without Chinese fonts."""
    manager = font_manager.fontManager
    plain = [f for f in manager.ttflist if "CJK" not in f.name and "Hei" not in f.name]
    monkeypatch.setattr(manager, "ttflist", plain)
    manager._findfont_cached.cache_clear()
    yield
    manager._findfont_cached.cache_clear()


def test_packaged_font_when_system_has_none(tmp_path, no_system_cjk):
    assert fonts.system_cjk_family() is None
    assert fonts.cjk_family() == fonts.PACKAGED_FAMILY
    found = font_manager.findfont(font_manager.FontProperties(family=fonts.PACKAGED_FAMILY),
                                  fallback_to_default=False)
    assert found == fonts.packaged_font_path()
    assert [p.name for p in _draw(tmp_path, annual("2020"))] == NAMES


def test_system_font_preferred(monkeypatch):
    monkeypatch.setattr(fonts, "system_cjk_family", lambda: "WenQuanYi Zen Hei")
    assert fonts.cjk_rc()["font.sans-serif"][0] == "WenQuanYi Zen Hei"
    assert fonts.cjk_rc()["axes.unicode_minus"] is False


def test_clear_error_without_any_font(monkeypatch):
    from pipeline.errors import OutputError

    monkeypatch.setattr(fonts, "system_cjk_family", lambda: None)

    def missing():
        raise ImportError("noto_cjk_sans_otc")

    monkeypatch.setattr(fonts, "packaged_cjk_family", missing)
    with pytest.raises(OutputError, match="找不到可显示中文的字体"):
        fonts.cjk_family()


def test_matplotlib_not_imported_by_cli_start():
    import subprocess
    import sys

    code = ("import sys, pipeline.launch, pipeline.engine, pipeline.stats.aggregate, pipeline.render.workbook;"
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_glyph_check_is_sensitive(tmp_path, no_system_cjk, monkeypatch):
    """Control: with no Chinese font at all the warning does fire, so the tests above mean it."""
    monkeypatch.setattr(fonts, "packaged_cjk_family", lambda: "DejaVu Sans")
    with pytest.raises(UserWarning, match="missing from font"):
        _draw(tmp_path, annual("2020"))
