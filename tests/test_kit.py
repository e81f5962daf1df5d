"""The offline installation kit (kit/, spec kit.md): the lock, the glibc check, the build and the install.

Fast tests (no network) use the pure-Python ELF reader on compiled and hand-made files, and tiny
kits built from stand-in wheels. The tests marked ``slow`` build the real linux-x64 and
windows-x64 kits from PyPI once per session (wheels cached in $XUNCHA_KIT_CACHE when set, else a
temporary folder; skipped with the reason when PyPI cannot be reached), install the Linux kit
with networking off (``unshare -n``) from a folder whose path has a space and Chinese characters,
for Python 3.11 and 3.13, and check the Windows kit for what Linux can check.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform as host
import re
import shutil
import socket
import struct
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `kit` is a folder of the project, not an installed package

from kit import build as kitbuild  # noqa: E402
from kit import glibc  # noqa: E402
from kit.platforms import GLIBC_MAX, PLATFORMS, PYTHONS  # noqa: E402
from kit.resolve import KitError, target_environment, uv  # noqa: E402

VERSION = kitbuild.project_version()
HOST_PLATFORM = {"x86_64": "linux-x64", "aarch64": "linux-arm64"}.get(host.machine())


# ------------------------------------------------------------------ hand-made ELF files

def fake_elf(needs: list[str], wide: bool = True, little: bool = True, sections: bool = True) -> bytes:
    """A minimal ELF shared object whose version needs (from libc.so.6) are ``needs``.

    Sections .dynstr, .gnu.version_r, .dynamic and .shstrtab, and for loaders a PT_LOAD and a
    PT_DYNAMIC segment whose DT_VERNEED / DT_STRTAB point at the same table; ``sections=False``
    leaves the section headers out, as a stripped file may.
    """
    end = "<" if little else ">"
    header_size, ph_size, sh_size = (64, 56, 64) if wide else (52, 32, 40)
    strings = b"\0libc.so.6\0" + b"".join(n.encode() + b"\0" for n in needs)
    need = struct.pack(end + "HHIII", 1, len(needs), 1, 16, 0)  # one library, its entries right after
    for i, name in enumerate(needs):
        need += struct.pack(end + "IHHII", 0, 0, i + 2, strings.index(name.encode() + b"\0"),
                            16 if i + 1 < len(needs) else 0)
    names = b"\0.dynstr\0.gnu.version_r\0.dynamic\0.shstrtab\0"
    body, at = bytearray(header_size + 2 * ph_size), {}
    for key, data in (("dynstr", strings), ("verneed", need), ("dynamic", None), ("shstrtab", names)):
        body += bytes(-len(body) % 8)
        at[key] = len(body)
        if data is None:  # .dynamic: DT_STRTAB, DT_VERNEED, DT_VERNEEDNUM, DT_NULL (addresses = offsets)
            tags = [(5, at["dynstr"]), (0x6FFFFFFE, at["verneed"]), (0x6FFFFFFF, 1), (0, 0)]
            data = b"".join(struct.pack(end + ("qQ" if wide else "iI"), t, v) for t, v in tags)
        body += data
    sizes = {"dynstr": len(strings), "verneed": len(need), "dynamic": (16 if wide else 8) * 4, "shstrtab": len(names)}
    body += bytes(-len(body) % 8)
    shoff, total = len(body), len(body) + 5 * sh_size
    # (name, type, flags, offset, size, link, info, align, entsize) of sections 1-4
    table = [(names.index(b".dynstr"), 3, 2, "dynstr", 0, 0, 1, 0), (names.index(b".gnu.version_r"), 0x6FFFFFFE,
             2, "verneed", 1, 1, 8, 0), (names.index(b".dynamic"), 6, 3, "dynamic", 1, 0, 8, 16 if wide else 8),
             (names.index(b".shstrtab"), 3, 0, "shstrtab", 0, 0, 1, 0)]
    shdrs = bytes(sh_size)
    for name, kind, flags, key, link, info, align, entsize in table:
        addr = at[key] if flags else 0
        fmt = "IIQQQQIIQQ" if wide else "IIIIIIIIII"
        shdrs += struct.pack(end + fmt, name, kind, flags, addr, at[key], sizes[key], link, info, align, entsize)
    load, dyn = (1, 0, total, 5), (2, at["dynamic"], sizes["dynamic"], 6)
    phdrs = b""
    for kind, offset, size, flags in (load, dyn):
        if wide:
            phdrs += struct.pack(end + "IIQQQQQQ", kind, flags, offset, offset, offset, size, size, 8)
        else:
            phdrs += struct.pack(end + "IIIIIIII", kind, offset, offset, offset, size, size, flags, 4)
    ident = b"\x7fELF" + bytes([2 if wide else 1, 1 if little else 2, 1]) + bytes(9)
    fields = (3, 62 if wide else 3, 1, 0, header_size, shoff if sections else 0, 0, header_size, ph_size, 2,
              sh_size, 5 if sections else 0, 4 if sections else 0)
    body[:header_size] = ident + struct.pack(end + ("HHIQQQIHHHHHH" if wide else "HHIIIIIHHHHHH"), *fields)
    body[header_size:header_size + 2 * ph_size] = phdrs
    return bytes(body) + (shdrs if sections else bytes(len(shdrs)))


@pytest.mark.parametrize("wide", [True, False], ids=["64-bit", "32-bit"])
@pytest.mark.parametrize("little", [True, False], ids=["little-endian", "big-endian"])
@pytest.mark.parametrize("sections", [True, False], ids=["sections", "segments only"])
def test_glibc_needed_of_a_hand_made_elf(wide, little, sections):
    data = fake_elf(["GLIBC_2.17", "GLIBC_2.34", "GLIBC_2.2.5", "GLIBC_PRIVATE"], wide, little, sections)
    assert glibc.version_needs(data) == ["GLIBC_2.17", "GLIBC_2.34", "GLIBC_2.2.5", "GLIBC_PRIVATE"]
    assert glibc.glibc_needed(data) == (2, 34)
    readelf = shutil.which("readelf")
    if readelf and sections:  # the reader agrees with binutils on the hand-made file
        path = Path(os.environ.get("TMPDIR", "/tmp")) / f"xuncha-fake-{os.getpid()}-{wide}-{little}.so"
        path.write_bytes(data)
        try:
            out = subprocess.run([readelf, "-V", "-W", str(path)], capture_output=True, text=True).stdout
        finally:
            path.unlink()
        assert re.findall(r"Name: (GLIBC_\S+)\s+Flags", out) == ["GLIBC_2.17", "GLIBC_2.34", "GLIBC_2.2.5",
                                                                  "GLIBC_PRIVATE"]


def test_glibc_reader_refuses_what_is_not_elf():
    with pytest.raises(glibc.ElfError):
        glibc.version_needs(b"MZ" + bytes(100))
    with pytest.raises(glibc.ElfError):
        glibc.version_needs(fake_elf(["GLIBC_2.17"])[:80])  # cut short


def _compile(tmp_path: Path, name: str, source: str, *flags: str) -> Path:
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.skip("no C compiler (gcc) to make a real ELF file; the hand-made ELF tests cover the reader")
    (tmp_path / "src.c").write_text(source, encoding="utf-8")
    out = tmp_path / name
    subprocess.run([gcc, *flags, "-o", str(out), str(tmp_path / "src.c")], check=True, capture_output=True)
    return out


def _readelf_max_glibc(path: Path) -> tuple[int, ...] | None:
    readelf = shutil.which("readelf")
    if readelf is None:
        return None
    out = subprocess.run([readelf, "-V", "-W", str(path)], capture_output=True, text=True).stdout
    found = [glibc.parse_version(v) for v in re.findall(r"Name: GLIBC_(\d+(?:\.\d+)+)\s+Flags", out)]
    return max(found, default=None)


def test_glibc_needed_of_a_compiled_library(tmp_path):
    lib = _compile(tmp_path, "libtiny.so", '#include <stdio.h>\nvoid hello(void) { puts("hi"); }\n',
                   "-shared", "-fPIC")
    needed = glibc.glibc_needed(lib.read_bytes())
    # puts has been in glibc since the first version of each architecture's ABI
    assert needed == {"x86_64": (2, 2, 5), "aarch64": (2, 17)}.get(host.machine(), needed)
    assert needed == (_readelf_max_glibc(lib) or needed)


def test_glibc_needed_of_a_compiled_program(tmp_path):
    program = _compile(tmp_path, "tiny", '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    needed = glibc.glibc_needed(program.read_bytes())
    assert needed is not None and needed == (_readelf_max_glibc(program) or needed)
    libc = os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None
    if libc and libc.startswith("glibc "):  # linked here: needs no newer glibc than this machine's
        assert needed <= glibc.parse_version(libc.split()[1])


# ------------------------------------------------------------------ tiny kits from stand-in wheels

def _wheel(folder: Path, filename: str, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name, version = filename.split("-")[:2]
    path = folder / filename
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in files.items():
            zf.writestr(member, data)
        metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        zf.writestr(f"{name}-{version}.dist-info/METADATA", metadata)
    return path


@pytest.fixture
def stand_ins(tmp_path, monkeypatch):
    """kit/build.py with the network parts replaced: one native wheel needing ``needs`` (set by the test)."""
    wheels = tmp_path / "stand-in wheels"
    state = {"needs": ["GLIBC_2.17"]}

    def pins(platform, python):
        return {"native": "1.0"}

    def download(platform, wanted, cache, say):
        tag = "win_amd64" if platform.windows else platform.wheel_platforms[-1]
        return {f"native-1.0-cp311-cp311-{tag}.whl": _wheel(wheels, f"native-1.0-cp311-cp311-{tag}.whl",
                                                              {"native/_core.so": fake_elf(state["needs"])})}

    monkeypatch.setattr(kitbuild, "runtime_pins", pins)
    monkeypatch.setattr(kitbuild, "download_wheels", download)
    monkeypatch.setattr(kitbuild, "download_pip", lambda cache: _wheel(wheels, "pip-26.0-py3-none-any.whl", {}))
    monkeypatch.setattr(kitbuild, "build_project_wheel",
                        lambda work: _wheel(work, f"xuncha-{VERSION}-py3-none-any.whl", {"pipeline/__init__.py": b""}))
    return state


def _build(tmp_path, platform: str, capsys) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    code = kitbuild.main(["--platform", platform, "--out", str(out), "--cache", str(tmp_path / "cache")])
    captured = capsys.readouterr()
    return code, captured.out + captured.err, out


def test_build_fails_when_a_compiled_file_needs_glibc_2_34(tmp_path, stand_ins, capsys):
    stand_ins["needs"] = ["GLIBC_2.17", "GLIBC_2.34"]
    code, said, out = _build(tmp_path, "linux-x64", capsys)
    assert code == 1
    assert "kit build failed: compiled files of the linux-x64 kit need a glibc newer than 2.28" in said
    assert "native/_core.so needs GLIBC_2.34" in said and "kit/constraints.txt" in said
    assert not out.exists() or not list(out.iterdir())


def test_build_fails_over_the_size_limit(tmp_path, stand_ins, capsys, monkeypatch):
    monkeypatch.setattr(kitbuild, "SIZE_LIMIT", 1000)
    code, said, out = _build(tmp_path, "linux-x64", capsys)
    assert code == 1 and "over the kit's limit" in said
    assert not out.exists() or not list(out.iterdir())  # nothing left behind, not even a partial zip


def test_build_reports_the_glibc_floor(tmp_path, stand_ins, capsys):
    stand_ins["needs"] = ["GLIBC_2.14", "GLIBC_2.28"]
    code, said, out = _build(tmp_path, "linux-arm64", capsys)
    assert code == 0, said
    kit = out / f"xuncha-{VERSION}-linux-arm64.zip"
    assert f"wrote {kit}" in said and "needs glibc >= 2.28" in said
    with zipfile.ZipFile(kit) as zf:
        info = json.loads(zf.read(f"xuncha-{VERSION}-linux-arm64/wheels/kit.json"))
    assert (info["glibc"], info["platform"], info["machines"]) == ("2.28", "linux-arm64", ["aarch64"])


def test_wheel_for_another_platform_is_refused(tmp_path):
    wheel = _wheel(tmp_path, "native-1.0-cp311-cp311-win_amd64.whl", {})
    with pytest.raises(KitError, match="for another platform than linux-x64"):
        kitbuild.check_wheels(PLATFORMS["linux-x64"], [wheel])
    sdist = tmp_path / "native-1.0.tar.gz"
    sdist.write_bytes(b"")
    with pytest.raises(KitError, match="not a wheel"):
        kitbuild.check_wheels(PLATFORMS["linux-x64"], [sdist])


@pytest.fixture
def tiny_kits(tmp_path, stand_ins, capsys) -> dict[str, Path]:
    kits = {}
    for name in ("windows-x64", "linux-x64"):
        code, said, out = _build(tmp_path, name, capsys)
        assert code == 0, said
        kits[name] = out / f"xuncha-{VERSION}-{name}.zip"
    return kits


def test_kit_layout(tiny_kits):
    for name, kit in tiny_kits.items():
        top = f"xuncha-{VERSION}-{name}/"
        scripts = ("install.bat", "uninstall.bat") if name == "windows-x64" else ("install.sh", "uninstall.sh")
        with zipfile.ZipFile(kit) as zf:
            names = set(zf.namelist())
            assert all(n.startswith(top) for n in names)
            assert {top + s for s in (*scripts, "kit_install.py", "安装说明.txt", "wheels/SHA256SUMS",
                                      "wheels/requirements.txt", "wheels/kit.json")} <= names
            guide = zf.getinfo(top + "安装说明.txt")
            assert guide.flag_bits & 0x800  # the name is marked UTF-8 for unzip tools
            text = zf.read(guide)
            assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Notepad shows it right
            guide_text = text[3:].decode("utf-8")
            assert "三步安装" in guide_text and "安装完成" in guide_text and "{" not in guide_text
            if name == "windows-x64":
                assert "\r\n" in guide_text and "\n" not in guide_text.replace("\r\n", "")
            else:
                assert "glibc 2.17 或更新" in guide_text and "loongarch64" in guide_text
            for script in scripts:
                mode = zf.getinfo(top + script).external_attr >> 16
                assert mode & 0o111 if script.endswith(".sh") else True, f"{script} lost its run bit"
            sums = zf.read(top + "wheels/SHA256SUMS").decode()
            for line in sums.splitlines():
                digest, member = line.split("  ")
                assert hashlib.sha256(zf.read(top + "wheels/" + member)).hexdigest() == digest
            listed = {line.split("  ")[1] for line in sums.splitlines()}
            assert listed == {n.removeprefix(top + "wheels/") for n in names
                              if n.startswith(top + "wheels/") and not n.endswith(("/", "SHA256SUMS"))}


def test_batch_files(tiny_kits):
    top = f"xuncha-{VERSION}-windows-x64/"
    with zipfile.ZipFile(tiny_kits["windows-x64"]) as zf:
        for name in ("install.bat", "uninstall.bat"):
            data = zf.read(top + name)
            assert not data.startswith(b"\xef\xbb\xbf"), "cmd.exe would run the BOM as part of the first command"
            text = data.decode("utf-8")  # UTF-8 without BOM
            assert b"\n" not in data.replace(b"\r\n", b""), "every line ends with CRLF"
            lines = text.split("\r\n")
            assert lines[:2] == ["@echo off", "chcp 65001 >nul"]
            assert not any(ord(ch) > 127 for line in lines[:2] for ch in line)
            # the kit's folder and the programs it runs are always quoted (spaces, Chinese, & in paths)
            assert all('"%KIT_DIR%kit_install.py"' in line for line in lines if "kit_install.py" in line
                       and not line.startswith("rem"))
            assert 'set "KIT_DIR=%~dp0"' in lines
            finders = [line for line in lines if line.startswith(("call :find", "if not defined PY call :find"))]
            assert [f.split(":find ")[1] for f in finders] == ["py -3.13", "py -3.12", "py -3.11", "python"]
        install = zf.read(top + "install.bat").decode("utf-8")
        assert "py -0" in install and "python --version" in install and "python.org" in install


def test_install_script_is_posix_sh_and_refuses_other_pythons(tiny_kits, tmp_path):
    folder = _unzip(tiny_kits["linux-x64"], tmp_path / "解压 后")
    for script in ("install.sh", "uninstall.sh"):
        assert subprocess.run(["sh", "-n", str(folder / script)]).returncode == 0
    # A computer whose only Python is 3.10: the script says how to check and where to get one.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "cat"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    (bin_dir / "python3").write_text('#!/bin/sh\necho "Python 3.10.12"\nexit 1\n', encoding="utf-8")
    (bin_dir / "python3").chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path / "home"), "PYTHON": str(bin_dir / "python3")}
    proc = subprocess.run([shutil.which("sh"), str(folder / "install.sh")], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "未找到可用的 Python。巡察工作统计需要 Python 3.11、3.12 或 3.13（64 位）。" in proc.stdout
    assert "python3 --version" in proc.stdout and "PYTHON=" in proc.stdout
    assert "环境变量 PYTHON 指定的" in proc.stdout


@pytest.mark.skipif(HOST_PLATFORM is None, reason="needs a Linux x86_64 or aarch64 machine")
def test_install_refuses_a_damaged_kit(tmp_path, stand_ins, capsys):
    code, said, out = _build(tmp_path, HOST_PLATFORM, capsys)
    assert code == 0, said
    folder = _unzip(out / f"xuncha-{VERSION}-{HOST_PLATFORM}.zip", tmp_path / "安装 包")
    wheel = next((folder / "wheels").glob("native-*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"x")
    (folder / "wheels" / "extra-1.0-py3-none-any.whl").write_bytes(b"")
    proc = subprocess.run([sys.executable, str(folder / "kit_install.py"), "install"], capture_output=True,
                          text=True, env={**_clean_env(), "HOME": str(tmp_path / "home")})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"安装未完成：安装文件核对不符（内容不符 {wheel.name}；多出 extra-1.0-py3-none-any.whl）" in proc.stdout
    assert not (tmp_path / "home" / "巡察统计").exists()


@pytest.mark.skipif(HOST_PLATFORM is None, reason="needs a Linux x86_64 or aarch64 machine")
def test_install_refuses_a_kit_for_another_processor(tmp_path, stand_ins, capsys):
    other = "linux-arm64" if HOST_PLATFORM == "linux-x64" else "linux-x64"
    code, said, out = _build(tmp_path, other, capsys)
    folder = _unzip(out / f"xuncha-{VERSION}-{other}.zip", tmp_path / "安装 包")
    proc = subprocess.run([sys.executable, str(folder / "kit_install.py"), "install"], capture_output=True,
                          text=True, env={**_clean_env(), "HOME": str(tmp_path / "home")})
    assert proc.returncode == 1 and "请改用对应的安装包" in proc.stdout and "龙芯" in proc.stdout


@pytest.fixture
def kit_install(monkeypatch):
    """kit/files/kit_install.py as a module (it is shipped as a loose file, not as part of a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kit_install", ROOT / "kit" / "files" / "kit_install.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_windows_folders_for_a_chinese_user_name(kit_install, monkeypatch, tmp_path):
    # What Windows' environment gives a user named 张三; the known-folder API is absent here, so the
    # Documents folder falls back to %USERPROFILE%\Documents (on Windows, the shell's own answer).
    profile = tmp_path / "Users" / "张三"
    monkeypatch.setattr(kit_install, "WINDOWS", True)
    monkeypatch.setenv("LOCALAPPDATA", str(profile / "AppData" / "Local"))
    monkeypatch.setenv("USERPROFILE", str(profile))
    assert kit_install.app_folder() == profile / "AppData" / "Local" / "xuncha"
    assert kit_install.data_folder() == profile / "Documents" / "巡察统计"
    (profile / "Desktop").mkdir(parents=True)
    (profile / "Desktop" / "巡察统计工作台.bat").write_text("@echo off\r\n", encoding="ascii")
    (profile / "Desktop" / "other.bat").write_text("@echo off\r\n", encoding="ascii")
    assert kit_install.launcher_paths({}) == [profile / "Desktop" / "巡察统计工作台.bat"]


def test_kit_install_refuses_a_microsoft_store_python(kit_install, monkeypatch):
    store = r"C:\Program Files\WindowsApps\PythonSoftwareFoundation.Python.3.12_3.12.10_x64__qbz5n2kfra8p0"
    monkeypatch.setattr(kit_install, "WINDOWS", True)
    monkeypatch.setattr(kit_install, "Path", __import__("pathlib").PureWindowsPath)
    monkeypatch.setattr(kit_install.platform, "machine", lambda: "AMD64")
    monkeypatch.setattr(kit_install.sys, "base_prefix", store)
    kit = {"machines": ["AMD64"], "platform": "windows-x64", "label": "Windows 10/11 64 位", "glibc": None}
    with pytest.raises(kit_install.Failed, match="微软应用商店"):
        kit_install.check_computer(kit)


# ------------------------------------------------------------------ the lock, CI and the README

def test_lock_pins_everything_for_every_platform():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert "python kit/lock.py" in lock.splitlines()[1]
    reqs = [Requirement(line.split(" #")[0]) for line in lock.splitlines()
            if line.strip() and not line.startswith(("#", " "))]
    assert all(len(r.specifier) == 1 and next(iter(r.specifier)).operator == "==" for r in reqs)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = [Requirement(r) for r in pyproject["dependencies"] + pyproject["optional-dependencies"]["test"]]
    for platform in PLATFORMS.values():
        for python in PYTHONS:
            env = target_environment(platform, python)
            locked = {canonicalize_name(r.name): next(iter(r.specifier)).version for r in reqs
                      if r.marker is None or r.marker.evaluate(env)}
            for req in direct:  # every dependency pinned once, inside pyproject.toml's range
                pinned = locked.get(canonicalize_name(req.name))
                assert pinned is not None, f"requirements.lock misses {req.name}: run python kit/lock.py"
                assert req.specifier.contains(pinned), f"{req} but the lock pins {pinned}: run python kit/lock.py"
            assert ("colorama" in locked) == platform.windows  # tqdm's, on Windows only


def test_ci_and_readme_install_from_the_lock():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.lock -r kit/requirements.txt && pip install --no-deps -e ." in readme
    assert ci.count("python -m pip install -q -r requirements.lock -r kit/requirements.txt") == 2
    assert "python -m pip install --no-deps -e ." in ci and "-e .[" not in ci and "-e \".[" not in ci
    assert ci.count("-m pytest") == 2 and "3.13" in ci  # the suite again on Python 3.13
    for text in ("## 离线安装", "python kit/build.py --platform", "python kit/lock.py", "loongarch64", "glibc 2.28"):
        assert text in readme, text


def test_build_and_lock_run_as_scripts():
    for script in ("kit/build.py", "kit/lock.py"):
        proc = subprocess.run([sys.executable, script, "--help"], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0 and "usage:" in proc.stdout, proc.stderr


def test_manylinux_tags_up_to_2_28():
    x64, arm = PLATFORMS["linux-x64"].wheel_platforms, PLATFORMS["linux-arm64"].wheel_platforms
    assert x64[0] == "manylinux_2_28_x86_64" and "manylinux_2_29_x86_64" not in x64
    assert {"manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"} <= set(x64)
    assert arm[0] == "manylinux_2_28_aarch64" and "manylinux2014_aarch64" in arm
    assert not any("2_16" in tag or "2010" in tag for tag in arm)  # aarch64 wheels start at glibc 2.17
    assert GLIBC_MAX == (2, 28)


# ------------------------------------------------------------------ the real kits (PyPI, once a session)

def _pypi_reachable() -> str | None:
    """None when PyPI answers, else why not."""
    for host_name in ("pypi.org", "files.pythonhosted.org"):
        try:
            socket.create_connection((host_name, 443), timeout=10).close()
        except OSError as exc:
            return f"{host_name}: {exc}"
    return None


@pytest.fixture(scope="session")
def real_kits(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("kits")
    cache = Path(os.environ.get("XUNCHA_KIT_CACHE") or tmp_path_factory.mktemp("kit-cache"))
    kits = {}
    for name in ("linux-x64", "windows-x64"):
        try:
            kits[name] = kitbuild.build_kit(PLATFORMS[name], out, cache, say=lambda text: None)
        except KitError:
            why = _pypi_reachable()
            if why is not None:
                pytest.skip(f"the kit is built from PyPI, which cannot be reached here ({why})")
            raise
    return kits


def _unzip(kit: Path, dest: Path) -> Path:
    """Extract like unzip does, keeping the run bits; the kit's folder."""
    with zipfile.ZipFile(kit) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, dest))
            mode = info.external_attr >> 16 & 0o777
            if mode:
                path.chmod(mode)
    return dest / kit.stem


def _clean_env() -> dict[str, str]:
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_DESKTOP_DIR")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PIP_")}


