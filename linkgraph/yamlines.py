"""YAML loading that remembers line numbers, so mapping errors can name the line they are on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from linkgraph.errors import InvalidMapping, LinkgraphError


class LineDict(dict):
    """A dict from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of ``key`` in the file, or the dict's own line when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list from YAML that knows its line and each item's line."""

    line: int = 0
    item_lines: list[int]


#: Most YAML nodes one file may expand to (aliases count each time they are used): a mapping has hundreds.
MAX_NODES = 100_000
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
               ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary", "merge")}


class _Expansion:
    """Turns a composed node tree into LineDict/LineList/scalars, refusing alias bombs, recursive aliases
    and tags other than YAML's plain ones (``!!python/...``), each with ``error`` naming the file and line."""

    def __init__(self, path: Path, error: type[LinkgraphError] = InvalidMapping) -> None:
        self.path = path
        self.error = error
        self.count = 0
        self.open: set[int] = set()

    def refuse(self, node: yaml.Node, problem: str) -> LinkgraphError:
        return self.error(f"{self.path}:{node.start_mark.line + 1}: {problem}")

    def convert(self, node: yaml.Node) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.refuse(node, f"the YAML expands to more than {MAX_NODES:,} values (aliases used over and "
                                    "over?); refused")
        if node.tag not in _PLAIN_TAGS:
            raise self.refuse(node, f"tag {node.tag!r} is not allowed here (plain YAML values only)")
        if isinstance(node, yaml.ScalarNode):
            try:
                return _scalar(node)
            except (yaml.YAMLError, ValueError, OverflowError) as error:
                raise self.refuse(node, f"unreadable value: {getattr(error, 'problem', None) or error}") from None
        if id(node) in self.open:
            raise self.refuse(node, "a recursive alias (a value that contains itself); refused")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                result = LineDict()
                result.line = node.start_mark.line + 1
                result.key_lines = {}
                for key_node, value_node in node.value:
                    key = self.convert(key_node)
                    if isinstance(key, (dict, list)):
                        raise self.refuse(key_node, "a map key must be a plain value")
                    result[key] = self.convert(value_node)
                    result.key_lines[str(key)] = key_node.start_mark.line + 1
                return result
            items = LineList(self.convert(item) for item in node.value)
            items.line = node.start_mark.line + 1
            items.item_lines = [item.start_mark.line + 1 for item in node.value]
            return items
        finally:
            self.open.discard(id(node))


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_with_lines(path: Path, error: type[LinkgraphError] = InvalidMapping, what: str = "mapping") -> Any:
    """Parse ``path`` as YAML into ``LineDict``/``LineList``/scalars.

    Raise ``error`` (``InvalidMapping`` by default; a policy file passes ``InvalidPolicy``) naming the
    file, and the line where there is one, when it cannot be read, is not YAML or is empty.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: a {what} file must be UTF-8") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise error(f"{where}: not valid YAML: {getattr(problem, 'problem', problem)}") from None
    if node is None:
        raise error(f"{path}: the {what} file is empty")
    return _Expansion(path, error).convert(node)
