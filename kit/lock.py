"""Update requirements.lock, the one lock of the project, and check that the kits can be built from it.

    python kit/lock.py                        # add what pyproject.toml gained, keep the other pins
    python kit/lock.py --upgrade              # newest versions pyproject.toml and kit/constraints.txt allow
    python kit/lock.py --upgrade-package pandas

The lock is one universal resolution (``uv pip compile --universal``) of pyproject.toml with the
test extras, for CPython 3.11 and later on every platform: where versions must differ, it pins
each with an environment marker (numpy for 3.11 and for 3.12+). CI and the README install from
it; kit/build.py takes the runtime part of it for each kit. After writing it, every kit target
(windows-x64, linux-x64, linux-arm64 x CPython 3.11, 3.12, 3.13) is resolved against it with
wheels only, Linux for manylinux_2_28 (glibc <= 2.28): a locked version without such a wheel
is reported here, and a cap in kit/constraints.txt fixes it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python kit/lock.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit.platforms import PLATFORMS, PYTHONS
from kit.resolve import CONSTRAINTS, LOCK, LOCK_COMMAND, ROOT, KitError, runtime_pins, uv


def write_lock(upgrade: bool, packages: list[str]) -> None:
    """Write requirements.lock with uv (existing pins are kept unless upgraded)."""
    args = ["pip", "compile", "pyproject.toml", "--extra", "test", "--universal", "--python-version", PYTHONS[0],
            "--constraint", str(CONSTRAINTS.relative_to(ROOT)), "--output-file", LOCK.name,
            "--custom-compile-command", LOCK_COMMAND, "--quiet"]
    if upgrade:
        args.append("--upgrade")
    for name in packages:
        args += ["--upgrade-package", name]
    uv(*args)


def check_targets() -> list[str]:
    """Resolve every kit target against the lock; the problems found."""
    problems = []
    for platform in PLATFORMS.values():
        for python in PYTHONS:
            try:
                runtime_pins(platform, python)
            except KitError as exc:
                problems.append(f"{platform.name} / Python {python}: {exc}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="take the newest allowed versions of everything")
    parser.add_argument("--upgrade-package", action="append", default=[], metavar="NAME",
                        help="take the newest allowed version of this package (repeatable)")
    parser.add_argument("--check", action="store_true", help="only check the kit targets against the lock")
    args = parser.parse_args(argv)
    try:
        if not args.check:
            write_lock(args.upgrade, args.upgrade_package)
            print(f"wrote {LOCK.name}")
        problems = check_targets()
    except KitError as exc:
        print(f"lock failed: {exc}", file=sys.stderr)
        return 1
    if problems:
        print("These kit targets cannot be built from the lock (no wheel for a locked version there).\n"
              "Cap the package in kit/constraints.txt (with the reason) and run this again:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"all {len(PLATFORMS) * len(PYTHONS)} kit targets resolve with wheels at the locked versions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