@pytest.mark.slow
def test_linux_kit_holds_wheels_for_glibc_2_28(real_kits, tmp_path):
    folder = _unzip(real_kits["linux-x64"], tmp_path)
    info = json.loads((folder / "wheels" / "kit.json").read_text(encoding="utf-8"))
    floor = None
    for wheel in (folder / "wheels").glob("*.whl"):
        for tag in parse_wheel_filename(wheel.name)[3]:
            assert tag.platform in ("any", *PLATFORMS["linux-x64"].wheel_platforms), wheel.name
        for _, needed in glibc.wheel_needs(wheel):
            floor = max(floor or needed, needed or floor) if needed else floor
    assert floor is not None and floor <= GLIBC_MAX and info["glibc"] == glibc.show(floor)
    assert real_kits["linux-x64"].stat().st_size < 300e6
    for python in PYTHONS:  # 3.12 is not installed below: resolve it offline from the kit
        _pip_dry_run(folder, PLATFORMS["linux-x64"], python)


@pytest.mark.slow
def test_windows_kit_resolves_offline_for_each_python(real_kits, tmp_path):
    folder = _unzip(real_kits["windows-x64"], tmp_path)
    wheels = list((folder / "wheels").glob("*.whl"))
    assert any(w.name.startswith("colorama-") for w in wheels)  # tqdm's dependency on Windows
    assert real_kits["windows-x64"].stat().st_size < 300e6
    for python in PYTHONS:
        abi = "cp" + python.replace(".", "")
        for wheel in wheels:
            tags = parse_wheel_filename(wheel.name)[3]
            assert all(t.platform in ("any", "win_amd64") for t in tags), wheel.name
        assert any(abi in {t.abi for t in parse_wheel_filename(w.name)[3]} for w in wheels), python
        _pip_dry_run(folder, PLATFORMS["windows-x64"], python)
        # uv evaluates the markers for Windows (pip above evaluates them for this Linux machine):
        # the kit's wheels resolve offline to exactly the kit's pinned versions, colorama included
        (tmp_path / "xuncha.in").write_text("xuncha\n", encoding="utf-8")
        resolved = uv("pip", "compile", str(tmp_path / "xuncha.in"), "--offline", "--no-index",
                               "--find-links", str(folder / "wheels"), "--python-platform", "x86_64-pc-windows-msvc",
                               "--python-version", python, "--only-binary", ":all:", "--no-header", "--no-annotate",
                               "--quiet")
        got = {line.strip() for line in resolved.splitlines() if "==" in line}
        assert any(pin.startswith("colorama==") for pin in got)
        assert got == _kit_pins(folder, python)


