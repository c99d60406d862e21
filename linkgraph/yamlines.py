"""YAML loading that remembers line numbers, so mapping errors can name the line they are on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from linkgraph.errors import InvalidMapping


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


def load_with_lines(path: Path) -> Any:
    """Parse ``path`` as YAML into ``LineDict``/``LineList``/scalars; raise ``InvalidMapping`` on a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidMapping(f"cannot read mapping {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidMapping(f"{path}: a mapping file must be UTF-8") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InvalidMapping(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from None
    if node is None:
        raise InvalidMapping(f"{path}: the mapping file is empty")
    return _convert(node)
