"""The wheel works on its own: built from the project, installed non-editable, run from another folder.

The wheel is installed into a fresh virtual environment without pip and without the system
site-packages. The dependencies (pandas, matplotlib, ...) are borrowed from the interpreter running
the tests through a plain path list in a ``.pth`` file: directories named there are put on
``sys.path`` after the venv's own site-packages, and the ``.pth`` files inside them (such as the
editable install of this project) are not processed, so ``pipeline`` can only come from the wheel.

Besides, a quick static check that ``pyproject.toml`` lists every sub-package and data file.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import site
import subprocess
import sys
import tomllib
import venv
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import pytest

from county import write_county

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = re.search(r'^__version__ = "([^"]+)"', (ROOT / "pipeline" / "__init__.py").read_text(encoding="utf-8"),
                    re.M).group(1)
SOURCES = ("pyproject.toml", "README.md", "pipeline", "schemas")  # what the build reads


def _package_dirs() -> dict[str, Path]:
    """Every package the wheel must hold, by dotted name, with its source folder (package-dir applied)."""
    found = {}
    for folder in [ROOT / "pipeline", *(ROOT / "pipeline").rglob("*")]:
        if folder.is_dir() and folder.name != "__pycache__" and any(f.is_file() for f in folder.iterdir()):
            found[".".join(folder.relative_to(ROOT).parts)] = folder
    for name, rel in PYPROJECT["tool"]["setuptools"].get("package-dir", {}).items():
        found[name] = ROOT / rel
    return found


def test_pyproject_lists_every_package():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    missing = set(_package_dirs()) - listed
    assert not missing, f"add these sub-packages to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


def test_pyproject_ships_every_data_file():
    patterns = PYPROJECT["tool"]["setuptools"].get("package-data", {})
    unshipped = [str(f.relative_to(ROOT)) for name, folder in _package_dirs().items() for f in folder.iterdir()
                 if f.is_file() and f.suffix not in (".py", ".pyc")
                 and not any(fnmatch(f.name, p) for p in patterns.get(name, []))]
    assert not unshipped, f"add patterns to [tool.setuptools.package-data] for: {unshipped}"


def test_one_version_number():
    assert "version" not in PYPROJECT["project"]
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pipeline.__version__"}


def _setuptools_builds_offline() -> bool:
    """True when this interpreter's setuptools can build the wheel itself (>= 70.1 needs no `wheel`)."""
    try:
        major, minor = (int(x) for x in importlib.metadata.version("setuptools").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (70, 1)


def _build_wheel(work: Path) -> Path:
    """Build the wheel from a clean copy of the sources (a stale build/ folder cannot leak in)."""
    pytest.importorskip("build", reason="the `build` package is not installed (pip install -e \".[test]\")")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    # Without build isolation when this environment can (no package index needed), else isolated.
    isolation = ["--no-isolation"] if _setuptools_builds_offline() else []
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", *isolation, "--outdir", str(work / "dist"),
                           str(src)], capture_output=True, text=True, env=_clean_env())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    wheels = list((work / "dist").glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _clean_env() -> dict[str, str]:
    """The environment without anything that would put the source checkout on the path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(work)
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "--no-index", "--disable-pip-version-check", "-q", str(wheel)],
                          capture_output=True, text=True, env=_clean_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    outer = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "_borrowed_dependencies.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    script = env_dir / ("Scripts/xuncha.exe" if os.name == "nt" else "bin/xuncha")
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return {"wheel": wheel, "python": python, "xuncha": script, "purelib": Path(purelib), "cwd": elsewhere}


def _xuncha(installed: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(installed["xuncha"]), *args], cwd=installed["cwd"], capture_output=True,
                          text=True, encoding="utf-8", errors="replace", env=_clean_env())


def test_wheel_holds_the_standard_and_the_wording(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    expected = {f"pipeline/schemas/{f.name}" for f in (ROOT / "schemas").glob("*.toml")}
    expected |= {f"pipeline/render/wording/{f.name}" for f in (ROOT / "pipeline/render/wording").glob("*.j2")}
    assert {"pipeline/schemas/standard.toml", "pipeline/render/wording/年度巡察工作总结.md.j2"} <= expected
    assert expected <= names
    assert installed["wheel"].name == f"xuncha-{VERSION}-py3-none-any.whl"
    assert not [n for n in names if n.startswith(("tests/", "bench/", "inputs/", "schemas/"))]


def test_wheel_holds_the_workbench_pages(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    folder = ROOT / "pipeline" / "workbench"
    expected = {f"pipeline/workbench/{f.relative_to(folder).as_posix()}"
                for f in [*folder.glob("templates/*.html"), *folder.glob("static/*")]}
    assert {"pipeline/workbench/templates/base.html", "pipeline/workbench/static/workbench.css"} <= expected
    assert expected <= names
    code = ("import pipeline.workbench.pages as p; print(p.TEMPLATE_DIR); "
            "print(p.environment().get_template('base.html'))")
    proc = subprocess.run([str(installed["python"]), "-c", code], cwd=installed["cwd"], capture_output=True,
                          text=True, env=_clean_env())
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.split()[0]) == installed["purelib"] / "pipeline" / "workbench" / "templates"


def test_installed_package_is_the_wheel_not_the_checkout(installed):
    code = ("import pipeline, pipeline.standard as s, pipeline.render.summary as m; "
            "print(pipeline.__file__); print(s.SCHEMA_DIR); print(m.TEMPLATE_DIR)")
    proc = subprocess.run([str(installed["python"]), "-c", code], cwd=installed["cwd"], capture_output=True,
                          text=True, env=_clean_env())
    assert proc.returncode == 0, proc.stderr
    package = installed["purelib"] / "pipeline"
    assert [Path(line) for line in proc.stdout.split()] == [
        package / "__init__.py", package / "schemas", package / "render" / "wording"]


def test_version(installed):
    proc = _xuncha(installed, "--version")
    assert (proc.returncode, proc.stdout.strip()) == (0, f"xuncha {VERSION}")


def test_annual_on_the_sample_county_from_another_folder(installed):
    out = installed["cwd"] / "out"
    proc = _xuncha(installed, "annual", "--year", "2020", "--inputs", str(ROOT / "inputs"), "--outputs", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = out / "2020年度"
    assert (folder / "巡察工作统计_2020年度.xlsx").stat().st_size > 0
    assert (folder / "示例县委巡察办2020年度巡察工作总结（初稿）.docx").stat().st_size > 0
    assert len(list((folder / "charts").glob("*.png"))) == 3
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert (metrics["county"], metrics["period"]["start"], metrics["period"]["end"]) == (
        "示例县", "2020-01-01", "2020-12-31")


def test_annual_figures_of_the_hand_made_county(installed):
    # The golden figures of tests/test_aggregate_golden.py (worked out by hand there).
    inputs = installed["cwd"] / "county"
    write_county(inputs)
    out = installed["cwd"] / "county-out"
    proc = _xuncha(installed, "annual", "--year", "2020", "--inputs", str(inputs), "--outputs", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    totals = json.loads((out / "2020年度" / "metrics.json").read_text(encoding="utf-8"))["totals"]
    assert (totals["orgs_inspected"], totals["talks"], totals["documents"], totals["problems"], totals["clues"]) == (
        8, 137, 321, 11, 5)


def test_template_validate_and_sample(installed):
    proc = _xuncha(installed, "template", "--out", "templates")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in (installed["cwd"] / "templates").glob("*.xlsx")) == sorted(
        ["巡察对象名册.xlsx", "巡察轮次填报表.xlsx", "年度综合情况.xlsx", "文稿措辞.xlsx"])
    proc = _xuncha(installed, "sample", "--out", "sample")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # 1 registry + the sample county's round workbooks, as many as in the repository's inputs/
    assert len(list((installed["cwd"] / "sample").rglob("*.xlsx"))) == len(list((ROOT / "inputs").rglob("*.xlsx")))
    proc = _xuncha(installed, "validate", "--inputs", "sample", "--outputs", "checked")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (installed["cwd"] / "checked" / "校验报告.xlsx").is_file()


def test_missing_standard_file_is_a_clear_message(tmp_path):
    from pipeline.errors import EXIT_INTERNAL, XunchaError
    from pipeline.standard import load_standard

    with pytest.raises(XunchaError) as caught:
        load_standard(tmp_path)
    assert caught.value.exit_code == EXIT_INTERNAL
    assert "standard.toml" in caught.value.message and "安装不完整" in caught.value.message
