"""How often the recommendation agrees with the article, over every answer combination.

    uv run python -m benchmarks.oracle_agreement            # the rules in this checkout
    uv run python -m benchmarks.oracle_agreement --rev REV  # the rules of an earlier commit

The oracle (the article's statements as data, each with its sentence) is in tests/test_oracle.py.
Prints the agreement where the article gives a clear answer, over all answers and over the
answers with `priority` skipped (the questions as they were before it was added), then every
remaining disagreement: the statements that held, what the article supports, what we recommended.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def report(label: str, fixed: dict[str, object] | None) -> None:
    from tests.test_oracle import ACCEPTED, audit

    start = time.perf_counter()
    result = audit(fixed)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    assert result.disagreements is not None
    assert result.examples is not None
    wrong = sum(result.disagreements.values())
    print(
        f"{label}: {result.combinations:,} combinations, the article is clear on "
        f"{result.clear:,}; agreement {result.agreement:.1%} "
        f"({result.agree:,} agree, {result.accepted:,} accepted disagreements "
        f"[{len(ACCEPTED)} kinds], {wrong:,} disagree) in {seconds:.1f}s"
    )
    for (held, expected, got), n in result.disagreements.most_common():
        print(f"  {n:>6}  article: {expected:<16} we: {got:<8} statements: {held}")
        print(f"          e.g. {result.examples[(held, expected, got)]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="score with src/mlscaffold of this git revision")
    args = parser.parse_args()
    if args.rev:
        with tempfile.TemporaryDirectory() as tmp:
            archive_cmd = ["git", "archive", args.rev, "src/mlscaffold"]
            archive = subprocess.run(archive_cmd, cwd=ROOT, check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            env = os.environ | {"PYTHONPATH": str(Path(tmp) / "src")}
            print(f"rules of {args.rev}:")
            this = [sys.executable, "-m", "benchmarks.oracle_agreement"]
            code = subprocess.run(this, cwd=ROOT, env=env).returncode
            sys.exit(code)
    import mlscaffold.questions

    report("all answers", None)
    if "priority" in mlscaffold.questions.BY_KEY:
        report("priority skipped", {"priority": None})
    movement()


def movement() -> None:
    """Can each card question move the result; how many ties and weak recommendations remain."""
    import mlscaffold.questions
    from mlscaffold.models import Answers
    from mlscaffold.scoring import recommend
    from tests.test_oracle import answer_space, sway

    followups = {q.key: None for q in mlscaffold.questions.CATALOGUE if q.followup}
    keys = ("team_size", "dbt", "infra")
    everywhere, core_only = sway(keys), sway(keys, followups)
    for key in keys:
        (moved, groups), (core_moved, core_groups) = everywhere[key], core_only[key]
        print(
            f"{key} changes the winner in {moved:,} of {groups:,} groups of otherwise equal "
            f"answers; follow-ups skipped: {core_moved} of {core_groups}"
        )
    zero = weak = total = 0
    for values in answer_space(followups):
        result = recommend(Answers(values))
        total += 1
        zero += set(result.scores.values()) == {0}
        weak += getattr(result, "weak", None) is not None
    print(f"follow-ups skipped: {zero} of {total} end in an all-zero tie, {weak} are called weak")
    weak = total = 0
    for values in answer_space():
        total += 1
        weak += getattr(recommend(Answers(values), explore=False), "weak", None) is not None
    print(f"all answers: {weak:,} of {total:,} recommendations are weak (no rule favours them)")


if __name__ == "__main__":
    main()
