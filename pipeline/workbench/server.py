"""Starting and stopping the workbench: 127.0.0.1 only, a port, a fresh token, the one printed line.

``serve`` binds the socket itself (so that a free port is known before the line is printed and
the browser can connect at once), hands it to uvicorn and returns the exit code when Ctrl+C
stops it. ``make_shortcut`` writes a launcher for people who never open a terminal.
"""

from __future__ import annotations

import contextlib
import errno
import locale
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from .. import engine
from ..errors import EXIT_OK, UsageError
from ..output import SHORTCUT_NAME, write_bytes
from ..standard import Standard
from .guards import new_token
from .pages import create_app
from .runs import Workspace

HOST = "127.0.0.1"  # never another address: the workbench is for this computer only
STARTED = "工作台已启动：{url}"
STOPPED = "工作台已关闭。"
MENU_ENTRY_FILE = "xuncha-workbench.desktop"  # the menu entry's desktop-file id
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)  # Ctrl+C; the system asking the program to end


def bind(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1 at ``port`` (None: a free port chosen by the system)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if os.name != "nt":  # on Windows this option would let two servers share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port or 0))
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, errno.EACCES, getattr(errno, "WSAEADDRINUSE", -1)):
            raise UsageError(f"端口 {port} 已被占用（可能工作台已经启动过一次）。请换一个端口，"
                             "或去掉 --port 让工作台自动选择。") from None
        raise UsageError(f"无法使用端口 {port}：{exc.strerror or exc}。请换一个端口，或去掉 --port。") from None
    sock.listen(64)
    sock.set_inheritable(False)
    return sock


def start_url(port: int, token: str) -> str:
    return f"http://{HOST}:{port}/?token={token}"


def make_server(inputs: Path, outputs: Path, std: Standard, sock: socket.socket, token: str):
    """(uvicorn server, workspace) for an already bound socket."""
    import uvicorn

    port = sock.getsockname()[1]
    ws = Workspace(inputs, outputs, std)
    config = uvicorn.Config(create_app(ws, port, token), log_config=None, log_level="warning", access_log=False,
                            lifespan="off", server_header=False, date_header=False)
    return uvicorn.Server(config), ws


def serve_command(args, say: Callable[[str], None]) -> int:
    """The ``serve`` command: write the desktop shortcut (``--make-shortcut``) or run the workbench."""
    if args.make_shortcut:
        path = make_shortcut(Path(args.inputs), Path(args.outputs))
        say(f"已生成工作台快捷方式：{path}")
        menu = make_menu_entry(Path(args.inputs), Path(args.outputs))
        if menu is not None:
            say(f"已加入应用程序菜单：{menu}")
        say("双击它即可启动工作台（浏览器会自动打开）。")
        return EXIT_OK
    return serve(Path(args.inputs), Path(args.outputs), engine.standard(args.schemas), say, port=args.port,
                 open_browser=not args.no_browser)


def serve(inputs: Path, outputs: Path, std: Standard, say: Callable[[str], None], port: int | None = None,
          open_browser: bool = True) -> int:
    """Run the workbench until Ctrl+C; return the exit code."""
    logging.getLogger("uvicorn.error").setLevel(logging.ERROR)  # no English start/stop chatter for users
    token = new_token()
    sock = bind(port)
    port = sock.getsockname()[1]
    server, ws = make_server(inputs, outputs, std, sock, token)
    url = start_url(port, token)
    # Ctrl+C at any moment, even before uvicorn has put its own handler in place (and when it
    # raises the signal again after stopping), only asks the server to stop: no KeyboardInterrupt
    # in the middle of starting up, so no traceback and no half-started event loop.
    previous = {sig: signal.signal(sig, lambda signum, frame: _stop(server)) for sig in STOP_SIGNALS}
    try:
        say(STARTED.format(url=url))
        if open_browser:  # the socket already listens: the browser's request waits for the server
            threading.Thread(target=_open_browser, args=(url,), daemon=True).start()
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        if ws.running:  # let a run in progress finish: its files are written atomically but not yet all
            say("正在等待进行中的统计完成……")
            with contextlib.suppress(KeyboardInterrupt):
                ws.wait()
    say(STOPPED)
    return EXIT_OK


