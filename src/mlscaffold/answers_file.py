"""Read answers from a YAML file (`--answers-file`)."""

from __future__ import annotations

from pathlib import Path

from mlscaffold.errors import AnswersFileError
from mlscaffold.questions import BY_KEY

EXTRA_KEYS = ("orchestrator",)


def load(path: Path) -> dict[str, object]:
    """Return the file's answers by key; say clearly what is wrong with an unusable file."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswersFileError(
            f"Answers file {path} does not exist.", "Check the path given to --answers-file."
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise AnswersFileError(
            f"Cannot read answers file {path}: {err.__class__.__name__}.",
            "Make it a readable UTF-8 YAML file.",
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise AnswersFileError(
            f"Answers file {path} is not valid YAML{where}.",
            "Write one 'key: value' per line, e.g. 'team_size: 5'.",
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswersFileError(
            f"Answers file {path} must be a mapping of question keys to answers.",
            "Write one 'key: value' per line, e.g. 'team_size: 5'.",
        )
    unknown = sorted(str(k) for k in data if k not in BY_KEY and k not in EXTRA_KEYS)
    if unknown:
        raise AnswersFileError(
            f"Answers file {path} has an unknown key {unknown[0]!r}.",
            "Known keys: " + ", ".join([*BY_KEY, *EXTRA_KEYS]) + ".",
        )
    return {str(k): v for k, v in data.items()}
