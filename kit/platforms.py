"""The kit's targets: three platforms, each for CPython 3.11, 3.12 and 3.13, Linux wheels for glibc <= 2.28."""

from __future__ import annotations

from dataclasses import dataclass

PYTHONS = ("3.11", "3.12", "3.13")
GLIBC_MAX = (2, 28)  # UOS 20 and Kylin V10
SIZE_LIMIT = 300 * 1000 * 1000  # bytes of one zipped kit


def _manylinux(arch: str, oldest_minor: int) -> tuple[str, ...]:
    """Every manylinux tag a glibc-2.28 system accepts, newest first, with the legacy aliases.

    pip's ``--platform manylinux_2_28_x86_64`` accepts only that one tag: wheels published as
    ``manylinux2014_*`` or ``manylinux_2_17_*`` alone would be missed without the rest.
    """
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(GLIBC_MAX[1], oldest_minor - 1, -1)]
    legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
    return tuple(tags + [f"{alias}_{arch}" for minor, alias in legacy.items() if minor >= oldest_minor])


@dataclass(frozen=True)
class Platform:
    name: str                      # as on the command line and in the zip's name
    label: str                     # for people
    uv_platform: str               # uv's --python-platform: markers and wheel tags of the target
    wheel_platforms: tuple[str, ...]  # pip's --platform values, most preferred first
    machines: tuple[str, ...]      # platform.machine() on such a computer
    windows: bool

    @property
    def linux(self) -> bool:
        return not self.windows


PLATFORMS = {p.name: p for p in (
    Platform("windows-x64", "Windows 10/11 64 位", "x86_64-pc-windows-msvc", ("win_amd64",), ("AMD64",), True),
    Platform("linux-x64", "Linux x86_64（统信 UOS、麒麟 Kylin 等）", "x86_64-manylinux_2_28",
             _manylinux("x86_64", 5), ("x86_64",), False),
    Platform("linux-arm64", "Linux ARM64（飞腾、鲲鹏上的统信 UOS、麒麟 Kylin 等）", "aarch64-manylinux_2_28",
             _manylinux("aarch64", 17), ("aarch64",), False),
)}
