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


def _convert(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node)
            result[key] = _convert(value_node)
            result.key_lines[str(key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LineList(_convert(item) for item in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items
    return _scalar(node)


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
    return _convert(node)
