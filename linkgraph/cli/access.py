"""``linkgraph policy check``, ``audit``, ``audit verify`` and ``case set-access``: need-to-know, administered."""

from __future__ import annotations

import json
from pathlib import Path

import click

from linkgraph.cli.base import FORMAT_OPTION, Context, pass_context


@click.group()
def policy() -> None:
    """Check policy files (who may see which cases)."""


@policy.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def policy_check(file: Path) -> None:
    """Validate the policy FILE; every problem is reported with its line (exit 2)."""
    from linkgraph.access.policy import load_policy

    loaded = load_policy(file)
    click.echo(f"policy {file}: {len(loaded.users)} users ({', '.join(sorted(loaded.users))}) - ok")


@click.group(invoke_without_command=True)
@click.option("--since", default=None, help="Only records at or after this ISO date or time.")
@click.option("--user", "user", default=None, help="Only records of this principal.")
@FORMAT_OPTION
@click.pass_context
def audit(click_ctx: click.Context, since: str | None, user: str | None, fmt: str) -> None:
    """List the audit log (administrators), or verify it with `audit verify`."""
    if click_ctx.invoked_subcommand is not None:
        return
    from linkgraph.output import render
    from linkgraph.store.base import QueryResult

    ctx: Context = click_ctx.obj
    with ctx.view() as view:
        records = view.audit_log().records()
    columns = ["seq", "time", "principal", "login", "command", "result", "rows", "hits", "cases", "params", "output"]
    kept = [r for r in records if (since is None or str(r.get("time", "")) >= since)
            and (user is None or r.get("principal") == user)]
    if fmt == "json":
        click.echo(json.dumps(kept, ensure_ascii=False, indent=2, sort_keys=True))
        return
    click.echo(render(QueryResult(columns, [[r.get(c) for c in columns] for r in kept]), fmt))


@audit.command("verify")
@pass_context
def audit_verify(ctx: Context) -> None:
    """Check that no audit record was edited, removed or reordered; exit 1 naming the first bad one."""
    with ctx.view() as view:
        result = view.audit_log().verify()
    click.echo(f"audit log {result.path}: {result.records:,} records, intact (head {result.head[:12]})")


@click.group()
def case() -> None:
    """Administer cases: owner country, operation and handling code."""


@case.command("set-access")
@click.argument("case_id")
@click.option("--handling", type=click.Choice(["H0", "H1", "H2", "H3"]), default=None, help="Handling code.")
@click.option("--operation", default=None, help="Operation code name, e.g. OP-MARE.")
@click.option("--country", default=None, help="Owner country, ISO 3166 alpha-3.")
@pass_context
def case_set_access(ctx: Context, case_id: str, handling: str | None, operation: str | None, country: str | None) -> None:
    """Change who may see CASE_ID (administrators only; recorded in the audit log)."""
    from linkgraph.access.admin import set_case_access

    with ctx.view() as view:
        changed = set_case_access(view, case_id, handling=handling, operation=operation, country=country)
    click.echo(f"case {case_id}: " + ", ".join(f"{k} {v}" for k, v in changed.items()))
