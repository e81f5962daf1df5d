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
import signal
import socket
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
    """Where the launcher goes: the desktop when there is one, else the current folder."""
    home = Path.home()
    for name in ("Desktop", "桌面"):
        if (home / name).is_dir():
            return home / name
    return Path.cwd()


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
        encoding = locale.getpreferredencoding(False) if os.name == "nt" else "gbk"
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = ("@chcp 65001 >nul\r\n" + text).encode("utf-8")
        return write_bytes(folder / f"{SHORTCUT_NAME}.bat", data)
    path = write_bytes(folder / f"{SHORTCUT_NAME}.desktop", desktop_entry(command, workdir).encode("utf-8"))
    path.chmod(0o755)  # desktops start only executable (trusted) launchers
    return path
