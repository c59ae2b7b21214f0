"""Read answers from a YAML file (`--answers-file`): bounded, alias-free, every key checked."""

from __future__ import annotations

from pathlib import Path

from mlscaffold import faults, inputs
from mlscaffold.errors import InputFileError, InvalidAnswerError
from mlscaffold.models import Orchestrator
from mlscaffold.questions import BY_KEY, whole_number

EXTRA_KEYS = ("orchestrator",)
HINT = "Write one 'key: value' per line, e.g. 'team_size: 5'."
LIMIT = 64 * 1024  # a dozen answers; anything near this size is not an answers file


def load(path: Path) -> dict[str, object]:
    """Return the file's answers by key; say clearly what is wrong with an unusable file."""
    text = inputs.read_input(path, "Answers file", HINT, limit=LIMIT)
    data = inputs.load_yaml(text, f"Answers file {path}", HINT)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputFileError(
            f"Answers file {path} must be a mapping of question keys to answers.", HINT
        )
    unknown = sorted(
        faults.shorten(str(k), 60) for k in data if k not in BY_KEY and k not in EXTRA_KEYS
    )
    if unknown:
        raise InputFileError(
            f"Answers file {path} has an unknown key {unknown[0]!r}.",
            "Known keys: " + ", ".join([*BY_KEY, *EXTRA_KEYS]) + ".",
        )
    problems = [
        f"key {key!r} {problem}"
        for key, value in data.items()
        if (problem := check_value(str(key), value)) is not None
    ]
    if problems:
        raise InputFileError(f"Answers file {path}: {'; '.join(problems)}.", HINT)
    return {str(k): v for k, v in data.items()}


def expectation(key: str) -> str:
    """What a question accepts, in the words of a file (not of a flag)."""
    if key not in BY_KEY:
        return "one of " + ", ".join(o.value for o in Orchestrator)
    q = BY_KEY[key]
    if q.kind == "bool":
        return "true or false"
    if q.kind == "int":
        return whole_number(q.minimum, q.maximum)
    return "one of " + ", ".join(q.choices)


def check_value(key: str, value: object) -> str | None:
    """None if `value` is acceptable for `key`, else what is wrong (naming no flag)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (dict, list)):
        return f"has a {type(value).__name__}, but it must be {expectation(key)}"
    try:
        if key in BY_KEY:
            BY_KEY[key].coerce(value)
        else:
            Orchestrator.parse(value)
    except InvalidAnswerError:
        return f"has {faults.shorten(repr(value), 60)}, but it must be {expectation(key)}"
    return None
