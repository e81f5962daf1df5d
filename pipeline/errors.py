"""The project's exceptions. The core raises them; only the CLI prints and exits."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INPUT_ERRORS = 1
EXIT_USAGE = 2
EXIT_WRITE_FAILED = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130  # Ctrl+C, as shells report a SIGINT (128 + 2)


class XunchaError(Exception):
    """An error with a Chinese message meant for the user, and its exit code."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(XunchaError):
    """Wrong command-line usage: a bad year or month, a missing folder."""

    exit_code = EXIT_USAGE


class InputErrors(XunchaError):
    """The inputs have errors; the check report was written, no statistics."""

    exit_code = EXIT_INPUT_ERRORS


class OutputError(XunchaError):
    """An output could not be written (for example the file is open in Excel)."""

    exit_code = EXIT_WRITE_FAILED
