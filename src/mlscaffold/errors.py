"""One error hierarchy. Only `cli.py` turns these into a message and an exit code."""

from __future__ import annotations


class MlscaffoldError(Exception):
    """A problem the user can fix: `message` says what is wrong, `hint` how to fix it."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InvalidAnswerError(MlscaffoldError):
    """An answer (flag, answers file, prompt) that is not one the catalogue accepts."""

    exit_code = 2


class AnswersFileError(MlscaffoldError):
    """The answers file cannot be read or is not a YAML mapping of known keys."""

    exit_code = 2


class TargetError(MlscaffoldError):
    """The project name or target directory cannot be used."""

    exit_code = 2


class RenderError(MlscaffoldError):
    """Copier or git failed while producing the repository."""


class Aborted(MlscaffoldError):
    """The user interrupted (Ctrl-C); nothing was created."""

    exit_code = 130
