"""``mujun policy``: show, check and list policy files (评价办法 as data).

Thin over :mod:`mujun.engine.policy`: every problem a file can have is a ``PolicyError`` there;
here it is printed (a Rich table on a terminal, ``key.path: message`` lines when piped), not raised.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mujun.cli._store import AsUser, acting_user, store_session
from mujun.cli.main import app
from mujun.engine.defaults import DEFAULT_POLICY

if TYPE_CHECKING:  # the policy model (pydantic) and the store are imported when a command runs
    from mujun.engine.policy import LoadedPolicy, Policy, PolicyError

policy_app = typer.Typer(
    help="""Policy files (评价办法): show the effective rules, check a file, list the shipped ones,
keep the county's own in the store.

A policy is a shipped name (`mujun policy list`) or a YAML file laid over the template
(docs/policy.md); every problem is reported with its key path.

Examples:

    mujun policy list
    mujun policy show songyang-2024
    mujun policy check examples/my-county.yaml
    mujun policy store examples/my-county.yaml
    mujun policy list --stored
""",
    no_args_is_help=True,
)
app.add_typer(policy_app, name="policy")

NameOrFile = Annotated[
    str | None,
    typer.Argument(
        metavar="[NAME|FILE]",
        help=f"a shipped policy name or a YAML file [default: {DEFAULT_POLICY}]",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of YAML")]


def years_text(policy: Policy) -> str:
    to = policy.years.to
    return f"{policy.years.from_}–{to if to is not None else ''}"


def _print_problems(err: PolicyError, console: Console) -> None:
    if console.is_terminal:
        table = Table(title=f"{err.source}: {len(err.problems)} problem(s)", title_justify="left")
        table.add_column("key", style="bold")
        table.add_column("problem")
        for path, message in err.problems:
            table.add_row(path or "(file)", message)
        console.print(table)
    else:
        lines = [f"{err.source}: {len(err.problems)} problem(s)"]
        lines += [f"{path or '(file)'}: {message}" for path, message in err.problems]
        typer.echo("\n".join(lines), err=console.stderr)


def _load_or_exit(ref: str | None, console: Console) -> LoadedPolicy:
    from mujun.engine.policy import PolicyError
    from mujun.io.policy_files import load_policy

    try:
        return load_policy(ref)
    except PolicyError as err:
        _print_problems(err, console)
        raise typer.Exit(1) from None


@policy_app.command("show")
def show_cmd(ref: NameOrFile = None, as_json: JsonOption = False) -> None:
    """Print the effective policy (defaults applied) with its name, title, years and hash.

    The YAML output is itself a valid policy file with the same hash. --json prints
    {"source", "name", "title", "years", "hash", "policy"}, where "policy" is exactly what the hash
    covers.

    Exit status: 0 shown; 1 the policy cannot be loaded (its problems go to standard error);
    2 wrong usage.
    """
    from rich.syntax import Syntax

    from mujun.cli.policy_yaml import effective_yaml

    loaded = _load_or_exit(ref, Console(stderr=True))
    out = Console(soft_wrap=True)
    if as_json:
        policy = loaded.policy
        doc = {
            "source": loaded.source,
            "name": policy.name,
            "title": policy.title,
            "years": {"from": policy.years.from_, "to": policy.years.to},
            "hash": loaded.hash,
            "policy": policy.model_dump(mode="json", by_alias=True),
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    text = effective_yaml(loaded)
    if out.is_terminal:
        out.print(Syntax(text, "yaml", background_color="default", word_wrap=False))
    else:
        sys.stdout.write(text)


@policy_app.command("check")
def check_cmd(
    ref: Annotated[str, typer.Argument(metavar="FILE", help="a YAML policy file (or a name)")],
) -> None:
    """Check a policy file and report every problem with its key path.

    Prints "OK: name, years, hash" when the file is valid; otherwise one line per problem,
    "key.path: message" (a table on a terminal).

    Exit status: 0 valid; 1 problems found (or the file cannot be read); 2 wrong usage.
    """
    loaded = _load_or_exit(ref, Console(soft_wrap=True))
    p = loaded.policy
    typer.echo(f"OK: {p.name}, years {years_text(p)}, hash {loaded.hash[:12]}")


@policy_app.command("list")
def list_cmd(as_json: JsonOption = False,
             in_store: Annotated[bool, typer.Option(
                 "--stored", help="the versions kept in the store instead")] = False,
             as_user: AsUser = None) -> None:
    """List the policies shipped with mujun, or with --stored every version kept in the store
    (both usable as --policy NAME; a stored name means its newest version).

    Exit status: 0; 1 the store cannot be read (--stored).
    """
    from mujun.engine.policy import shipped_policy_names
    from mujun.io.policy_files import load_policy

    if in_store:
        kept = _stored_rows(as_user)
        if as_json:
            sys.stdout.write(json.dumps(kept, ensure_ascii=False, indent=2) + "\n")
            return
        for row in kept:
            typer.echo("\t".join([row["name"], f"v{row['version']}", row["years"], row["title"],
                                  row["hash"][:12], row["uploaded_at"], row["uploaded_by"] or ""]))
        return
    rows = []
    for name in shipped_policy_names():
        loaded = load_policy(name)
        rows.append(
            {
                "name": name,
                "title": loaded.policy.title,
                "years": years_text(loaded.policy),
                "hash": loaded.hash,
            }
        )
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    console = Console(soft_wrap=True)
    if console.is_terminal:
        table = Table(title="shipped policies", title_justify="left")
        for column in ("name", "years", "title", "hash"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["name"], row["years"], row["title"], row["hash"][:12])
        console.print(table)
    else:
        for row in rows:
            typer.echo(f"{row['name']}\t{row['years']}\t{row['title']}\t{row['hash'][:12]}")


@policy_app.command("store")
def store_cmd(
    path: Annotated[str, typer.Argument(metavar="FILE", help="the county's YAML policy file")],
    note: Annotated[str | None, typer.Option("--note", help="why this version")] = None,
    as_user: AsUser = None,
) -> None:
    """Check a policy file and keep it in the store as the next version of the policy it names.

    A file with problems is refused and nothing is stored. Prints "stored: NAME vN …".

    Exit status: 0 stored; 1 problems found, the file cannot be read, or it equals the newest
    version; 2 wrong usage.
    """
    from mujun.services.policies import stored

    loaded = _load_or_exit(path, Console(stderr=True))
    with store_session() as session:
        saved = stored.store_policy(session=session, actor=acting_user(session, as_user),
                                    text=loaded.text, filename=Path(path).name, note=note)
        typer.echo(f"stored: {saved.label}, years {saved.years_from}–{saved.years_to or ''}, "
                   f"sha256 {saved.sha256[:12]}, {saved.title}")


def _stored_rows(as_user: str | None) -> list[dict[str, Any]]:
    from mujun.services import policy_view

    with store_session() as session:
        return [{"name": s.name, "version": s.version, "title": s.title,
                 "years": f"{s.years_from}–{s.years_to or ''}", "hash": s.sha256,
                 "uploaded_at": f"{s.uploaded_at:%Y-%m-%dT%H:%M}", "uploaded_by": s.uploaded_by}
                for s in policy_view.list_stored(session=session,
                                                 actor=acting_user(session, as_user))]
