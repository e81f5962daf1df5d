"""Build the offline installation kit (离线安装包) for one platform.

    python kit/build.py --platform windows-x64|linux-x64|linux-arm64 --out DIR

writes ``DIR/xuncha-<version>-<platform>.zip``: the project's wheel and every runtime dependency as
a binary wheel for that platform and CPython 3.11, 3.12 and 3.13, at the versions of
requirements.lock; ``wheels/SHA256SUMS``; the install and uninstall scripts with kit_install.py;
``安装说明.txt``. Needs PyPI (or the mirror pip and uv are configured for), uv and build
(``pip install -r requirements.lock -r kit/requirements.txt``).

The build fails, writing no zip, when an ELF file in a Linux kit needs a glibc newer than 2.28,
or when the zip would be larger than 300 MB. Downloaded wheels are kept in a cache folder
(``--cache``, default $XUNCHA_KIT_CACHE or ~/.cache/xuncha-kit) for the next build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python kit/build.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from kit import glibc
from kit.platforms import GLIBC_MAX, PLATFORMS, PYTHONS, SIZE_LIMIT, Platform
from kit.resolve import ROOT, KitError, marker_for, runtime_pins, tool_pin

FILES = ROOT / "kit" / "files"
SOURCES = ("pyproject.toml", "README.md", "pipeline", "schemas")  # what the project's wheel is built from
GUIDE = "安装说明.txt"
Say = Callable[[str], None]


def project_version() -> str:
    text = (ROOT / "pipeline" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def kit_name(platform: Platform, version: str | None = None) -> str:
    return f"xuncha-{version or project_version()}-{platform.name}"


# ------------------------------------------------------------------ wheels

def supported_tags(platform: Platform, python: str) -> dict[Tag, int]:
    """The tags CPython ``python`` on ``platform`` installs, each with its rank (0 = most preferred)."""
    version = tuple(int(p) for p in python.split("."))
    abi = f"cp{version[0]}{version[1]}"
    tags = [*cpython_tags(version, [abi], platform.wheel_platforms),
            *compatible_tags(version, abi, platform.wheel_platforms)]
    return {tag: rank for rank, tag in reversed(list(enumerate(tags)))}


def download_wheels(platform: Platform, pins: dict[str, dict[str, str]], cache: Path, say: Say) -> dict[str, Path]:
    """Download the wheels of ``pins`` ({python: {name: version}}) into ``cache``; {python: file} per pin.

    Returns {filename: path} of every wheel the kit needs. pip is told every platform tag the
    target accepts (all manylinux tags up to 2_28, not only the newest) and never takes an sdist.
    """
    cache.mkdir(parents=True, exist_ok=True)
    chosen: dict[str, Path] = {}
    for python, wanted in pins.items():
        abi = "cp" + python.replace(".", "")
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
                   "--disable-pip-version-check", "--implementation", "cp", "--python-version", python,
                   "--abi", abi, "--dest", str(cache)]
        for tag in platform.wheel_platforms:
            command += ["--platform", tag]
        say(f"  wheels for {platform.name} / CPython {python} ({len(wanted)} packages)")
        proc = subprocess.run([*command, *(f"{n}=={v}" for n, v in sorted(wanted.items()))],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise KitError(f"pip download failed for {platform.name} / Python {python}:\n{proc.stderr.strip()[-3000:]}")
        for name, version in wanted.items():
            path = best_wheel(cache, name, version, supported_tags(platform, python))
            if path is None:
                raise KitError(f"no wheel of {name}=={version} for {platform.name} / Python {python} in {cache}")
            chosen[path.name] = path
    return chosen


def best_wheel(folder: Path, name: str, version: str, ranks: dict[Tag, int]) -> Path | None:
    """The most preferred wheel of name==version in ``folder`` that a target with these tags installs."""
    best = None
    for path in folder.glob("*.whl"):
        wheel_name, wheel_version, _, tags = parse_wheel_filename(path.name)
        if wheel_name != canonicalize_name(name) or str(wheel_version) != version:
            continue
        rank = min((ranks[t] for t in tags if t in ranks), default=None)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, path)
    return best[1] if best else None


def download_pip(cache: Path) -> Path:
    """The pip wheel put into every kit (version from kit/requirements.txt): venvs get their pip from it."""
    version = tool_pin("pip")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
               "--disable-pip-version-check", "--dest", str(cache), f"pip=={version}"]
    proc = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    found = sorted(cache.glob(f"pip-{version}-*.whl"))
    if proc.returncode != 0 or not found:
        raise KitError(f"pip download of pip=={version} failed:\n{proc.stderr.strip()[-2000:]}")
    return found[0]


def build_project_wheel(work: Path) -> Path:
    """The project's wheel, built without isolation from a clean copy of its sources."""
    src = work / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work / "dist"),
                           str(src)], cwd=work, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wheels = list((work / "dist").glob("xuncha-*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        raise KitError("building the project's wheel failed (pip install -r requirements.lock brings `build`):\n"
                       + (proc.stdout + proc.stderr).strip()[-3000:])
    return wheels[0]


# ------------------------------------------------------------------ checks

def check_wheels(platform: Platform, wheels: list[Path]) -> tuple[int, ...] | None:
    """Fail on a wheel the platform cannot install; for Linux, the newest glibc any ELF file needs.

    Raises KitError when it is newer than GLIBC_MAX, naming every file that needs more.
    """
    for path in wheels:
        if not path.name.endswith(".whl"):
            raise KitError(f"{path.name} is not a wheel: a kit holds binary wheels only")
        if not any(_platform_accepts(platform, t.platform) for t in parse_wheel_filename(path.name)[3]):
            raise KitError(f"{path.name} is for another platform than {platform.name}")
    if platform.windows:
        return None
    floor, too_new = None, []
    for path in wheels:
        for member, needed in glibc.wheel_needs(path):
            if needed is not None and (floor is None or needed > floor):
                floor = needed
            if needed is not None and needed > GLIBC_MAX:
                too_new.append(f"  {path.name}: {member} needs GLIBC_{glibc.show(needed)}")
    if too_new:
        raise KitError(f"compiled files of the {platform.name} kit need a glibc newer than "
                       f"{glibc.show(GLIBC_MAX)} (UOS 20, Kylin V10):\n" + "\n".join(too_new)
                       + "\nCap those packages in kit/constraints.txt and run python kit/lock.py.")
    return floor


def _platform_accepts(platform: Platform, tag_platform: str) -> bool:
    return tag_platform == "any" or tag_platform in platform.wheel_platforms


# ------------------------------------------------------------------ the kit

def requirements_text(pins: dict[str, dict[str, str]], project: Path) -> str:
    """wheels/requirements.txt: the exact versions of this kit, per Python version where they differ."""
    version = parse_wheel_filename(project.name)[1]
    lines = ["# The exact versions in this kit (from requirements.lock); kit_install.py installs them with",
             "# pip install --no-index --find-links wheels -r wheels/requirements.txt", f"xuncha=={version}"]
    by_pin: dict[tuple[str, str], list[str]] = {}
    for python, wanted in pins.items():
        for name, pinned in wanted.items():
            by_pin.setdefault((name, pinned), []).append(python)
    for (name, pinned), pythons in sorted(by_pin.items()):
        lines.append(f"{name}=={pinned}{marker_for(pythons, tuple(pins))}")
    return "\n".join(lines) + "\n"


def sums_text(folder: Path) -> str:
    """SHA256SUMS of every file in ``folder`` (sha256sum's format, so ``sha256sum -c`` reads it too)."""
    lines = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != "SHA256SUMS":
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}")
    return "\n".join(lines) + "\n"


