"""Render a whole roster in one process pool: copier is imported once per worker, not per repo.

A row that fails keeps its own one-line error; the others are rendered. A repository that
already exists with its `.copier-answers.yml` is counted as done and skipped, so a facilitator
can re-run the batch after fixing a row.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from mlscaffold.decide import recommend
from mlscaffold.errors import MlscaffoldError
from mlscaffold.render import ANSWERS_FILE, Plan, render
from mlscaffold.roster import Row


@dataclass(frozen=True)
class Outcome:
    row: int
    name: str
    orchestrator: str
    why: str
    path: str
    status: str  # "created", "done" (skipped), "failed"
    error: str = ""


def plan_for(row: Row, out: Path, git: bool) -> Plan:
    assert row.names is not None
    assert row.answers is not None
    rec = recommend(row.answers)
    chosen = row.orchestrator or rec.orchestrator
    return Plan(row.names, out / row.names.project, row.answers, rec, chosen, git=git)


def why(plan: Plan) -> str:
    if plan.overridden:
        return f"chosen by the roster (recommended: {plan.recommendation.orchestrator.label})"
    top = sorted(plan.recommendation.reasons_for(plan.orchestrator), key=lambda r: -r.weight)
    return top[0].reason.split(":")[0] if top else "tie-break: least to operate"


def _warm_up() -> None:
    import copier  # noqa: F401  (import once per worker, before the first repo)


def _render_one(plan: Plan) -> tuple[str, str]:
    try:
        render(plan)
    except MlscaffoldError as err:
        return "failed", str(err)
    return "created", ""


def run(
    rows: Sequence[Row],
    out: Path,
    *,
    git: bool = True,
    workers: int | None = None,
    progress: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    out.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    todo: list[tuple[Plan, Row]] = []
    for row in rows:
        if not row.ok:
            name = row.raw_name or f"row {row.number}"
            outcome = Outcome(row.number, name, "-", "-", "-", "failed", row.error or "")
            outcomes.append(outcome)
            progress(outcome)
            continue
        plan = plan_for(row, out, git)
        if (plan.target / ANSWERS_FILE).is_file():
            outcome = Outcome(
                row.number, row.raw_name, plan.orchestrator.value, why(plan), str(plan.target),
                "done",
            )  # fmt: skip
            outcomes.append(outcome)
            progress(outcome)
            continue
        todo.append((plan, row))
    if todo:
        # Fill the template store once, before the workers race to do it.
        from mlscaffold import store
        from mlscaffold.render import template_root

        store.ensure(template_root())
        count = workers or min(len(todo), os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=max(1, count), initializer=_warm_up) as pool:
            futures = {pool.submit(_render_one, plan): (plan, row) for plan, row in todo}
            for future in as_completed(futures):
                plan, row = futures[future]
                status, error = future.result()
                outcome = Outcome(row.number, row.raw_name, plan.orchestrator.value, why(plan),
                                  str(plan.target), status, error)  # fmt: skip
                outcomes.append(outcome)
                progress(outcome)
    return sorted(outcomes, key=lambda o: o.row)
