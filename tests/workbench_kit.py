"""Helpers for the workbench tests: an in-process client behind the guards, and a real server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from starlette.testclient import TestClient

from pipeline.workbench.guards import cookie_name
from pipeline.workbench.pages import create_app
from pipeline.workbench.runs import Workspace
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765  # in-process tests never open it; the guards only compare it with the Host header
TOKEN = "test-token-0123456789abcdef"
BASE = f"http://127.0.0.1:{PORT}"
STARTED = re.compile(r"^工作台已启动：(http://127\.0\.0\.1:(\d+))/\?token=([A-Za-z0-9_-]+)$")


def workspace(inputs: Path, outputs: Path) -> Workspace:
    return Workspace(inputs, outputs, STD)


def client(ws: Workspace, login: bool = True, **kwargs) -> TestClient:
    """A TestClient for ``ws``; with ``login`` it has the cookie already (as after the token URL)."""
    c = TestClient(create_app(ws, PORT, TOKEN), base_url=BASE, **kwargs)
    if login:
        c.cookies.set(cookie_name(PORT), TOKEN)
    return c


def wait_for_run(ws: Workspace, seconds: float = 300) -> None:
    ws.wait(seconds)
    assert ws.run is not None and ws.run.status != "running", "the run did not finish"


class Server:
    """``xuncha serve`` in a child process (the real server, on a free port), stopped with Ctrl+C."""

    def __init__(self, inputs: Path, outputs: Path, *extra: str):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.launch", "serve", "--inputs", str(inputs), "--outputs", str(outputs),
             "--no-browser", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            env=env)
        self.first_line = self.proc.stdout.readline().rstrip("\n")
        match = STARTED.match(self.first_line)
        if not match:
            self.proc.kill()
            raise AssertionError(f"unexpected first line: {self.first_line!r}; {self.proc.stderr.read()}")
        self.base, self.port, self.token = match.group(1), int(match.group(2)), match.group(3)
        self.url = f"{self.base}/?token={self.token}"

    def stop(self, timeout: float = 30, sig: int = 2) -> tuple[int, str, str]:
        """Ctrl+C (SIGINT, or ``sig``); (exit code, rest of stdout, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out, err

    def wait_port(self, seconds: float = 10) -> None:
        """The socket listens before the line is printed; this only guards against a slow start."""
        import socket

        deadline = time.monotonic() + seconds
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
