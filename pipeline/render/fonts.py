"""A font with Chinese glyphs for matplotlib, on any machine.

A CJK font the system already has is preferred; otherwise the project's own
dependency ``noto-cjk-sans-otc`` (Noto Sans CJK, SIL Open Font License 1.1, from
PyPI) is registered with matplotlib. matplotlib is imported only inside functions
so that importing this module costs nothing at start-up.
"""

from __future__ import annotations

from ..errors import OutputError

# Families with full simplified-Chinese coverage, best first.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Heiti SC", "STHeiti", "Sarasa Gothic SC",
)
PACKAGED_FAMILY = "Noto Sans CJK SC"  # a face of the packaged .ttc


def system_cjk_family() -> str | None:
    """The best preferred CJK family matplotlib finds among the system fonts, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in PREFERRED_FAMILIES if name in names), None)


def packaged_font_path() -> str:
    """Path of the Noto Sans CJK collection installed with the project."""
    import noto_cjk_sans_otc

    return str(noto_cjk_sans_otc.FONT_PATH)


def packaged_cjk_family() -> str:
    """Register the packaged Noto Sans CJK with matplotlib (once); return its family."""
    from matplotlib import font_manager

    path = packaged_font_path()
    if not any(f.fname == path and f.name == PACKAGED_FAMILY
               for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    return PACKAGED_FAMILY


def cjk_family() -> str:
    """A font family that renders Chinese: the system's if any, else the packaged one."""
    family = system_cjk_family()
    if family:
        return family
    try:
        return packaged_cjk_family()
    except (ImportError, OSError, RuntimeError) as exc:
        raise OutputError("找不到可显示中文的字体，无法绘制图表。请重新安装本程序"
                          "（pip install -e .，会安装 noto-cjk-sans-otc 字体包），"
                          "或在系统中安装中文字体（如 Noto Sans CJK SC、文泉驿正黑）。") from exc


def cjk_rc() -> dict:
    """matplotlib rc settings for Chinese labels (use with ``matplotlib.rc_context``)."""
    family = cjk_family()
    return {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False}
