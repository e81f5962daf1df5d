"""The real workbench server (`xuncha serve` in a child process): the printed line, 127.0.0.1 only,
the guards over real HTTP, Ctrl+C, the port option, and the launcher (--make-shortcut)."""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import wb
from pipeline.launch import main
from pipeline.workbench import server as srv
from pipeline.workbench.guards import cookie_name
from workbench_kit import ROOT, Server


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server")
    wb.write_county(folder / "inputs")
    s = Server(folder / "inputs", folder / "outputs")
    s.wait_port()
    yield s
    s.stop()


def _request(s: Server, method: str, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def test_the_printed_line_and_the_token(running):
    assert running.first_line == f"工作台已启动：http://127.0.0.1:{running.port}/?token={running.token}"
    assert len(running.token) >= 16


def test_listens_on_127_0_0_1_only(running):
    addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
    for address in sorted(addresses)[:3]:  # the machine's other addresses, if it has any
        with pytest.raises(OSError):
            socket.create_connection((address, running.port), timeout=2).close()


def test_guards_over_real_http(running):
    host = {"Host": f"127.0.0.1:{running.port}"}
    bad_host = _request(running, "GET", f"/?token={running.token}", {"Host": "attacker.example"})
    assert bad_host.status == 400 and bad_host.getheader("Content-Security-Policy") == "default-src 'self'"
    no_token = _request(running, "GET", "/", host)
    assert no_token.status == 403 and "请使用启动时显示的网址" in no_token.body.decode()
    assert no_token.getheader("X-Content-Type-Options") == "nosniff"
    login = _request(running, "GET", f"/?token={running.token}", host)
    assert login.status == 303 and login.getheader("Location") == "/"
    cookie = login.getheader("Set-Cookie")
    assert cookie.startswith(f"{cookie_name(running.port)}={running.token};") and "HttpOnly" in cookie
    with_cookie = {**host, "Cookie": f"{cookie_name(running.port)}={running.token}"}
    page = _request(running, "GET", "/", with_cookie)
    assert page.status == 200 and "概况" in page.body.decode()
    foreign = _request(running, "POST", "/check", {**with_cookie, "Origin": "null"})
    assert foreign.status == 403
    own = _request(running, "POST", "/check", {**with_cookie, "Origin": f"http://localhost:{running.port}",
                                               "Host": f"localhost:{running.port}"})
    assert own.status == 303
    escape = _request(running, "GET", "/download/%2e%2e/%2e%2e/etc/passwd", with_cookie)
    assert escape.status == 404 and b"root:" not in escape.body


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_cleanly(tmp_path, sig):
    """Even at once after the line is printed, before the server has fully started."""
    (tmp_path / "inputs").mkdir()
    s = Server(tmp_path / "inputs", tmp_path / "outputs")
    code, out, err = s.stop(sig=sig)
    assert code in (0, 130)
    assert out.strip() == "工作台已关闭。"
    assert "Traceback" not in err and err.strip() == ""


def test_a_given_port_and_a_port_in_use(tmp_path, capsys):
    (tmp_path / "inputs").mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code = main(["serve", "--inputs", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "o"),
                     "--port", str(port), "--no-browser"])
    assert code == 2
    assert f"端口 {port} 已被占用" in capsys.readouterr().err
    sock = srv.bind(None)  # a free port, on 127.0.0.1
    try:
        assert sock.getsockname()[0] == "127.0.0.1" and sock.getsockname()[1] >= 1024
    finally:
        sock.close()


# ------------------------------------------------------------------ the launcher

@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh HOME without XDG settings from the environment running the tests."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_DESKTOP_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return home


def test_make_shortcut_writes_a_valid_desktop_file_and_menu_entry(tmp_path, home, capsys):
    (home / "Desktop").mkdir()
    inputs = tmp_path / "数据 $HOME \"引号\" 100%"  # every character the Exec key must escape
    code = main(["serve", "--make-shortcut", "--inputs", str(inputs), "--outputs", "结果"])
    out = capsys.readouterr().out
    path = home / "Desktop" / "巡察统计工作台.desktop"
    menu = home / ".local" / "share" / "applications" / "xuncha-workbench.desktop"
    assert code == 0 and f"已生成工作台快捷方式：{path}\n" in out and f"已加入应用程序菜单：{menu}\n" in out
    assert menu.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert "Name=巡察统计工作台\n" in text and "Terminal=true\n" in text and path.stat().st_mode & 0o111
    assert f"Path={tmp_path}\n" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert _desktop_args(exec_line.removeprefix("Exec=")) == [
        sys.executable, "-m", "pipeline.launch", "serve", "--inputs", str(inputs.resolve()),
        "--outputs", str((tmp_path / "结果").resolve())]
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    for launcher in (path, menu):
        proc = subprocess.run([validator, str(launcher)], capture_output=True, text=True)
        assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


