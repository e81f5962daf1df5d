"""Every command and option has Chinese help text, and the README names every command."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from pipeline.cli import build_parser
from pipeline.launch import main

ROOT = Path(__file__).resolve().parent.parent


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


COMMANDS = sorted(_subparsers(build_parser()))
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_commands_of_the_spec_exist():
    assert {"template", "validate", "annual", "monthly", "sample", "rollup"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_chinese_help(command):
    sub = _subparsers(build_parser())[command]
    assert sub.description and CJK.search(sub.description)
    assert sub.epilog and "示例" in sub.epilog
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and CJK.search(action.help), (command, action.dest)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_names_every_command(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"python run.py {command}" in readme


def test_top_level_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["-h"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("argv, expected", [
    (["annual", "--year", "20x0"], "年份“20x0”不对"),
    (["monthly", "--month", "2020-13"], "月份“2020-13”不对"),
    (["annual"], "用法错误"),
])
def test_bad_usage_exits_2_with_a_chinese_message(argv, expected, capsys, tmp_path):
    argv = argv + (["--inputs", str(tmp_path)] if len(argv) > 1 else [])
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == 2
    assert expected in capsys.readouterr().err


def test_missing_inputs_folder_exits_2(capsys, tmp_path):
    code = main(["validate", "--inputs", str(tmp_path / "没有这个文件夹"), "--outputs", str(tmp_path)])
    assert code == 2
    assert "找不到输入文件夹" in capsys.readouterr().err
