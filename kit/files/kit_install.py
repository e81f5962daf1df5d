"""巡察工作统计（xuncha）离线安装包：安装和卸载的执行程序。

install.sh / install.bat find a Python 3.11-3.13 (64-bit) and run this file with it:
``python kit_install.py install`` or ``python kit_install.py uninstall``. Standard library only,
no network, no administrator rights; everything it writes is in the user's own folders:

- the program: a venv in %LOCALAPPDATA%\\xuncha\\venv (Windows) or ~/.local/share/xuncha/venv,
  with install.json (what was installed where, for uninstall) and install.log beside it;
- the data folder 巡察统计 (Documents on Windows, the home folder on Linux) with inputs/ and
  outputs/, made when absent and never removed or overwritten;
- the desktop shortcut (and on Linux the menu entry), written by ``xuncha serve --make-shortcut``.

Running install again upgrades in place: the same venv gets the kit's exact versions.
Messages are Chinese, for the office's IT person; the exit code is 0 only when all worked.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

KIT = Path(__file__).resolve().parent
WHEELS = KIT / "wheels"
DATA_NAME = "巡察统计"
SHORTCUT_NAME = "巡察统计工作台"
MENU_ENTRY_FILE = "xuncha-workbench.desktop"
SHORTCUT_SAID = "已生成工作台快捷方式："  # the lines `xuncha serve --make-shortcut` prints
MENU_SAID = "已加入应用程序菜单："
WINDOWS = os.name == "nt"
STEP_TIMEOUT = 30 * 60  # seconds; pip installing ~40 wheels on a slow office computer takes minutes


def say(text: str) -> None:
    try:
        print(text, flush=True)
    except BrokenPipeError:  # e.g. `sh install.sh | head`: keep installing, say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class Failed(Exception):
    """A step failed; the message says what happened and what to do, in Chinese."""


class Installer:
    def __init__(self, say=say):
        self.say = say
        self.kit = json.loads((WHEELS / "kit.json").read_text(encoding="utf-8"))
        self.base = app_folder()
        self.venv = self.base / "venv"
        self.log_path = self.base / "install.log"
        self._log = None

    # ---------------------------------------------------------------- paths

    @property
    def python(self) -> Path:
        return self.venv / ("Scripts/python.exe" if WINDOWS else "bin/python")

    @property
    def xuncha(self) -> Path:
        return self.venv / ("Scripts/xuncha.exe" if WINDOWS else "bin/xuncha")

    # ---------------------------------------------------------------- running things

    def log(self, text: str) -> None:
        if self._log is not None:
            self._log.write(text.rstrip("\n") + "\n")
            self._log.flush()

    def run(self, command: list, what: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """Run a step's command, output to the log; Failed (naming ``what``) when it does not succeed."""
        command = [str(part) for part in command]
        self.log(f"$ {subprocess.list2cmdline(command)}")
        # UTF-8 output to read back; not PYTHONUTF8, which would change the encoding of the .bat launcher
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PIP_NO_INPUT": "1"}
        env.pop("PYTHONPATH", None)
        env.pop("PYTHONHOME", None)
        try:
            proc = subprocess.run(command, cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL, env=env,
                                  timeout=STEP_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.log(str(exc))
            raise Failed(f"{what}失败：{exc}") from None
        out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        self.log(out)
        if proc.returncode != 0:
            tail = "\n".join(out.strip().splitlines()[-8:])
            raise Failed(f"{what}失败（退出码 {proc.returncode}）。最后几行输出：\n{tail}")
        proc.text = proc.stdout.decode("utf-8", "replace")
        return proc

    # ---------------------------------------------------------------- install

    def install(self) -> dict:
        kit = self.kit
        self.say(f"巡察工作统计 {kit['version']} 离线安装 —— {kit['label']}")
        self.say(f"使用的 Python：{platform.python_version()}（{sys.executable}）")
        check_computer(kit)
        self.base.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - open for the whole install
        try:
            record = self._install_steps()
        finally:
            self._log.close()
            self._log = None
        shortcut, menu, data = record["shortcut"], record["menu"], record["data"]
        self.say("")
        self.say("安装完成。")
        self.say(f"  桌面快捷方式：{shortcut}")
        if menu:
            self.say(f"  应用程序菜单：{menu}（菜单中名为“{SHORTCUT_NAME}”）")
        self.say(f"  数据文件夹：{data}（填报工作簿放进 inputs，统计结果在 outputs）")
        self.say(f"  双击桌面上的“{SHORTCUT_NAME}”即可启动；命令行程序：{self.xuncha}")
        return record

    def _install_steps(self) -> dict:
        kit = self.kit
        self.log(f"kit {kit['name']}, Python {sys.version} at {sys.executable}")
        self.say("[1/6] 核对安装文件……")
        check_sums()
        self.say(f"[2/6] 准备运行环境：{self.venv}")
        reused = self.prepare_venv()
        self.say("[3/6] 安装程序和所需的包（不联网，约需 1—5 分钟）……")
        self.install_wheels(reused)
        data = data_folder()
        self.say(f"[4/6] 数据文件夹：{data}")
        try:
            for sub in ("inputs", "outputs"):
                (data / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Failed(f"无法建立数据文件夹 {data}：{exc}") from None
        self.say("[5/6] 生成桌面快捷方式……")
        shortcut, menu = self.make_shortcut(data)
        self.say("[6/6] 自检……")
        self.self_check()
        record = {"version": kit["version"], "platform": kit["platform"], "python": sys.executable,
                  "venv": str(self.venv), "data": str(data), "shortcut": str(shortcut),
                  "menu": str(menu) if menu else None}
        (self.base / "install.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), "utf-8")
        return record

    def prepare_venv(self) -> bool:
        """The venv, kept when it runs this same Python version (an upgrade); True when it was kept."""
        same = f"{sys.version_info[0]}.{sys.version_info[1]}"
        if self.python.exists():
            with contextlib.suppress(Failed):
                found = self.run([self.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 "检查已有的运行环境").text.strip()
                if found == same:
                    return True
            self.say(f"  已有的运行环境不是 Python {same} 的（或已损坏），重新建立。")
        try:
            if self.venv.exists():
                shutil.rmtree(self.venv)
            # without pip: ensurepip is missing from some Linux Pythons; pip comes from the kit below
            venv.EnvBuilder(with_pip=False, symlinks=not WINDOWS, clear=True).create(self.venv)
        except OSError as exc:
            raise Failed(f"无法建立运行环境 {self.venv}：{exc}。"
                         + ("如工作台正在运行，请先关闭它的窗口，再重新安装。" if WINDOWS else "")) from None
        return False

    def install_wheels(self, reused: bool) -> None:
        pip_wheel = next(WHEELS.glob("pip-*.whl"), None)
        if pip_wheel is None:
            raise Failed("安装包中缺少 pip，请重新拷贝完整的安装包。")
        try:
            self.run([self.python, "-m", "pip", "--version"], "检查 pip")
        except Failed:  # pip runs from its own wheel to install itself
            self.run([self.python, pip_wheel / "pip", "install", "--isolated", "--no-index", "--no-deps",
                      "--disable-pip-version-check", "--quiet", pip_wheel], "安装 pip")
        pip = [self.python, "-m", "pip", "install", "--isolated", "--no-index", "--find-links", WHEELS,
               "--disable-pip-version-check", "--no-warn-script-location", "--quiet"]
        hint = "如工作台正在运行，请先关闭它的窗口，再重新安装。" if WINDOWS else ""
        try:
            self.run([*pip, "--requirement", WHEELS / "requirements.txt"], "安装程序和所需的包")
            if reused:  # the same version number may hold newer code: always put the kit's program in
                project = next(WHEELS.glob("xuncha-*.whl"))
                self.run([*pip, "--no-deps", "--force-reinstall", project], "更新程序")
        except Failed as exc:
            raise Failed(f"{exc}\n{hint}".strip()) from None

    def make_shortcut(self, data: Path) -> tuple[Path, Path | None]:
        proc = self.run([self.xuncha, "serve", "--make-shortcut", "--inputs", data / "inputs",
                         "--outputs", data / "outputs"], "生成桌面快捷方式", cwd=data)
        said = {line.split("：", 1)[0] + "：": line.split("：", 1)[1].strip()
                for line in proc.text.splitlines() if "：" in line}
        if SHORTCUT_SAID not in said:
            raise Failed(f"生成桌面快捷方式失败：程序没有报告快捷方式的位置。输出：{proc.text.strip()}")
        menu = said.get(MENU_SAID)
        return Path(said[SHORTCUT_SAID]), Path(menu) if menu else None

    def self_check(self) -> None:
        """xuncha --version, then sample and validate in a temporary folder."""
        proc = self.run([self.xuncha, "--version"], "自检（xuncha --version）")
        if proc.text.strip() != f"xuncha {self.kit['version']}":
            raise Failed(f"自检失败：xuncha --version 显示“{proc.text.strip()}”，应为 xuncha {self.kit['version']}。")
        with tempfile.TemporaryDirectory(prefix="xuncha-selfcheck-") as tmp:
            work = Path(tmp)
            self.run([self.xuncha, "sample", "--out", work / "inputs"], "自检（生成示例数据 xuncha sample）", cwd=work)
            self.run([self.xuncha, "validate", "--inputs", work / "inputs", "--outputs", work / "outputs"],
                     "自检（校验示例数据 xuncha validate）", cwd=work)
            if not (work / "outputs" / "校验报告.xlsx").is_file():
                raise Failed("自检失败：校验示例数据后没有生成校验报告。")

    # ---------------------------------------------------------------- uninstall

    def uninstall(self) -> None:
        record = {}
        with contextlib.suppress(OSError, ValueError):
            record = json.loads((self.base / "install.json").read_text(encoding="utf-8"))
        if not self.base.exists():
            self.say("这台电脑上（当前用户）没有安装巡察工作统计，无需卸载。")
            return
        removed = []
        for path in launcher_paths(record):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
        try:
            shutil.rmtree(self.base)
        except OSError as exc:
            raise Failed(f"无法删除 {self.base}：{exc}。"
                         + ("如工作台正在运行，请先关闭它的窗口，再重新卸载。" if WINDOWS else "")) from None
        self.say("已卸载巡察工作统计。")
        self.say(f"  已删除：{self.base}")
        for path in removed:
            self.say(f"  已删除：{path}")
        data = Path(record.get("data") or data_folder())
        self.say(f"  数据文件夹 {data} 已保留（填报工作簿、统计结果和核实说明都在其中），不需要时可自行删除。")


# -------------------------------------------------------------------- the computer

def app_folder() -> Path:
    """Where the program goes: %LOCALAPPDATA%\\xuncha, or ~/.local/share/xuncha ($XDG_DATA_HOME)."""
    if WINDOWS:
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "xuncha"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "xuncha"


def data_folder() -> Path:
    """巡察统计 in the user's Documents (Windows) or home folder (Linux)."""
    if WINDOWS:
        return _windows_known_folder("{FDD39AD0-238F-46AF-ADB4-6C85480369C7}", "Documents") / DATA_NAME
    return Path.home() / DATA_NAME


def _windows_known_folder(guid: str, fallback: str) -> Path:
    """A Windows known folder as Explorer shows it (Documents may be moved, e.g. to D: or OneDrive)."""
    with contextlib.suppress(Exception):
        import ctypes
        import uuid

        raw = (ctypes.c_ubyte * 16).from_buffer_copy(uuid.UUID(guid).bytes_le)
        buffer = ctypes.c_wchar_p()
        if ctypes.windll.shell32.SHGetKnownFolderPath(ctypes.byref(raw), 0, None, ctypes.byref(buffer)) == 0:
            try:
                return Path(buffer.value)
            finally:
                ctypes.windll.ole32.CoTaskMemFree(buffer)
    return Path(os.environ.get("USERPROFILE") or Path.home()) / fallback


def launcher_paths(record: dict) -> list[Path]:
    """The launchers an install may have written: the recorded ones, else where they usually are."""
    paths = [Path(record[key]) for key in ("shortcut", "menu") if record.get(key)]
    home = Path.home()
    if WINDOWS:
        desktops = [_windows_known_folder("{B4BFCC3A-DB2C-424C-B029-7FE99A87C641}", "Desktop")]
        paths += [folder / f"{SHORTCUT_NAME}.bat" for folder in desktops]
    else:
        desktops = [home / "Desktop", home / "桌面"]
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            named = subprocess.run(["xdg-user-dir", "DESKTOP"], capture_output=True, timeout=10).stdout
            if named.strip():
                desktops.insert(0, Path(os.fsdecode(named.strip())))
        paths += [folder / f"{SHORTCUT_NAME}.desktop" for folder in desktops]
        data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
        paths.append(data_home / "applications" / MENU_ENTRY_FILE)
    ours = {f"{SHORTCUT_NAME}.bat", f"{SHORTCUT_NAME}.desktop", MENU_ENTRY_FILE}
    unique = []
    for path in paths:
        if path.name in ours and path.is_file() and path not in unique:
            unique.append(path)
    return unique


def check_computer(kit: dict) -> None:
    """The kit fits this computer: its processor, and on Linux a glibc at least as new as the kit needs."""
    machine = platform.machine()
    if machine.lower() not in {m.lower() for m in kit["machines"]}:
        raise Failed(f"这个安装包适用于 {kit['label']}，而这台电脑是 {platform.system()} {machine}，"
                     "请改用对应的安装包（文件名中的 windows-x64、linux-x64、linux-arm64）。"
                     "龙芯（loongarch64）电脑暂不支持。")
    if (kit["platform"] == "windows-x64") != WINDOWS:
        raise Failed(f"这个安装包适用于 {kit['label']}，请改用本系统对应的安装包。")
    if WINDOWS and "WindowsApps" in Path(sys.executable).parts + Path(sys.base_prefix).parts:
        # the Microsoft Store's Python writes %LOCALAPPDATA% into its own hidden copy: shortcuts would not find it
        raise Failed("找到的是微软应用商店（Microsoft Store）版的 Python，不能用于安装。请从 python.org 下载"
                     "“Windows installer 64-bit”安装 Python 3.11—3.13，再运行 install.bat。")
    if not WINDOWS and kit.get("glibc"):
        name, found = platform.libc_ver()
        if name != "glibc" or _version(found) < _version(kit["glibc"]):
            raise Failed(f"这台电脑的 C 运行库是 {name or '未知'} {found}，本安装包需要 glibc {kit['glibc']} 或更新"
                         "（统信 UOS 20、麒麟 V10 及以后的版本都满足）。可在终端运行 ldd --version 查看。")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def check_sums() -> None:
    """Every file in wheels/ is listed in SHA256SUMS with the right sum, and every listed file is there."""
    sums_file = WHEELS / "SHA256SUMS"
    if not sums_file.is_file():
        raise Failed("安装包不完整：缺少 wheels/SHA256SUMS。请重新拷贝完整的安装包（整个 zip 解压后的文件夹）。")
    listed = {}
    for line in sums_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(None, 1)
            listed[name.lstrip("*").strip()] = digest.lower()
    present = {p.name for p in WHEELS.iterdir() if p.is_file() and p.name != "SHA256SUMS"}
    missing, extra = sorted(set(listed) - present), sorted(present - set(listed))
    broken = []
    for name in sorted(set(listed) & present):
        digest = hashlib.sha256()
        with open(WHEELS / name, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != listed[name]:
            broken.append(name)
    if missing or broken or extra:
        parts = [f"缺少 {', '.join(missing)}" if missing else "", f"内容不符 {', '.join(broken)}" if broken else "",
                 f"多出 {', '.join(extra)}" if extra else ""]
        raise Failed("安装文件核对不符（" + "；".join(p for p in parts if p) + "）。安装包可能没有拷贝完整或已损坏："
                     "请重新拷贝 zip 文件、完整解压后再安装，不要向 wheels 文件夹中添加或删除文件。")


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")
    parser = argparse.ArgumentParser(description="巡察工作统计离线安装包的安装和卸载")
    parser.add_argument("action", choices=("install", "uninstall"))
    args = parser.parse_args(argv)
    try:
        installer = Installer()
    except (OSError, ValueError, KeyError) as exc:
        say(f"安装包不完整（{exc}）。请重新拷贝完整的安装包，解压后再运行。")
        return 1
    try:
        if args.action == "install":
            installer.install()
        else:
            installer.uninstall()
    except (Failed, OSError) as exc:
        say("")
        say(("安装未完成：" if args.action == "install" else "卸载未完成：") + str(exc))
        if args.action == "install" and installer.log_path.exists():
            say(f"详细记录在 {installer.log_path}，向技术人员求助时请一并提供。")
        return 1
    except KeyboardInterrupt:
        say("\n已中断。重新运行即可继续。")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
