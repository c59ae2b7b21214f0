"""One error hierarchy and the exit codes, in one place. Only `cli.py` prints them."""

from __future__ import annotations

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_FAILED = 1  # the command ran and found a problem (conflicts, a failed row, a red check)
EXIT_USAGE = 2  # bad input: a flag, an answers file, a target
EXIT_AHEAD = 3  # `check`: the repository is newer than this mlscaffold
EXIT_BUG = 70  # an unexpected exception (EX_SOFTWARE); a traceback was saved
EXIT_INTERRUPTED = 130  # Ctrl-C, SIGTERM or SIGHUP


class MlscaffoldError(Exception):
    """A problem the user can fix: `message` says what is wrong, `hint` how to fix it."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InvalidAnswerError(MlscaffoldError):
    """An answer (flag, answers file, prompt) that is not one the catalogue accepts."""

    exit_code = EXIT_USAGE


class InputFileError(MlscaffoldError):
    """A file the user gave (answers file, roster, .copier-answers.yml) cannot be used."""

    exit_code = EXIT_USAGE


AnswersFileError = InputFileError  # the name the roster and answers-file readers grew up with


class TargetError(MlscaffoldError):
    """The project name or target directory cannot be used."""

    exit_code = EXIT_USAGE


class OutputError(MlscaffoldError):
    """The filesystem refused a write: disk full, read-only, permissions, a vanished folder."""


class RenderError(MlscaffoldError):
    """Copier or git failed while producing the repository."""


class ToolMissingError(MlscaffoldError):
    """git or uv is not installed or not on PATH."""


class UpdateError(MlscaffoldError):
    """The repository cannot be updated as asked."""

    exit_code = EXIT_USAGE


class StoreError(MlscaffoldError):
    """The template store cannot be read or written."""


class KitError(MlscaffoldError):
    """The offline workshop kit could not be built."""


class CooldownError(KitError):
    """The kit's cut-off (--cooldown) left no release that satisfies a constraint."""


class Aborted(MlscaffoldError):
    """The user interrupted (Ctrl-C, SIGTERM, SIGHUP)."""

    exit_code = EXIT_INTERRUPTED
