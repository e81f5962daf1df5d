"""The workbench's doors to the disk: upload names, never overwriting, downloads only from outputs."""

from __future__ import annotations

import os

import pytest

from pipeline.read.discover import SPREADSHEET_SUFFIXES
from pipeline.workbench import files
from pipeline.workbench.files import UploadRefused, download_path, save_upload, upload_name


@pytest.mark.parametrize("sent, expected", [
    ("十四届第6轮_第一巡察组.xlsx", "十四届第6轮_第一巡察组.xlsx"),  # Chinese kept
    ("C:\\Users\\张三\\桌面\\名册.xlsx", "名册.xlsx"),  # a Windows path: the last part
    ("C:名册.xlsx", "名册.xlsx"),  # drive letter without a separator
    ("../../etc/填报.xlsx", "填报.xlsx"),
    ("..\\..\\填报.xls", "填报.xls"),
    ("a/b\\c/表.ods", "表.ods"),  # both separators
    ("/abs/path/表.XLSM", "表.XLSM"),
    ("  .隐藏.xlsx ", "隐藏.xlsx"),  # a leading dot would hide it from the check
    ("名?册*.xlsx", "名册.xlsx"),  # characters Windows does not allow
    ("CON.xlsx", "文件_CON.xlsx"),  # a Windows device name
])
def test_upload_name_is_the_last_part(sent, expected):
    assert upload_name(sent) == expected


@pytest.mark.parametrize("sent, says", [
    ("报告.docx", "不是电子表格文件"),
    ("数据.csv", "不是电子表格文件"),
    ("xlsx", "不是电子表格文件"),  # no suffix at all
    ("../..", "无法使用"),
    ("C:\\", "无法使用"),
    ("", "无法使用"),
    (".xlsx", "不是电子表格文件"),  # the dot goes (hidden files are not read): "xlsx" is left
    ("~$名册.xlsx", "临时锁定文件"),
])
def test_upload_name_refused(sent, says):
    with pytest.raises(UploadRefused, match=says):
        upload_name(sent)


def test_every_readable_format_is_accepted():
    assert [upload_name(f"表{s}") for s in SPREADSHEET_SUFFIXES] == [f"表{s}" for s in SPREADSHEET_SUFFIXES]


def test_existing_name_is_numbered_never_overwritten(tmp_path):
    (tmp_path / "名册.xlsx").write_bytes(b"original")
    first = save_upload(tmp_path, "名册.xlsx", b"second")
    second = save_upload(tmp_path, "名册.xlsx", b"third")
    assert (first.name, second.name) == ("名册（2）.xlsx", "名册（3）.xlsx")
    assert [(tmp_path / n).read_bytes() for n in ("名册.xlsx", "名册（2）.xlsx", "名册（3）.xlsx")] == [
        b"original", b"second", b"third"]
    # and no temporary file left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["名册.xlsx", "名册（2）.xlsx", "名册（3）.xlsx"]


def test_without_hard_links_still_never_overwrites(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(1, "Operation not permitted")  # as on a FAT-formatted USB stick

    monkeypatch.setattr(os, "link", no_links)
    (tmp_path / "表.xlsx").write_bytes(b"original")
    assert save_upload(tmp_path, "表.xlsx", b"new").name == "表（2）.xlsx"
    assert (tmp_path / "表.xlsx").read_bytes() == b"original"


def test_too_large_is_refused_and_nothing_written(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(UploadRefused, match="超过 0 MB的上限"):
        save_upload(tmp_path, "大.xlsx", b"x" * 11)
    assert list(tmp_path.iterdir()) == []
    assert save_upload(tmp_path, "小.xlsx", b"x" * 10).name == "小.xlsx"  # exactly the limit is fine


def test_numbered():
    assert [files.numbered("a.b.xlsx", n) for n in (1, 2, 10)] == ["a.b.xlsx", "a.b（2）.xlsx", "a.b（10）.xlsx"]


@pytest.fixture
def outputs(tmp_path):
    out = tmp_path / "outputs"
    (out / "2020年度" / "charts").mkdir(parents=True)
    (out / "2020年度" / "巡察工作统计_2020年度.xlsx").write_bytes(b"wb")
    (out / "2020年度" / "charts" / "图.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    return out


@pytest.mark.parametrize("wanted, expected", [
    ("2020年度/巡察工作统计_2020年度.xlsx", "2020年度/巡察工作统计_2020年度.xlsx"),
    ("2020年度/charts/图.png", "2020年度/charts/图.png"),
    ("2020%E5%B9%B4%E5%BA%A6/charts/%E5%9B%BE.png", "2020年度/charts/图.png"),  # still-encoded is decoded
])
def test_download_inside_outputs(outputs, wanted, expected):
    assert download_path(outputs, wanted) == (outputs / expected).resolve()


@pytest.mark.parametrize("wanted", [
    "../secret.txt", "2020年度/../../secret.txt", "%2e%2e/secret.txt", "%2E%2E%2Fsecret.txt",
    "%252e%252e/secret.txt",  # doubly encoded: decoded once more it is still not a name here
    "..\\secret.txt", "2020年度\\..\\..\\secret.txt", "/etc/passwd", "C:/Windows/win.ini", "C:secret.txt",
    "", "2020年度", "2020年度/", "./2020年度/charts/图.png", "2020年度//charts/图.png", "没有.xlsx", "a\x00b",
])
def test_download_outside_or_odd_is_refused(outputs, wanted):
    assert download_path(outputs, wanted) is None


def test_download_through_a_link_leaving_outputs_is_refused(outputs, tmp_path):
    (outputs / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert download_path(outputs, "link.txt") is None
