"""``mujun policy``: show, check and list policy files (评价办法 as data).

Thin over :mod:`mujun.engine.policy`: every problem a file can have is a ``PolicyError`` there;
here it is printed (a Rich table on a terminal, ``key.path: message`` lines when piped), not raised.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from mujun.cli._store import AsUser, acting_user, store_session
from mujun.cli.main import app
from mujun.engine.policy import (
    DEFAULT_POLICY,
    LoadedPolicy,
    Policy,
    PolicyError,
    shipped_policy_names,
)
from mujun.io.policy_files import load_policy
from mujun.services import policy_view
from mujun.services.policies import stored

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


def effective_mapping(policy: Policy) -> dict[str, Any]:
    """The policy with every default applied, as a plain mapping in the file's key order.

    Optional keys that only mean "inherit" (a group's ``cap``, an indicator's ``benchmark``…) are
    left out when unset; ``years.to`` and ``benchmark.by`` stay, since there null is a value.
    """
    out = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    out["years"].setdefault("to", None)
    out["benchmark"].setdefault("by", None)
    return out


class _Dumper(yaml.SafeDumper):
    """Leaf mappings and lists on one line, like the shipped template."""


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    leaf = all(not isinstance(v, dict | list) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=leaf)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_float(dumper: yaml.SafeDumper, data: float) -> yaml.Node:
    if data.is_integer():  # 35 rather than 35.0, as a county writes it; the value is the same
        return dumper.represent_int(int(data))
    return dumper.represent_float(data)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(float, _represent_float)
_Dumper.add_representer(list, _represent_list)


def effective_yaml(loaded: LoadedPolicy) -> str:
    """The effective policy as YAML under a comment header; loading it back gives the same hash."""
    policy = loaded.policy
    header = (
        f"# source: {loaded.source}\n"
        f"# name:   {policy.name}\n"
        f"# title:  {policy.title}\n"
        f"# years:  {years_text(policy)}\n"
        f"# hash:   {loaded.hash}\n"
    )
    body = yaml.dump(
        effective_mapping(policy), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000
    )
    return header + body


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
    loaded = _load_or_exit(path, Console(stderr=True))
    with store_session() as session:
        saved = stored.store_policy(session=session, actor=acting_user(session, as_user),
                                    text=loaded.text, filename=Path(path).name, note=note)
        typer.echo(f"stored: {saved.label}, years {saved.years_from}–{saved.years_to or ''}, "
                   f"sha256 {saved.sha256[:12]}, {saved.title}")


def _stored_rows(as_user: str | None) -> list[dict[str, Any]]:
    with store_session() as session:
        return [{"name": s.name, "version": s.version, "title": s.title,
                 "years": f"{s.years_from}–{s.years_to or ''}", "hash": s.sha256,
                 "uploaded_at": f"{s.uploaded_at:%Y-%m-%dT%H:%M}", "uploaded_by": s.uploaded_by}
                for s in policy_view.list_stored(session=session,
                                                 actor=acting_user(session, as_user))]
