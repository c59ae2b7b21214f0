"""Workshop rosters: one row per participant or team, read from CSV or YAML.

Columns are `name`, the catalogue's question keys and `orchestrator`; empty cells and missing
columns take the defaults. A bad row keeps its own error; the other rows stay usable.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from mlscaffold import faults, inputs
from mlscaffold.answers_file import check_value
from mlscaffold.errors import AnswersFileError, MlscaffoldError
from mlscaffold.models import Answers, Names, Orchestrator
from mlscaffold.naming import normalise
from mlscaffold.questions import BY_KEY, CATALOGUE, resolve

COLUMNS = ("name", *BY_KEY, "orchestrator")
LIMIT = 1024 * 1024  # thousands of rows; a bigger file is not a roster


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
            f"Roster {path} has an unknown column {faults.shorten(unknown[0], 60)!r}.",
            "Columns: " + ", ".join(COLUMNS) + ".",
        )
    return [_row(number, record) for number, record in enumerate(records, start=1)]


def _read(path: Path) -> list[dict[str, str]]:
    hint = "Save it as UTF-8 CSV (first line: name,team_size,...) or a YAML list."
    text = inputs.read_input(path, "Roster", hint, limit=LIMIT)
    if path.suffix.lower() in (".yml", ".yaml"):
        data = inputs.load_yaml(text, f"Roster {path}", "Write a list of mappings, one per team.")
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise AnswersFileError(
                f"Roster {path} must be a list of mappings.", "One '- name: ...' entry per team."
            )
        return [{str(k): "" if v is None else str(v) for k, v in d.items()} for d in data]
    try:
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or "name" not in [f.strip() for f in reader.fieldnames]:
            raise AnswersFileError(
                f"Roster {path} has no 'name' column.",
                "The first line names the columns: name,team_size,...",
            )
        records = []
        for r in reader:
            if None in r:  # more cells than columns
                raise AnswersFileError(
                    f"Roster {path} line {reader.line_num} has more cells than the header has "
                    "columns.",
                    "Quote cells that contain commas.",
                )
            records.append({k.strip(): (v or "").strip() for k, v in r.items() if k})
        return records
    except csv.Error as err:
        raise AnswersFileError(
            f"Roster {path} line {reader.line_num} cannot be read as CSV: "
            f"{faults.shorten(str(err), 80)}.",
            hint,
        ) from None


def _row(number: int, record: dict[str, str]) -> Row:
    raw_name = faults.shorten(record.get("name", "").strip(), 60)
    given = {k: v for k, v in record.items() if k in BY_KEY and v.strip() != ""}
    problems = [
        f"column {key!r} {problem}"
        for key, value in record.items()
        if key != "name" and (problem := check_value(key, value)) is not None
    ]
    try:
        names = normalise(record.get("name", ""))
    except MlscaffoldError as err:
        problems.insert(0, f"column 'name': {err.message}")
        names = None
    if not problems:
        for q in CATALOGUE:
            if q.only_if and q.key in given:
                key, wanted = q.only_if
                if str(BY_KEY[key].coerce(record.get(key) or None)) != wanted:
                    problems.append(f"column {q.key!r} only applies when {key!r} is {wanted}")
    if problems or names is None:
        joined = "; ".join(p.rstrip(".") for p in problems)
        return Row(number, raw_name, error=f"row {number}: {joined}.", given=given)
    try:
        answers = resolve(given)
    except MlscaffoldError as err:
        return Row(number, raw_name, error=f"row {number}: {err}", given=given)
    override = record.get("orchestrator", "").strip().lower()
    chosen = Orchestrator.parse(override, "column 'orchestrator'") if override else None
    return Row(number, raw_name, names, answers, chosen, given=given)