def _kit_pins(folder: Path, python: str) -> set[str]:
    """wheels/requirements.txt of a kit, for one Python version."""
    env = {"python_version": python, "python_full_version": f"{python}.0"}
    pins = set()
    for line in (folder / "wheels" / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate(env):
                pins.add(f"{canonicalize_name(req.name)}=={next(iter(req.specifier)).version}")
    return pins


def _pip_dry_run(folder: Path, platform, python: str) -> None:
    """pip resolves xuncha from the kit's wheels alone for that platform and Python version."""
    command = [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--no-index", "--find-links",
               str(folder / "wheels"), "--python-version", python, "--implementation", "cp", "--only-binary=:all:",
               "--target", str(folder.parent / f"target-{python}"), "--disable-pip-version-check"]
    for tag in platform.wheel_platforms:
        command += ["--platform", tag]
    proc = subprocess.run([*command, "xuncha"], capture_output=True, text=True, env=_clean_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"xuncha-{VERSION}" in proc.stdout and "pandas-" in proc.stdout


# ------------------------------------------------------------------ installing the Linux kit offline

def _python(version: str) -> Path | None:
    """A CPython ``version`` on this machine (pyenv's, or on PATH), verified by running it."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = sorted(root.glob(f"versions/{version}.*/bin/python{version}"), reverse=True)
    candidates += [Path(p) for p in [shutil.which(f"python{version}")] if p]
    for path in candidates:
        proc = subprocess.run([str(path), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True)
        if proc.returncode == 0 and proc.stdout.strip() == version:
            return path
    return None


def _offline() -> list[str]:
    """The prefix that runs a command without network (unshare -n); skip when it is not permitted."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed (util-linux): cannot cut the network for the install test")
    proc = subprocess.run([unshare, "-n", "true"], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"unshare -n is not permitted here (run as root, as CI does): {proc.stderr.strip()}")
    return [unshare, "-n"]


@pytest.mark.slow
@pytest.mark.skipif(host.machine() != "x86_64", reason="the linux-x64 kit installs on x86_64 only")
@pytest.mark.parametrize("version", ["3.11", "3.13"])
def test_linux_kit_installs_offline_and_runs_annual(real_kits, tmp_path, version):
    python = _python(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine (pyenv install {version})")
    offline = _offline()
    folder = _unzip(real_kits["linux-x64"], tmp_path / "离线 安装包")
    home = tmp_path / "用户 主目录"
    home.mkdir()
    env = {**_clean_env(), "HOME": str(home), "PYTHON": str(python), "LANG": "C.UTF-8"}

    def run(*command, cwd=home) -> subprocess.CompletedProcess:
        return subprocess.run([*offline, *map(str, command)], cwd=cwd, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=1800)

    proc = run(folder / "install.sh", cwd=folder)
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0, said
    venv, data = home / ".local/share/xuncha/venv", home / "巡察统计"
    desktop = home / "Desktop" / "巡察统计工作台.desktop"  # no desktop folder yet: ~/Desktop is made
    menu = home / ".local/share/applications/xuncha-workbench.desktop"
    assert f"使用的 Python：{version}" in said and "\n安装完成。\n" in said
    assert f"桌面快捷方式：{desktop}" in said and f"数据文件夹：{data}" in said
    assert (data / "inputs").is_dir() and (data / "outputs").is_dir() and desktop.is_file() and menu.is_file()
    assert f'Exec="{venv}/bin/python" "-m" "pipeline.launch" "serve" "--inputs" "{data}/inputs"' in \
        desktop.read_text(encoding="utf-8")
    xuncha = venv / "bin" / "xuncha"
    # exactly the kit's (the lock's) versions are installed
    versions = run(venv / "bin" / "python", "-c", "import importlib.metadata as m; "
                   "print(*(f'{n}=={m.version(n)}' for n in ('pandas', 'numpy', 'matplotlib', 'xuncha')))")
    assert versions.returncode == 0, versions.stderr
    assert set(versions.stdout.split()) <= _kit_pins(folder, version), versions.stdout

    # The installed program, offline: the sample county's annual statistics.
    assert run(xuncha, "sample", "--out", home / "示例" / "inputs").returncode == 0
    proc = run(xuncha, "annual", "--year", "2020", "--inputs", home / "示例" / "inputs", "--outputs",
               home / "示例" / "outputs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = home / "示例" / "outputs" / "2020年度"
    assert (result / "巡察工作统计_2020年度.xlsx").stat().st_size > 0
    assert json.loads((result / "metrics.json").read_text(encoding="utf-8"))["county"] == "示例县"

    # Installing again upgrades in place: the data folder and written explanations are kept.
    explanation = data / "inputs" / "核实说明（工作台）.xlsx"
    explanation.write_bytes(b"written by the office")
    (data / "outputs" / "结果.txt").write_text("kept", encoding="utf-8")
    proc = run(folder / "install.sh", cwd=folder)
    assert proc.returncode == 0 and "安装完成" in proc.stdout, proc.stdout + proc.stderr
    assert explanation.read_bytes() == b"written by the office"
    assert (data / "outputs" / "结果.txt").read_text(encoding="utf-8") == "kept"
    assert run(xuncha, "--version").stdout.strip() == f"xuncha {VERSION}"

    # Uninstall: the program, the shortcut and the menu entry go; the data folder stays.
    proc = run(folder / "uninstall.sh", cwd=folder)
    assert proc.returncode == 0 and "已卸载巡察工作统计" in proc.stdout, proc.stdout + proc.stderr
    assert not (home / ".local/share/xuncha").exists() and not desktop.exists() and not menu.exists()
    assert explanation.is_file() and f"数据文件夹 {data} 已保留" in proc.stdout
