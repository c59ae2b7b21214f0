"""Property-based fault tests: any name, answers file or roster is accepted or refused in one line.

hypothesis generates the inputs; anything but a result or one `MlscaffoldError` fails the test.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mlscaffold import answers_file, questions, roster
from mlscaffold.errors import MlscaffoldError
from mlscaffold.naming import normalise


def attempt(func, *args):
    """(result, None) or (None, the one-line error); anything else propagates and fails."""
    try:
        return func(*args), None
    except MlscaffoldError as err:
        return None, str(err)


def one_line(error: str | None) -> bool:
    return error is None or ("\n" not in error and len(error) < 1000)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text(max_size=80))
def test_any_project_name_is_accepted_or_refused_in_one_line(raw):
    names, error = attempt(normalise, raw)
    assert one_line(error)
    if names is not None:
        assert names.package.isidentifier()
        assert "/" not in names.project


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)
answer_keys = st.sampled_from([*questions.BY_KEY, "orchestrator", "colour", ""])


@FAST
@given(st.dictionaries(answer_keys, yaml_values, max_size=6) | yaml_values)
def test_any_answers_file_is_read_or_refused_in_one_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("answers") / "answers.yml"
    path.write_text(yaml.safe_dump(data))
    loaded, error = attempt(answers_file.load, path)
    assert one_line(error)
    assert set(loaded or {}) <= {*questions.BY_KEY, "orchestrator"}


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_as_an_answers_file(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("answers") / "answers.yml"
    path.write_bytes(content)
    assert one_line(attempt(answers_file.load, path)[1])


cells = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20)


@FAST
@given(
    st.lists(st.sampled_from(list(roster.COLUMNS)), min_size=1, max_size=5, unique=True),
    st.lists(st.lists(cells, min_size=0, max_size=6), max_size=5),
)
@example(header=["name"], rows=[["--"]])  # found by Hypothesis: the name, quoted, is "--"
@example(header=["name", "dbt"], rows=[["a", "maybe"]])  # says column 'dbt', not --dbt
def test_any_roster_is_read_row_by_row_or_refused_in_one_line(tmp_path_factory, header, rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("roster") / "roster.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    loaded, error = attempt(roster.load, path)
    assert one_line(error)
    # An error names the column, never the flag: "--dbt" appears only where a cell says it
    # (the error quotes a bad value: a name of "--" is "'--' is not a valid project name").
    flags = [q.flag for q in questions.CATALOGUE] + ["--orchestrator", "--name"]
    written = " ".join(cell for row in rows for cell in row)
    for row in loaded or []:
        assert row.ok or str(row.error).startswith(f"row {row.number}: ")
        assert not [flag for flag in flags if flag in (row.error or "") and flag not in written]