def guide_text(platform: Platform, info: dict) -> bytes:
    """安装说明.txt: UTF-8 with BOM (Notepad), CRLF in the Windows kit."""
    name = "安装说明-windows.txt" if platform.windows else "安装说明-linux.txt"
    template = (FILES / name).read_text(encoding="utf-8")
    values = {"version": info["version"], "label": platform.label, "platform": platform.name,
              "zip": info["name"] + ".zip", "folder": info["name"], "glibc": info["glibc"] or "",
              "pythons": "、".join(PYTHONS)}
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    if platform.windows:
        template = template.replace("\r\n", "\n").replace("\n", "\r\n")
    return b"\xef\xbb\xbf" + template.encode("utf-8")


def script_bytes(name: str) -> bytes:
    """An install script as shipped: .bat files with CRLF (cmd.exe), .sh files with LF; no BOM."""
    text = (FILES / name).read_text(encoding="utf-8").replace("\r\n", "\n")
    return (text.replace("\n", "\r\n") if name.endswith(".bat") else text).encode("utf-8")


def stage(platform: Platform, folder: Path, wheels: list[Path], pins: dict, project: Path, floor) -> dict:
    """Lay out the kit in ``folder``; its kit.json as a dict."""
    wheel_dir = folder / "wheels"
    wheel_dir.mkdir(parents=True)
    for path in wheels:
        shutil.copy2(path, wheel_dir / path.name)
    info = {"name": folder.name, "version": str(parse_wheel_filename(project.name)[1]), "platform": platform.name,
            "label": platform.label, "pythons": list(PYTHONS), "machines": list(platform.machines),
            "glibc": glibc.show(floor) if floor else None,
            "pins": {python: dict(sorted(wanted.items())) for python, wanted in pins.items()},
            "built": dt.date.today().isoformat()}
    (wheel_dir / "kit.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (wheel_dir / "requirements.txt").write_text(requirements_text(pins, project), encoding="utf-8")
    (wheel_dir / "SHA256SUMS").write_text(sums_text(wheel_dir), encoding="utf-8")
    scripts = ("install.bat", "uninstall.bat") if platform.windows else ("install.sh", "uninstall.sh")
    for name in scripts:
        (folder / name).write_bytes(script_bytes(name))
        (folder / name).chmod(0o755)
    (folder / "kit_install.py").write_bytes((FILES / "kit_install.py").read_bytes())
    (folder / GUIDE).write_bytes(guide_text(platform, info))
    return info


def write_zip(folder: Path, target: Path) -> Path:
    """Zip ``folder`` (as the zip's one top folder) into ``target``; scripts keep their run bit."""
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w") as zf:
        for path in sorted(folder.rglob("*")):
            arcname = path.relative_to(folder.parent).as_posix() + ("/" if path.is_dir() else "")
            info = zipfile.ZipInfo(arcname, date_time=dt.datetime.now().timetuple()[:6])
            info.create_system = 3  # Unix: unzip and file managers apply the mode below
            mode = 0o040755 if path.is_dir() else 0o100755 if path.suffix == ".sh" else 0o100644
            info.external_attr = mode << 16 | (0x10 if path.is_dir() else 0)  # 0x10: MS-DOS directory bit
            if path.is_dir():
                zf.writestr(info, b"")
                continue
            # wheels are zips already: storing them saves time and costs nothing in size
            info.compress_type = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
            with path.open("rb") as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(partial, target)
    return target


def build_kit(platform: Platform, out: Path, cache: Path, say: Say = print) -> Path:
    """Build the kit for ``platform`` into ``out``; its path. Raises KitError, leaving no zip behind."""
    version = project_version()
    name = kit_name(platform, version)
    say(f"building {name}.zip")
    pins = {python: runtime_pins(platform, python) for python in PYTHONS}
    wheels = download_wheels(platform, pins, cache, say)
    with tempfile.TemporaryDirectory(prefix="xuncha-kit-") as tmp:
        work = Path(tmp)
        project = build_project_wheel(work)
        kit_wheels = sorted({*wheels.values(), download_pip(cache), project}, key=lambda p: p.name)
        floor = check_wheels(platform, kit_wheels)
        total = sum(p.stat().st_size for p in kit_wheels)
        if total > SIZE_LIMIT:
            raise KitError(f"the wheels of {name} take {total / 1e6:.0f} MB, over the kit's limit of "
                           f"{SIZE_LIMIT / 1e6:.0f} MB")
        info = stage(platform, work / "stage" / name, kit_wheels, pins, project, floor)
        out.mkdir(parents=True, exist_ok=True)
        target = write_zip(work / "stage" / name, out / f"{name}.zip")
    size = target.stat().st_size
    if size > SIZE_LIMIT:
        target.unlink()
        raise KitError(f"{target.name} is {size / 1e6:.0f} MB, over the kit's limit of {SIZE_LIMIT / 1e6:.0f} MB")
    say(f"wrote {target} ({size / 1e6:.1f} MB, {len(kit_wheels)} wheels"
        + (f", needs glibc >= {info['glibc']}" if info["glibc"] else "") + ")")
    return target


def default_cache() -> Path:
    return Path(os.environ.get("XUNCHA_KIT_CACHE") or Path.home() / ".cache" / "xuncha-kit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", required=True, choices=sorted(PLATFORMS), help="the computers the kit is for")
    parser.add_argument("--out", required=True, type=Path, help="folder the zip is written to")
    parser.add_argument("--cache", type=Path, default=None,
                        help="folder keeping downloaded wheels between builds (default $XUNCHA_KIT_CACHE "
                             "or ~/.cache/xuncha-kit)")
    args = parser.parse_args(argv)
    try:
        build_kit(PLATFORMS[args.platform], args.out, args.cache or default_cache())
    except KitError as exc:
        print(f"kit build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
