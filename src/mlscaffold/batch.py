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

from mlscaffold import faults
from mlscaffold.errors import InvalidAnswerError, MlscaffoldError, TargetError
from mlscaffold.models import Plan
from mlscaffold.render import ANSWERS_FILE, render
from mlscaffold.roster import Row
from mlscaffold.scoring import plan_for


@dataclass(frozen=True)
class Outcome:
    row: int
    name: str
    orchestrator: str
    why: str
    path: str
    status: str  # "created", "done" (skipped), "failed", "not started" (interrupted)
    error: str = ""


def _plan(row: Row, out: Path, git: bool) -> Plan:
    assert row.names is not None
    assert row.answers is not None
    return plan_for(row.names, out / row.names.project, row.answers, row.orchestrator, git=git)


def why(plan: Plan) -> str:
    if plan.overridden:
        return f"chosen by the roster (recommended: {plan.recommendation.orchestrator.label})"
    top = sorted(plan.recommendation.reasons_for(plan.orchestrator), key=lambda r: -r.weight)
    return top[0].reason.split(":")[0] if top else "tie-break: least to operate"


def _warm_up() -> None:
    faults.ignore_signals()  # the parent decides what stops; a started repo is finished whole
    import copier  # noqa: F401  (import once per worker, before the first repo)


def _render_one(plan: Plan) -> tuple[str, str]:
    try:
        render(plan)
    except MlscaffoldError as err:
        return "failed", str(err)
    except OSError as err:
        return "failed", str(faults.from_os_error(err))
    return "created", ""


def max_workers() -> int:
    return 4 * (os.cpu_count() or 1)


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    interrupted: bool = False


def run(
    rows: Sequence[Row],
    out: Path,
    *,
    git: bool = True,
    workers: int | None = None,
    progress: Callable[[Outcome], None] = lambda outcome: None,
) -> BatchResult:
    """Render every good row; on Ctrl-C/SIGTERM stop queued rows, finish the started ones."""
    if workers is not None and not 1 <= workers <= max_workers():
        raise InvalidAnswerError(
            f"--workers {workers} is not between 1 and {max_workers()} "
            f"(4 per CPU on this machine).",
            "Leave it out to use one per CPU.",
        )
    if out.exists() and not out.is_dir():
        raise TargetError(f"--out {out} is a file, not a folder.", "Choose a folder for --out.")
    result = BatchResult([])
    todo: list[tuple[Plan, Row]] = []
    for row in rows:
        if not row.ok:
            name = row.raw_name or f"row {row.number}"
            _add(
                result,
                progress,
                Outcome(row.number, name, "-", "-", "-", "failed", row.error or ""),
            )
            continue
        plan = _plan(row, out, git)
        if (plan.target / ANSWERS_FILE).is_file():
            _add(result, progress, _outcome(plan, row, "done"))
            continue
        todo.append((plan, row))
    if todo:
        # Fill the template store once, before the workers race to do it.
        from mlscaffold import store
        from mlscaffold.render import template_root

        out.mkdir(parents=True, exist_ok=True)
        store.ensure(template_root())
        count = workers or min(len(todo), os.cpu_count() or 1)
        pool = ProcessPoolExecutor(max_workers=max(1, count), initializer=_warm_up)
        futures = {pool.submit(_render_one, plan): (plan, row) for plan, row in todo}
        try:
            for future in as_completed(futures):
                plan, row = futures[future]
                status, error = future.result()
                _add(result, progress, _outcome(plan, row, status, error))
        except KeyboardInterrupt:
            result.interrupted = True
            with faults.signals_deferred():  # the started repos take a second or two
                pool.shutdown(wait=True, cancel_futures=True)
            seen = {o.row for o in result.outcomes}
            for future, (plan, row) in futures.items():
                if row.number in seen:
                    continue
                if future.done() and not future.cancelled() and future.exception() is None:
                    status, error = future.result()
                    _add(result, progress, _outcome(plan, row, status, error))
                else:
                    _add(result, progress, _outcome(plan, row, "not started"))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    result.outcomes.sort(key=lambda o: o.row)
    return result


def _outcome(plan: Plan, row: Row, status: str, error: str = "") -> Outcome:
    return Outcome(
        row.number,
        row.raw_name,
        plan.orchestrator.value,
        why(plan),
        str(plan.target),
        status,
        error,
    )


def _add(result: BatchResult, progress: Callable[[Outcome], None], outcome: Outcome) -> None:
    result.outcomes.append(outcome)
    progress(outcome)