def _stop(server) -> None:
    """Ask uvicorn to stop; a second Ctrl+C stops it without waiting for open connections."""
    if server.should_exit:
        server.force_exit = True
    server.should_exit = True


def _open_browser(url: str) -> None:
    with contextlib.suppress(Exception):  # no browser: the printed address is enough
        webbrowser.open(url)


# ------------------------------------------------------------------ the launcher

def shortcut_folder() -> Path:
    """Where the launcher goes: this user's desktop folder, created if absent (never the current folder)."""
    folder = _windows_desktop() if os.name == "nt" else linux_desktop(Path.home())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def linux_desktop(home: Path) -> Path:
    """The desktop folder: the one ``xdg-user-dir DESKTOP`` names (UOS, Kylin), else ~/Desktop or ~/桌面.

    xdg-user-dir answers ``~/Desktop`` also when nothing is configured, so that answer loses to an
    existing ``~/桌面`` when ``~/Desktop`` is absent. The folder is created when it does not exist.
    """
    named = _xdg_desktop(home)
    if named is not None and named not in (home, home / "Desktop"):  # $HOME itself would mean "no desktop"
        return named
    for name in ("Desktop", "桌面"):
        if (home / name).is_dir():
            return home / name
    return home / "Desktop"


def _xdg_desktop(home: Path) -> Path | None:
    """The desktop folder of the XDG user directories: xdg-user-dir's answer, or user-dirs.dirs read here."""
    tool = shutil.which("xdg-user-dir")
    if tool:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            proc = subprocess.run([tool, "DESKTOP"], capture_output=True, timeout=10,
                                  env={**os.environ, "HOME": str(home)})
            answer = os.fsdecode(proc.stdout).strip()
            if proc.returncode == 0 and answer:
                return Path(answer)
    value = os.environ.get("XDG_DESKTOP_DIR")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for line in config.read_text(encoding="utf-8").splitlines():
            match = re.fullmatch(r'\s*XDG_DESKTOP_DIR\s*=\s*"([^"]*)"\s*', line)
            if match:
                value = match.group(1)
    if not value:
        return home / "Desktop"  # the default of xdg-user-dir
    return Path(value.replace("$HOME", str(home), 1)) if value.startswith("$HOME") else Path(value)


def _windows_desktop() -> Path:
    """The Windows desktop as Explorer shows it (it may be moved, e.g. into OneDrive), else %USERPROFILE%\\Desktop."""
    with contextlib.suppress(Exception):  # ctypes or the shell API unavailable: the usual place
        import ctypes
        from ctypes import wintypes

        class GUID(ctypes.Structure):
            _fields_ = [("d1", wintypes.DWORD), ("d2", wintypes.WORD), ("d3", wintypes.WORD),
                        ("d4", ctypes.c_ubyte * 8)]

        # FOLDERID_Desktop {B4BFCC3A-DB2C-424C-B029-7FE99A87C641}
        fid = GUID(0xB4BFCC3A, 0xDB2C, 0x424C, (ctypes.c_ubyte * 8)(0xB0, 0x29, 0x7F, 0xE9, 0x9A, 0x87, 0xC6, 0x41))
        buffer = ctypes.c_wchar_p()
        if ctypes.windll.shell32.SHGetKnownFolderPath(ctypes.byref(fid), 0, None, ctypes.byref(buffer)) == 0:
            try:
                return Path(buffer.value)
            finally:
                ctypes.windll.ole32.CoTaskMemFree(buffer)
    return Path(os.environ.get("USERPROFILE") or Path.home()) / "Desktop"