@pytest.fixture(params=["xdg-user-dir", "user-dirs.dirs read here"])
def xdg(request, monkeypatch):
    """Both ways of reading the XDG desktop folder: the xdg-user-dir tool, or (without it) the file itself."""
    if request.param == "xdg-user-dir":
        if shutil.which("xdg-user-dir") is None:
            pytest.skip("xdg-user-dir is not installed (Debian: xdg-user-dirs)")
    else:
        real_which = shutil.which
        monkeypatch.setattr(srv.shutil, "which", lambda name, *a, **k: None if name == "xdg-user-dir"
                            else real_which(name, *a, **k))
    return request.param


@pytest.mark.parametrize(("configured", "existing", "expected"), [
    ('"$HOME/桌面"', [], "桌面"),                 # UOS / Kylin in Chinese: the named folder, created
    ('"$HOME/Schreibtisch"', ["Desktop"], "Schreibtisch"),  # the named one wins over an existing ~/Desktop
    (None, ["桌面"], "桌面"),                      # nothing configured: an existing ~/桌面
    (None, ["Desktop"], "Desktop"),
    (None, [], "Desktop"),                         # no desktop at all: ~/Desktop is created
    ('"$HOME/"', [], "Desktop"),                   # desktop set to $HOME means none
])
def test_shortcut_goes_to_the_desktop_folder(tmp_path, home, xdg, configured, existing, expected):
    if configured is not None:
        (home / ".config").mkdir()
        (home / ".config" / "user-dirs.dirs").write_text(f"XDG_DESKTOP_DIR={configured}\n", encoding="utf-8")
    for name in existing:
        (home / name).mkdir()
    assert srv.shortcut_folder() == home / expected
    path = srv.make_shortcut(tmp_path / "in", tmp_path / "out")
    assert path == home / expected / "巡察统计工作台.desktop" and path.is_file()
    assert not list(tmp_path.glob("*.desktop"))  # never in the current folder


def test_windows_desktop_without_the_shell_api_is_the_profile_desktop(tmp_path, monkeypatch):
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "张三"))
    assert srv._windows_desktop() == tmp_path / "张三" / "Desktop"  # on Windows: SHGetKnownFolderPath's answer


def test_menu_entry_follows_xdg_data_home(tmp_path, home, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "数据 目录"))
    path = srv.make_menu_entry(tmp_path / "in", tmp_path / "out")
    assert path == tmp_path / "数据 目录" / "applications" / "xuncha-workbench.desktop"
    assert "Name=巡察统计工作台\n" in path.read_text(encoding="utf-8")


def _desktop_args(value: str) -> list[str]:
    """Undo the Exec key's escaping (the specification's rules, as a launcher reads them)."""
    text, i, args = value.replace("%%", "%"), 0, []
    unescaped = []
    while i < len(text):  # string-level escapes first: \\ -> \
        if text[i] == "\\" and i + 1 < len(text):
            unescaped.append(text[i + 1])
            i += 2
        else:
            unescaped.append(text[i])
            i += 1
    text, i, current, quoted = "".join(unescaped), 0, [], False
    while i < len(text):
        ch = text[i]
        if quoted and ch == "\\":
            current.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == " " and not quoted:
            args.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    return args + ["".join(current)]


def test_make_shortcut_on_windows_writes_a_bat_file(tmp_path):
    inputs = tmp_path / "填报 100%"
    path = srv.make_shortcut(inputs, Path("outputs"), folder=tmp_path, windows=True)
    assert path.name == "巡察统计工作台.bat"
    text = path.read_bytes().decode("gbk")  # cmd.exe reads it in the console's code page
    lines = text.split("\r\n")
    assert lines[0] == "@echo off" and lines[-2] == "pause"
    assert lines[-3] == (f'"{sys.executable}" -m pipeline.launch serve --inputs "{tmp_path}/填报 100%%" '
                         f'--outputs "{Path("outputs").resolve()}"')


def test_readme_explains_the_workbench():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in ("## 工作台", "python run.py serve", "--make-shortcut", "工作台已启动：", "docs/workbench/"):
        assert text in readme, text
