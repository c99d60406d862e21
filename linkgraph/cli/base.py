"""What every command shares: the acting context, the error-to-exit-code group, typed ``-p`` parameters.

This module imports only click and the exception root, so ``linkgraph --help`` stays fast; each
command imports the library it needs inside its own body.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from linkgraph.errors import LinkgraphError, UsageError
from linkgraph.output import FORMATS, printable

if TYPE_CHECKING:
    from linkgraph.access.view import View

#: Exit code of a command that completed but rejected some input rows (DESIGN.md).
EXIT_REJECTED = 3


class LinkgraphFailure(click.ClickException):
    """A user-facing failure carried to click with its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Group(click.Group):
    """A click group that turns ``LinkgraphError`` into a one-line message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LinkgraphError as error:
            # Messages can quote data (a file name, a header): never let its control bytes reach the terminal.
            raise LinkgraphFailure(printable(str(error), keep_newlines=True), error.exit_code) from None


class Context:
    """What every command gets: the store URI, who asks to act (``--as``), the policy file, and the door."""

    def __init__(self, store_uri: str, as_user: str | None, policy: Path | None) -> None:
        self.store_uri = store_uri
        self.as_user = as_user
        self.policy = policy

    def view(self, create: bool = False) -> View:
        """Open the selected store through the one door, for the acting principal (creating an embedded
        store only when ``create``). The command's name goes into the audit record."""
        from linkgraph.access.view import open_view

        command = click.get_current_context().command_path.partition(" ")[2] or "linkgraph"
        return open_view(self.store_uri, command=command, as_user=self.as_user, policy=self.policy, create=create)


pass_context = click.make_pass_decorator(Context)

_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "json": object}


def parse_params(pairs: tuple[str, ...], typed: bool = True) -> dict[str, Any]:
    """Turn ``-p key=value`` options into a dict.

    With ``typed`` (the ``cypher`` command) a value is a JSON literal when it parses as one
    (``n=1`` is the integer 1, ``ids=["a","b"]`` a list, ``s="1"`` the string "1") and text otherwise;
    ``key:TYPE=value`` forces a type (str, int, float, bool, list, json). Untyped values stay text,
    for named queries whose header declares each parameter's type. Raise ``UsageError`` for a pair
    without ``=`` or a value that does not fit its forced type.
    """
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        name, _, type_name = key.strip().partition(":")
        if not sep or not name:
            raise UsageError(f"parameter {pair!r} must look like key=value (or key:type=value)")
        if type_name and type_name not in _TYPES:
            raise UsageError(f"parameter {name}: unknown type {type_name!r}; use one of {', '.join(_TYPES)}")
        params[name] = _typed(name, raw, type_name) if (typed or type_name) else raw
    return params


def _typed(name: str, raw: str, type_name: str) -> Any:
    if type_name == "str":
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        if type_name:
            raise UsageError(f"parameter {name} must be {type_name}, not {raw!r}") from None
        return raw
    if type_name == "float" and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    wanted = _TYPES.get(type_name, object)
    if wanted is not object and (not isinstance(value, wanted) or (wanted is int and isinstance(value, bool))):
        raise UsageError(f"parameter {name} must be {type_name}, not {raw!r}")
    return value


FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="table for people; csv and json are stable for scripts.")
PARAM_OPTION = click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
                            help="Query parameter (a JSON literal, or text; KEY:TYPE=VALUE forces a type); repeat for several.")
