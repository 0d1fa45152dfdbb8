"""``mujun run``: evaluation runs — create, publish (公示), appeal, finalize, verify, export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from mujun.cli._store import (
    AsUser,
    acting_user,
    console,
    report_verification,
    store_session,
)
from mujun.cli.layout import add_code_column, add_fixed_column, add_text_column
from mujun.cli.main import app
from mujun.cli.progress import bar
from mujun.engine.fields import FIELD_BY_KEY
from mujun.services.errors import InvalidInput

if TYPE_CHECKING:  # the services are imported when a command runs
    from mujun.services import run_views
    from mujun.services.values import Value
    from mujun.store.models import Run

run_app = typer.Typer(help="""Evaluation runs: create, publish (公示), appeal, finalize, export.

A run freezes a year's inputs and policy; RUN is its id or its label, e.g. 2024-v1.

Examples:

    mujun run create --year 2024 --policy songyang-2024
    mujun run list --year 2024
    mujun run publish 2024-v1
    mujun run export 2024-v1
""",
                      no_args_is_help=True)
app.add_typer(run_app, name="run")

RunRef = Annotated[str, typer.Argument(help="run id or label, e.g. 2024-v1")]


def _show(run: Run | run_views.RunSummary) -> str:
    extra = f", supersedes #{run.supersedes_id}" if run.supersedes_id else ""
    until = f", notice until {run.notice_until:%Y-%m-%d %H:%M} UTC" if run.notice_until else ""
    return escape(f"run #{run.id} {run.label} [{run.status}] policy {run.policy_name} "
            f"({run.policy_hash[:12]}), snapshot {run.snapshot_hash[:12]}, {run.n_results} "
            f"results{until}{extra}")


@run_app.command("create")
def create_cmd(
    year: Annotated[int, typer.Option("--year", help="evaluation year")],
    policy: Annotated[str | None, typer.Option(
        "--policy", help="a stored or shipped policy name, or a YAML file [the policy that "
                        "applies to the year]")] = None,
    as_user: AsUser = None,
) -> None:
    """Freeze the year's inputs and the policy, evaluate and store every result (a draft)."""
    from mujun.services import runs

    texts = {runs.ASSEMBLE: "freezing the year's inputs",
             runs.EVALUATE: "evaluating {total:,} enterprises",
             runs.STORE: "storing the results and their explanations ({done:,}/{total:,})"}
    # the display closes after the session, so that it shows the commit too
    with bar() as progress, store_session() as session:
        task = progress.add_task(f"run {year}", total=None)

        def report(stage: str, done: int, total: int) -> None:
            text = texts[stage].format(done=done, total=total)
            progress.update(task, description=f"run {year}: {text}",
                            completed=done if stage == runs.STORE else 0,
                            total=total if stage == runs.STORE else None)
            progress.refresh()

        run = runs.create_run(session=session, actor=acting_user(session, as_user), year=year,
                              policy=policy, progress=report)
        progress.update(task, description=f"run {year}: committing")
    console().print(_show(run))


@run_app.command("list")
def list_cmd(year: Annotated[int | None, typer.Option("--year")] = None,
             as_user: AsUser = None) -> None:
    """List the runs (newest first)."""
    from mujun.services import run_views

    with store_session() as session:
        for run in run_views.list_runs(session=session, actor=acting_user(session, as_user),
                                       year=year):
            console().print(_show(run))


@run_app.command("publish")
def publish_cmd(run: RunRef, as_user: AsUser = None) -> None:
    """Open public notice (公示) for notice_days (the run's policy)."""
    from mujun.services import runs

    with store_session() as session:
        found = runs.publish_run(session=session, actor=acting_user(session, as_user), run_id=run)
        console().print(_show(found))


@run_app.command("finalize")
def finalize_cmd(run: RunRef, as_user: AsUser = None) -> None:
    """Close a run after its notice (no appeal may be pending)."""
    from mujun.services import runs

    with store_session() as session:
        found = runs.finalize_run(session=session, actor=acting_user(session, as_user), run_id=run)
        console().print(_show(found))


