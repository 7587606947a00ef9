"""Reading ``intents/*.yaml`` into an ``IntentSet``, with every problem found reported at once.

Each problem names its file and line: unknown keys and actions, unparsable templates, names that
YAML does not read as text, references to unknown lists or rules, rules that refer to themselves
(which would expand forever), and templates that would expand to more sentences than a person
could write, refused before anything is expanded.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from hassil.expression import (
    Alternative,
    Expression,
    ListReference,
    Permutation,
    RuleReference,
    Sequence,
    TextChunk,
)
from hassil.parse_expression import parse_sentence

from .errors import DataError
from .intents import Intent, IntentSet, ListValue, Statements, references
from .vocabulary import ACTIONS
from .yamlfile import LineDict, LineList, Problems, load_yaml

# Expansion limits, checked before anything is expanded: the project's own templates make about
# 92,000 sentences, the largest single template about 7,000.
MAX_SENTENCES_PER_TEMPLATE = 50_000
MAX_SENTENCES = 500_000


def _parse_template(problems: Problems, path: Path, line: int, text: Any) -> Expression | None:
    if not isinstance(text, str):
        kind = "a list" if isinstance(text, list) else type(text).__name__
        problems.add(path, line, f"a sentence must be text in quotes, not {kind}")
        return None
    if not text.strip():
        problems.add(path, line, "empty template: write the words of a sentence")
        return None
    try:
        return parse_sentence(text.strip()).expression
    except Exception as error:
        problems.add(path, line, f"cannot parse template {text!r}: {error}")
        return None


_FILE_KEYS = {"language", "intents", "statements", "lists", "expansion_rules", "synonyms"}
_INTENT_KEYS = {"response", "action", "sentences", "description"}
_STATEMENT_KEYS = {"sentences", "description"}


class _Builder:
    """Accumulates intents, lists and rules from several files, collecting every problem."""

    def __init__(self) -> None:
        self.problems = Problems()
        self.intents: dict[str, Intent] = {}
        self.statements: dict[str, Statements] = {}
        self.lists: dict[str, tuple[ListValue, ...]] = {}
        self.rules: dict[str, Expression] = {}
        self.synonyms: dict[str, str] = {}
        self.where: dict[tuple[str, str], tuple[Path, int]] = {}

    def add_file(self, path: Path) -> None:
        try:
            data = load_yaml(path)
        except DataError as error:
            self.problems.extend(error.problems)
            return
        top = self.problems.expect_mapping(path, data, 1, "an intents file")
        if top is None:
            return
        self.problems.check_keys(path, top, _FILE_KEYS, set(), "the file")
        if "intents" not in top and "statements" not in top:
            self.problems.add(path, 1, "an intents file needs 'intents' or 'statements'")
        for name, body in _items(self.problems, path, top, "lists"):
            self._add_list(path, top["lists"].line_of(name), name, body)
        for name, body in _items(self.problems, path, top, "expansion_rules"):
            line = top["expansion_rules"].line_of(name)
            if self._first(path, line, "rule", name):
                expr = _parse_template(self.problems, path, line, body)
                if expr is not None:
                    self.rules[name] = expr
        for name, body in _items(self.problems, path, top, "synonyms"):
            line = top["synonyms"].line_of(name)
            for word in self.problems.expect_text_list(path, body, line, f"synonyms of {name!r}"):
                if word in self.synonyms and self.synonyms[word] != name:
                    self.problems.add(
                        path, line, f"{word!r} is already a synonym of {self.synonyms[word]!r}"
                    )
                self.synonyms[word.lower()] = name
        for name, body in _items(self.problems, path, top, "intents"):
            self._add_intent(path, top["intents"].line_of(name), name, body)
        for name, body in _items(self.problems, path, top, "statements"):
            self._add_statements(path, top["statements"].line_of(name), name, body)

    def _first(self, path: Path, line: int, kind: str, name: str) -> bool:
        if (kind, name) in self.where:
            other_path, other_line = self.where[(kind, name)]
            self.problems.add(
                path, line, f"duplicate {kind} name {name!r} (first at {other_path}:{other_line})"
            )
            return False
        self.where[(kind, name)] = (path, line)
        return True

    def _add_list(self, path: Path, line: int, name: str, body: Any) -> None:
        if not self._first(path, line, "list", name):
            return
        mapping = self.problems.expect_mapping(path, body, line, f"list {name!r}")
        if mapping is None or not self.problems.check_keys(
            path, mapping, {"values"}, {"values"}, f"list {name!r}"
        ):
            return
        values = mapping["values"]
        if not isinstance(values, LineList) or not values:
            self.problems.add(path, mapping.line_of("values"), f"list {name!r} has no values")
            return
        out: list[ListValue] = []
        for index, item in enumerate(values):
            item_line = values.line_of(index)
            if isinstance(item, str):
                item = LineDict({"in": item, "out": item})
                item.line, item.key_lines = item_line, {}
            entry = self.problems.expect_mapping(path, item, item_line, f"a value of {name!r}")
            if entry is None or not self.problems.check_keys(
                path, entry, {"in", "out"}, {"in", "out"}, f"a value of list {name!r}"
            ):
                continue
            spoken = _parse_template(self.problems, path, item_line, entry["in"])
            if spoken is not None:
                out.append(ListValue(spoken, str(entry["out"]), path, item_line))
        self.lists[name] = tuple(out)

    def _add_intent(self, path: Path, line: int, name: str, body: Any) -> None:
        if not self._first(path, line, "intent", name):
            return
        mapping = self.problems.expect_mapping(path, body, line, f"intent {name!r}")
        if mapping is None:
            return
        self.problems.check_keys(path, mapping, _INTENT_KEYS, {"sentences"}, f"intent {name!r}")
        response, action = mapping.get("response"), mapping.get("action")
        if (response is None) == (action is None):
            self.problems.add(path, line, f"intent {name!r} needs exactly one of response, action")
        if action is not None and action not in ACTIONS:
            known = ", ".join(sorted(ACTIONS))
            self.problems.add(
                path, mapping.line_of("action"), f"unknown action {action!r} (one of: {known})"
            )
        parsed = self._templates(path, mapping, f"intent {name!r}")
        if parsed is None:
            return
        templates, lines = parsed
        self.intents[name] = Intent(
            name=name,
            templates=tuple(templates),
            response=str(response) if response is not None else None,
            action=str(action) if action is not None else None,
            path=path,
            line=line,
            template_lines=tuple(lines),
        )

    def _add_statements(self, path: Path, line: int, name: str, body: Any) -> None:
        if not self._first(path, line, "statements", name):
            return
        what = f"statements {name!r}"
        mapping = self.problems.expect_mapping(path, body, line, what)
        if mapping is None:
            return
        self.problems.check_keys(path, mapping, _STATEMENT_KEYS, {"sentences"}, what)
        parsed = self._templates(path, mapping, what)
        if parsed is not None:
            templates, lines = parsed
            self.statements[name] = Statements(name, templates, path, line, lines)

    def _templates(
        self, path: Path, mapping: LineDict, what: str
    ) -> tuple[tuple[Expression, ...], tuple[int, ...]] | None:
        """The parsed ``sentences`` of an intent or statements, and the line of each."""
        sentences = mapping.get("sentences")
        if not isinstance(sentences, LineList) or not sentences:
            self.problems.add(path, mapping.line, f"{what} has no sentences")
            return None
        templates: list[Expression] = []
        lines: list[int] = []
        for index, text in enumerate(sentences):
            expr = _parse_template(self.problems, path, sentences.line_of(index), text)
            if expr is not None:
                templates.append(expr)
                lines.append(sentences.line_of(index))
        return tuple(templates), tuple(lines)

    def _all_templates(self) -> Iterator[tuple[Path, int, Expression, int]]:
        """(file, entry line, template, template line) of every intent and statement."""
        entries: list[Intent | Statements] = [*self.intents.values(), *self.statements.values()]
        for entry in entries:
            for expr, line in zip(entry.templates, entry.template_lines, strict=True):
                yield entry.path, entry.line, expr, line

    def checkreferences(self) -> None:
        expressions: list[tuple[Path, int, Expression]] = [
            (path, line, expr) for path, line, expr, _ in self._all_templates()
        ]
        expressions += [(*self.where[("rule", name)], expr) for name, expr in self.rules.items()]
        for path, line, expr in expressions:
            for kind, name in references(expr):
                known = self.lists if kind == "list" else self.rules
                if name not in known:
                    self.problems.add(path, line, f"template uses unknown {kind} {name!r}")

    def check_rule_cycles(self) -> None:
        """A rule that refers to itself, directly or through others, would expand forever."""
        graph = {
            name: sorted({ref for kind, ref in references(expr) if kind == "rule"})
            for name, expr in self.rules.items()
        }
        reported: set[str] = set()
        for start in sorted(graph):
            cycle = _find_cycle(start, graph)
            if cycle is None or cycle[0] in reported:
                continue
            reported.update(cycle)
            path, line = self.where[("rule", cycle[0])]
            chain = " -> ".join(f"<{name}>" for name in (*cycle, cycle[0]))
            self.problems.add(path, line, f"rule <{cycle[0]}> refers to itself: {chain}")

    def check_sizes(self) -> None:
        """Refuse, before expanding anything, a template that would make too many sentences."""
        counter = _Counter(self.lists, self.rules)
        total = 0
        for path, _, expr, line in self._all_templates():
            count = counter.count(expr)
            total += count
            if count > MAX_SENTENCES_PER_TEMPLATE:
                self.problems.add(
                    path,
                    line,
                    f"this template makes {count:,} sentences, more than the limit of "
                    f"{MAX_SENTENCES_PER_TEMPLATE:,}; split it or make parts optional less",
                )
        if total > MAX_SENTENCES and not self.problems.items:
            self.problems.add(
                Path("intents"),
                0,
                f"the templates make {total:,} sentences in all, more than the limit of "
                f"{MAX_SENTENCES:,}",
            )


def _find_cycle(start: str, graph: Mapping[str, list[str]]) -> list[str] | None:
    """The rules on a reference cycle through ``start``, in order, or None."""
    path: list[str] = []

    def visit(name: str, seen: set[str]) -> list[str] | None:
        if name == start and path:
            return list(path)
        if name in seen or name not in graph:
            return None
        seen.add(name)
        path.append(name)
        for ref in graph[name]:
            found = visit(ref, seen)
            if found is not None:
                return found
        path.pop()
        return None

    return visit(start, set())


class _Counter:
    """How many sentences an expression expands to, without expanding it."""

    def __init__(
        self, lists: Mapping[str, tuple[ListValue, ...]], rules: Mapping[str, Expression]
    ) -> None:
        self._lists = lists
        self._rules = rules
        self._rule_counts: dict[str, int] = {}

    def count(self, expr: Expression) -> int:
        if isinstance(expr, TextChunk):
            return 1
        if isinstance(expr, Alternative):
            return sum(self.count(item) for item in expr.items)
        if isinstance(expr, Sequence | Permutation):
            product = math.prod(self.count(item) for item in expr.items)
            if isinstance(expr, Permutation):
                product *= math.factorial(len(expr.items))
            return product
        if isinstance(expr, ListReference):
            return sum(self.count(value.spoken) for value in self._lists.get(expr.list_name, ()))
        if isinstance(expr, RuleReference):
            name = expr.rule_name
            if name not in self._rule_counts:
                self._rule_counts[name] = 0  # a cycle (reported elsewhere) counts as nothing
                rule = self._rules.get(name)
                self._rule_counts[name] = self.count(rule) if rule is not None else 0
            return self._rule_counts[name]
        return 1


def _items(problems: Problems, path: Path, top: LineDict, key: str) -> list[tuple[str, Any]]:
    section = top.get(key)
    if section is None:
        return []
    mapping = problems.expect_mapping(path, section, top.line_of(key), f"{key!r}")
    if mapping is None:
        return []
    items = []
    for name, body in mapping.items():
        if isinstance(name, str):
            items.append((name, body))
        else:
            problems.add(
                path,
                mapping.line_of(name),
                f"the name {name!r} in {key!r} must be text: put it in quotes",
            )
    return items


def load_intents(directory: Path) -> IntentSet:
    """Load and validate every ``*.yaml`` file in ``directory``; raise ``DataError`` listing all
    problems (file and line) when any file is invalid."""
    builder = _Builder()
    files = sorted(directory.glob("*.yaml"))
    if not files:
        builder.problems.add(directory, 0, "no intent files (*.yaml) found here")
    for path in files:
        builder.add_file(path)
    builder.checkreferences()
    builder.check_rule_cycles()
    builder.problems.raise_if_any()
    builder.check_sizes()
    builder.problems.raise_if_any()
    return IntentSet(
        intents=builder.intents,
        lists=builder.lists,
        rules=builder.rules,
        synonyms=builder.synonyms,
        sources=tuple(files),
        statements=builder.statements,
    )
