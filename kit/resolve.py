"""The lock and what it means for one target: uv resolves pyproject.toml's runtime dependencies
for a platform and Python version, held to the lock's versions, with wheels only.

uv evaluates environment markers for the target (tqdm's ``colorama`` on Windows) and, with
``--only-binary :all:`` and a ``*-manylinux_2_28`` platform, accepts only wheels that platform can
install; pip resolving with ``--platform`` would evaluate markers for the build machine instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .platforms import Platform

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
CONSTRAINTS = ROOT / "kit" / "constraints.txt"
TOOLS = ROOT / "kit" / "requirements.txt"
LOCK_COMMAND = "python kit/lock.py"


class KitError(Exception):
    """A build or lock step failed; the message says what to do."""


def uv(*args: str, cwd: Path = ROOT) -> str:
    """Run uv (the PyPI package, pinned in kit/requirements.txt); its stdout, or KitError with its stderr."""
    exe = shutil.which("uv")
    command = [exe] if exe else [sys.executable, "-m", "uv"]
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}
    try:
        proc = subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise KitError(f"uv could not be started ({exc}): pip install -r kit/requirements.txt") from None
    if proc.returncode != 0:
        if "No module named uv" in proc.stderr:
            raise KitError("uv is not installed: pip install -r kit/requirements.txt")
        raise KitError(f"uv {' '.join(args[:2])} failed:\n{proc.stderr.strip()}")
    return proc.stdout


def target_environment(platform: Platform, python: str) -> dict[str, str]:
    """The marker environment of CPython ``python`` on ``platform`` (PEP 508 names)."""
    system = ("nt", "win32", "Windows") if platform.windows else ("posix", "linux", "Linux")
    full = f"{python}.0"
    return {"os_name": system[0], "sys_platform": system[1], "platform_system": system[2],
            "platform_machine": platform.machines[0], "platform_release": "", "platform_version": "",
            "python_version": python, "python_full_version": full, "implementation_name": "cpython",
            "implementation_version": full, "platform_python_implementation": "CPython", "extra": ""}


def lock_lines(lock: Path = LOCK) -> list[Requirement]:
    """The pinned requirements of the lock (markers kept)."""
    if not lock.is_file():
        raise KitError(f"{lock.name} is missing: run {LOCK_COMMAND}")
    lines = [line.split(" #")[0].strip() for line in lock.read_text(encoding="utf-8").splitlines()]
    return [Requirement(line) for line in lines if line and not line.startswith(("#", "-"))]


def runtime_pins(platform: Platform, python: str, lock: Path = LOCK) -> dict[str, str]:
    """{name: version} of every runtime dependency for this target, at the lock's versions.

    Fails when the target has no wheel for a locked version, or the lock misses a dependency
    (pyproject.toml changed since the lock was made).
    """
    out = uv("pip", "compile", str(ROOT / "pyproject.toml"), "--constraint", str(lock),
             "--python-platform", platform.uv_platform, "--python-version", python, "--only-binary", ":all:",
             "--no-header", "--no-annotate", "--quiet")
    pins = {}
    for line in out.splitlines():
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)", line.strip())
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    environment = target_environment(platform, python)
    locked = {canonicalize_name(r.name): _pinned(r) for r in lock_lines(lock)
              if r.marker is None or r.marker.evaluate(environment)}
    stale = sorted(f"{name}=={version}" for name, version in pins.items() if locked.get(name) != version)
    if stale:
        raise KitError(f"{lock.name} does not pin {', '.join(stale)} for {platform.name} / Python {python}: "
                       f"run {LOCK_COMMAND} (pyproject.toml changed since the lock was made?)")
    return pins


def _pinned(req: Requirement) -> str | None:
    specs = list(req.specifier)
    return specs[0].version if len(specs) == 1 and specs[0].operator == "==" else None


def tool_pin(name: str) -> str:
    """The version of a maintainer tool pinned in kit/requirements.txt (``pip``, ``uv``)."""
    for line in TOOLS.read_text(encoding="utf-8").splitlines():
        req = line.split("#")[0].strip()
        if req and canonicalize_name(Requirement(req).name) == name:
            return _pinned(Requirement(req)) or ""
    raise KitError(f"kit/requirements.txt pins no {name}")


def marker_for(pythons: list[str], all_pythons: tuple[str, ...]) -> str:
    """A marker selecting these Python versions (empty when it is all of them)."""
    if sorted(pythons) == sorted(all_pythons):
        return ""
    return " ; " + " or ".join(f'python_version == "{p}"' for p in sorted(pythons))