@run_app.command("appeal")
def appeal_cmd(
    run: RunRef,
    uscc: Annotated[str, typer.Option("--uscc", help="the appealing enterprise")],
    reason: Annotated[str, typer.Option("--reason", help="why the result is wrong")],
    as_user: AsUser = None,
) -> None:
    """Record an enterprise's appeal (申诉) during public notice."""
    from mujun.services import appeals

    with store_session() as session:
        appeal = appeals.file_appeal(session=session, actor=acting_user(session, as_user),
                                     run_id=run, uscc=uscc, reason=reason)
        console().print(f"appeal #{appeal.id} of {appeal.uscc} against run {run} recorded")


def _corrections(pairs: list[str]) -> dict[str, Value]:
    from mujun.services.values import parse_cli_value

    out: dict[str, Value] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or key not in FIELD_BY_KEY or key == "uscc":
            raise InvalidInput(f"--set {pair!r}: give field=value with a canonical field key")
        try:
            out[key] = parse_cli_value(key, raw)
        except ValueError as exc:
            raise InvalidInput(f"--set {pair!r}: {exc}") from None
    return out


@run_app.command("resolve")
def resolve_cmd(
    appeal: Annotated[int, typer.Argument(help="appeal id")],
    accept: Annotated[bool, typer.Option("--accept/--reject", help="the decision")],
    note: Annotated[str, typer.Option("--note", help="the reason for the decision")],
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="a corrected figure, field=value (repeatable; with --accept)")] = None,
    as_user: AsUser = None,
) -> None:
    """Accept (correct the data, create a new run version) or reject an appeal."""
    from mujun.services import appeals, runs

    with store_session() as session:
        done = appeals.resolve_appeal(session=session, actor=acting_user(session, as_user),
                                      appeal_id=appeal, accept=accept, note=note,
                                      corrections=_corrections(set_ or []))
        console().print(f"appeal #{done.id} {done.status}")
        if done.new_run_id:
            console().print(_show(runs.get_run(session=session, ref=done.new_run_id)))


@run_app.command("appeals")
def appeals_cmd(run: RunRef, as_user: AsUser = None) -> None:
    """List a run's appeals."""
    from mujun.services import run_views

    with store_session() as session:
        for a in run_views.run_appeals(session=session, actor=acting_user(session, as_user),
                                       run_id=run):
            console().print(escape(f"#{a.id} {a.uscc} [{a.status}] {a.reason}"
                                 + (f" — {a.note}" if a.note else "")))


@run_app.command("verify")
def verify_cmd(run: RunRef) -> None:
    """Recompute from the frozen snapshot and policy; every stored result must be identical."""
    from mujun.services import runs

    with store_session() as session:
        found = runs.get_run(session=session, ref=run)
        check = runs.verify_run(session=session, run=found)
    report_verification(f"run {check.run}", rows=check.rows_compared, unit="results",
                        hashes={"snapshot": check.snapshot_ok, "policy": check.policy_ok},
                        mismatches=check.mismatches)


@run_app.command("diff")
def diff_cmd(run_a: RunRef, run_b: RunRef) -> None:
    """List the enterprises whose class differs between two runs."""
    from mujun.services import runs

    with store_session() as session:
        a = runs.get_run(session=session, ref=run_a)
        b = runs.get_run(session=session, ref=run_b)
        changes = runs.diff_runs(session=session, run_a=a, run_b=b)
    table = Table(title=f"{len(changes)} class change(s): {a.label} → {b.label}")
    add_code_column(table, "uscc")
    add_text_column(table, "name")
    for name in (a.label, b.label, "score"):
        add_fixed_column(table, name)
    for c in changes:
        table.add_row(c.uscc, c.name or "", c.class_a or "—", c.class_b or "—",
                      f"{c.score_a if c.score_a is not None else '—'} → "
                      f"{c.score_b if c.score_b is not None else '—'}")
    console().print(table)


@run_app.command("export")
def export_cmd(
    run: RunRef,
    out: Annotated[Path | None, typer.Option("--out", "-o",
                                             help="default: 公示名单-<label>.xlsx")] = None,
    as_user: AsUser = None,
) -> None:
    """Write the 公示名单 (public notice list) of a run as a print-ready .xlsx."""
    from mujun.services import run_views

    with store_session() as session:
        name, data = run_views.notice_list(session=session, actor=acting_user(session, as_user),
                                           run_id=run)
    path = out or Path(name)
    path.write_bytes(data)
    console().print(f"wrote {path}")