def menu_folder() -> Path:
    """Where a Linux menu entry goes: $XDG_DATA_HOME/applications (default ~/.local/share/applications)."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "applications"


def launch_command(inputs: Path, outputs: Path) -> list[str]:
    """The command the launcher runs: this Python, this package, the folders as absolute paths."""
    return [sys.executable, "-m", "pipeline.launch", "serve", "--inputs", str(Path(inputs).resolve()),
            "--outputs", str(Path(outputs).resolve())]


def desktop_quote(arg: str) -> str:
    """One argument of a .desktop Exec key, quoted (Desktop Entry Specification, "The Exec key")."""
    if "\n" in arg or "\r" in arg:
        raise UsageError(f"路径中有换行符，无法生成快捷方式：{arg!r}")
    quoted = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    # The value is a string too: its own escapes double every backslash; % is written %%.
    return '"' + quoted.replace("\\", "\\\\").replace("%", "%%") + '"'


def desktop_entry(command: list[str], workdir: Path) -> str:
    """The text of a Linux .desktop launcher running ``command`` in a terminal window."""
    exec_line = " ".join(desktop_quote(a) for a in command)
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={SHORTCUT_NAME}",
        "Comment=启动县委巡察办巡察工作统计工作台，并在浏览器中打开",
        f"Exec={exec_line}",
        f"Path={workdir}",
        "Terminal=true",
        "Categories=Office;",
        "",
    ])


def batch_file(command: list[str], workdir: Path) -> str:
    """The text of a Windows .bat launcher (the window stays open: closing it stops the workbench)."""
    line = " ".join(_bat_arg(a) for a in command)
    return "\r\n".join(["@echo off", f"title {SHORTCUT_NAME}", f'cd /d "{workdir}"',
                        f"echo 正在启动{SHORTCUT_NAME}，浏览器会自动打开。关闭本窗口即关闭工作台。", line, "pause", ""])


def _bat_arg(arg: str) -> str:
    """One argument of a .bat line: quoted unless plain; % doubled (else cmd.exe expands it)."""
    if re.fullmatch(r"[A-Za-z0-9._-]+", arg):
        return arg
    return '"' + arg.replace("%", "%%") + '"'


def make_shortcut(inputs: Path, outputs: Path, folder: Path | None = None, windows: bool | None = None) -> Path:
    """Write the launcher for this system into ``folder`` (default: the desktop); return its path."""
    windows = os.name == "nt" if windows is None else windows
    folder = Path(folder) if folder is not None else shortcut_folder()
    command, workdir = launch_command(inputs, outputs), Path.cwd().resolve()
    if windows:
        text = batch_file(command, workdir)
        # cmd.exe reads .bat files in the console's code page (GBK on Chinese Windows)
        encoding = _console_encoding() if os.name == "nt" else "gbk"
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = ("@chcp 65001 >nul\r\n" + text).encode("utf-8")
        return write_bytes(folder / f"{SHORTCUT_NAME}.bat", data)
    path = write_bytes(folder / f"{SHORTCUT_NAME}.desktop", desktop_entry(command, workdir).encode("utf-8"))
    path.chmod(0o755)  # desktops start only executable (trusted) launchers
    return path


def _console_encoding() -> str:
    """The code page cmd.exe reads a .bat file in: the OEM code page, whatever Python's UTF-8 mode says."""
    with contextlib.suppress(Exception):
        import ctypes

        return f"cp{ctypes.windll.kernel32.GetOEMCP()}"
    return locale.getencoding()


def make_menu_entry(inputs: Path, outputs: Path, folder: Path | None = None) -> Path | None:
    """On Linux, the same launcher as an application-menu entry (``folder``: default menu_folder()).

    Its file name is an ASCII desktop-file id; menus show its Name. None on Windows.
    """
    if os.name == "nt":
        return None
    folder = Path(folder) if folder is not None else menu_folder()
    folder.mkdir(parents=True, exist_ok=True)
    text = desktop_entry(launch_command(inputs, outputs), Path.cwd().resolve())
    return write_bytes(folder / MENU_ENTRY_FILE, text.encode("utf-8"))
