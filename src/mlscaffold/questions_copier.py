"""The question catalogue as Copier questions: what `templates/questions.yml` holds.

`scripts/sync_copier_questions.py` writes the file; `tests/test_questions.py` fails while it is
stale. Pure apart from the lazy `yaml` import.
"""

from __future__ import annotations

from typing import Any

from mlscaffold.questions import CATALOGUE, Question


def copier_questions() -> dict[str, dict[str, Any]]:
    """The catalogue as Copier questions (written to templates/questions.yml)."""
    out: dict[str, dict[str, Any]] = {}
    for q in CATALOGUE:
        entry: dict[str, Any] = {"help": q.prompt}
        if q.default is None:
            # Optional follow-up: Copier records null when skipped.
            entry["type"] = "yaml"
            entry["default"] = None
            allowed = list(q.choices) if q.kind == "choice" else None
            entry["validator"] = _copier_validator(q, allowed)
        else:
            entry["type"] = {"int": "int", "bool": "bool", "choice": "str"}[q.kind]
            entry["default"] = q.default
            if q.choices:
                entry["choices"] = list(q.choices)
            if q.kind == "int":
                entry["validator"] = _copier_validator(q, None)
        conditions = [f"{k} != {v!r}" for k, v in q.unless]
        if q.only_if is not None:
            conditions.insert(0, f"{q.only_if[0]} == {q.only_if[1]!r}")
        if conditions:
            entry["when"] = "{{ " + " and ".join(conditions) + " }}"
        out[q.key] = entry
    return out


def _copier_validator(q: Question, allowed: list[str] | None) -> str:
    v = q.key
    if allowed is not None:
        cond = f"{v} is not none and {v} not in {allowed!r}"
    elif q.kind == "int":
        too_big = f" or {v} > {q.maximum}" if q.maximum is not None else ""
        cond = f"{v} is not none and ({v} is not number or {v} < {q.minimum}{too_big})"
    else:
        cond = f"{v} is not none and {v} is not boolean"
    return "{% if " + cond + " %}must be " + q.expected() + "{% endif %}"


def copier_questions_yaml() -> str:
    import yaml  # only needed when (re)writing templates/questions.yml

    header = (
        "# GENERATED from src/mlscaffold/questions.py by scripts/sync_copier_questions.py.\n"
        "# Do not edit: change the catalogue and re-run the script.\n"
    )
    return header + yaml.safe_dump(copier_questions(), sort_keys=False, allow_unicode=True)
