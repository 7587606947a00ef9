"""Reading YAML data files while keeping line numbers, so every problem can point at its line.

Mappings load as ``LineDict`` (a dict that knows its own line and the line of each key) and
sequences as ``LineList``. The typed ``from_dict`` constructors in the other modules read these and
report problems through a ``Problems`` collector; downstream code only sees frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Problem

# Limits no real data file comes near; they stop a broken or hostile file early.
MAX_FILE_BYTES = 4 << 20
MAX_NESTING = 32


class LineDict(dict[str, Any]):
    """A mapping from a YAML file, remembering where it and each of its keys started."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence from a YAML file, remembering the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the name {key!r} must be text: put it in quotes (YAML reads it as "
                f"{type(key).__name__})",
                key_node.start_mark,
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes a ``DataError`` naming file and line."""
    if not path.is_file():
        what = "does not exist" if not path.exists() else "is not a regular file"
        raise DataError([Problem(path, 0, f"cannot read the file: it {what}")])
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DataError(
                [Problem(path, 0, f"the file is larger than {MAX_FILE_BYTES >> 20} MB")]
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError([Problem(path, 0, f"cannot read the file: {error}")]) from error
    try:
        _check_nesting(path, text)
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise DataError([Problem(path, line, f"YAML syntax error: {error.problem}")]) from error
    except yaml.YAMLError as error:
        raise DataError([Problem(path, 0, f"YAML error: {error}")]) from error


def _check_nesting(path: Path, text: str) -> None:
    """Refuse nesting deeper than any data file needs, before building anything from it."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise DataError(
                    [Problem(path, line, f"nested more than {MAX_NESTING} levels deep")]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class Problems:
    """Collects problems across files so one run reports all of them at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(sorted(self.items, key=lambda p: (str(p.path), p.line)))

    def check_keys(
        self, path: Path, mapping: LineDict, allowed: set[str], required: set[str], what: str
    ) -> bool:
        """Report unknown and missing keys; returns False when a required key is missing."""
        for key in mapping:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.add(path, mapping.line_of(key), f"unknown key {key!r} in {what} ({known})")
        ok = True
        for key in sorted(required - mapping.keys()):
            self.add(path, mapping.line, f"{what} is missing the required key {key!r}")
            ok = False
        return ok

    def expect_mapping(self, path: Path, value: Any, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.add(path, line, f"{what} must be a mapping, not {type(value).__name__}")
        return None

    def expect_text(self, path: Path, value: Any, line: int, what: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.add(path, line, f"{what} must be non-empty text")
        return None

    def expect_text_list(self, path: Path, value: Any, line: int, what: str) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(path, line, f"{what} must be a list of text")
            return []
        out: list[str] = []
        for index, item in enumerate(value):
            item_line = value.line_of(index) if isinstance(value, LineList) else line
            text = self.expect_text(path, item, item_line, f"{what} item {index + 1}")
            if text is not None:
                out.append(text)
        return out
