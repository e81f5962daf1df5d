"""The entry point of ``python run.py`` and of the ``xuncha`` command: the command line, with the
workbench's ``serve`` handed in, so that neither face imports the other."""

from __future__ import annotations

from collections.abc import Callable

from . import cli


def _serve(args, say: Callable[[str], None]) -> int:
    from .workbench.server import serve_command  # imported late: `-h` stays fast

    return serve_command(args, say)


def main(argv: list[str] | None = None) -> int:
    """Run a command; return the exit code (tests)."""
    return cli.main(argv, serve=_serve)


def run() -> None:
    """Run the command of ``sys.argv`` and exit."""
    cli.run(serve=_serve)


if __name__ == "__main__":  # python -m pipeline.launch (the desktop shortcut of the workbench)
    run()
