"""Workshop rosters: one row per participant or team, read from CSV or YAML.

Columns are `name`, the catalogue's question keys and `orchestrator`; empty cells and missing
columns take the defaults. A bad row keeps its own error; the other rows stay usable.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from mlscaffold.errors import AnswersFileError, MlscaffoldError
from mlscaffold.models import Answers, Orchestrator
from mlscaffold.naming import Names, normalise
from mlscaffold.questions import BY_KEY, resolve

COLUMNS = ("name", *BY_KEY, "orchestrator")


@dataclass(frozen=True)
class Row:
    number: int  # 1-based data row, as a facilitator counts them
    raw_name: str
    names: Names | None = None
    answers: Answers | None = None
    orchestrator: Orchestrator | None = None  # an override, when the row names one
    error: str | None = None
    given: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def load(path: Path) -> list[Row]:
    records = _read(path)
    unknown = sorted({k for record in records for k in record} - set(COLUMNS))
    if unknown:
        raise AnswersFileError(
            f"Roster {path} has an unknown column {unknown[0]!r}.",
            "Columns: " + ", ".join(COLUMNS) + ".",
        )
    return [_row(number, record) for number, record in enumerate(records, start=1)]


def _read(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnswersFileError(f"Roster {path} does not exist.", "Check the path.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise AnswersFileError(
            f"Cannot read roster {path}: {err.__class__.__name__}.", "Save it as UTF-8 CSV or YAML."
        ) from None
    if path.suffix.lower() in (".yml", ".yaml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            raise AnswersFileError(
                f"Roster {path} is not valid YAML.", "Write a list of mappings, one per team."
            ) from None
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise AnswersFileError(
                f"Roster {path} must be a list of mappings.", "One '- name: ...' entry per team."
            )
        return [{str(k): "" if v is None else str(v) for k, v in d.items()} for d in data]
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise AnswersFileError(
            f"Roster {path} has no 'name' column.", "The first line names the columns: name,..."
        )
    return [{k.strip(): (v or "").strip() for k, v in r.items() if k} for r in reader]


def _row(number: int, record: dict[str, str]) -> Row:
    raw_name = record.get("name", "").strip()
    given = {k: v for k, v in record.items() if k in BY_KEY and v.strip() != ""}
    try:
        names = normalise(raw_name)
        answers = resolve(given)
        override = record.get("orchestrator", "").strip().lower()
        if override and override not in set(Orchestrator):
            raise MlscaffoldError(
                f"orchestrator {override!r} must be one of {', '.join(Orchestrator)}."
            )
        chosen = Orchestrator(override) if override else None
    except MlscaffoldError as err:
        return Row(number, raw_name, error=f"row {number}: {err}", given=given)
    return Row(number, raw_name, names, answers, chosen, given=given)
