"""Intents: the YAML files in ``intents/``, parsed once into frozen dataclasses and validated.

Sentence templates use hassil's syntax (``(a|b)`` alternatives, ``[optional]`` words,
``{list}`` slots, ``<rule>`` expansion rules) and are parsed by hassil. ``expand`` turns a
template into every sentence it can produce together with its slot values; the matcher, the
Vosk grammar and the tests all use it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
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
from hassil.util import normalize_whitespace

from .yamlfile import LineDict, LineList, Problems, load_yaml

# What an intent can do besides answering from the article; the dialogue implements each.
ACTIONS = frozenset(
    {
        "help",
        "stop",
        "repeat",
        "more",
        "how_long",
        "start_over",
        "goodbye",
        "yes",
        "no",
        "thanks",
        "list_routines",
        "start_routine",
        "pause",
        "resume",
        "next",
        "previous",
        "slower",
        "faster",
    }
)

_SLOT_IN_RESPONSE = re.compile(r"\{(\w+)\}")

Slots = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ListValue:
    """One value of a slot list: the words that say it and the value it stands for."""

    spoken: Expression
    value: str


@dataclass(frozen=True)
class Intent:
    """One intent: its templates, and either an article answer (``response``) or an ``action``."""

    name: str
    templates: tuple[Expression, ...]
    response: str | None = None
    action: str | None = None
    path: Path = field(default=Path(), compare=False)
    line: int = field(default=0, compare=False)

    def response_key(self, slots: Mapping[str, str]) -> str | None:
        """The answer key for these slot values, e.g. ``cause.{cause}`` -> ``cause.stress``."""
        if self.response is None:
            return None
        try:
            return self.response.format(**slots)
        except KeyError:
            return None


@dataclass(frozen=True)
class IntentSet:
    """All intents with the lists and rules their templates refer to."""

    intents: Mapping[str, Intent]
    lists: Mapping[str, tuple[ListValue, ...]]
    rules: Mapping[str, Expression]
    synonyms: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[Path, ...] = ()  # the files these came from

    def expand(self, intent: Intent) -> Iterator[tuple[str, Slots]]:
        """Every sentence this intent's templates produce, with the slot values it carries."""
        for template in intent.templates:
            yield from _expand(template, self)

    def samples(self) -> Iterator[tuple[str, str, Slots]]:
        """(intent name, sentence, slots) for every sentence of every intent."""
        for intent in self.intents.values():
            for text, slots in self.expand(intent):
                yield intent.name, text, slots

    def phrases(self, value: ListValue) -> list[str]:
        """Every way of saying one slot value."""
        return [text for text, _ in _expand(value.spoken, self)]

    def slot_values(self, list_name: str) -> list[str]:
        return [v.value for v in self.lists.get(list_name, ())]


def _join(parts: tuple[tuple[str, Slots], ...]) -> tuple[str, Slots]:
    text = normalize_whitespace("".join(p[0] for p in parts)).strip()
    slots: Slots = tuple(itertools.chain.from_iterable(p[1] for p in parts))
    return text, slots


def _expand(expr: Expression, intents: IntentSet) -> Iterator[tuple[str, Slots]]:
    if isinstance(expr, TextChunk):
        yield expr.original_text, ()
    elif isinstance(expr, Alternative):
        for item in expr.items:
            yield from _expand(item, intents)
    elif isinstance(expr, Sequence):
        options = [list(_expand(item, intents)) for item in expr.items]
        for parts in itertools.product(*options):
            yield _join(parts)
    elif isinstance(expr, Permutation):
        options = [list(_expand(item, intents)) for item in expr.items]
        for order in itertools.permutations(options):
            for parts in itertools.product(*order):
                yield _join(parts)
    elif isinstance(expr, ListReference):
        for value in intents.lists[expr.list_name]:
            for text, slots in _expand(value.spoken, intents):
                yield text, ((expr.slot_name, value.value), *slots)
    elif isinstance(expr, RuleReference):
        yield from _expand(intents.rules[expr.rule_name], intents)
    else:  # pragma: no cover - hassil has no other expression types
        raise TypeError(f"unexpected template expression {expr!r}")


def _references(expr: Expression) -> Iterator[tuple[str, str]]:
    """("list", name) and ("rule", name) for every reference inside a template."""
    if isinstance(expr, ListReference):
        yield "list", expr.list_name
    elif isinstance(expr, RuleReference):
        yield "rule", expr.rule_name
    elif isinstance(expr, Sequence | Alternative | Permutation):
        for item in expr.items:
            yield from _references(item)


def _parse_template(problems: Problems, path: Path, line: int, text: Any) -> Expression | None:
    if not isinstance(text, str) or not text.strip():
        problems.add(path, line, "empty template: write the words of a sentence")
        return None
    try:
        return parse_sentence(text.strip()).expression
    except Exception as error:
        problems.add(path, line, f"cannot parse template {text!r}: {error}")
        return None


_FILE_KEYS = {"language", "intents", "lists", "expansion_rules", "synonyms"}
_INTENT_KEYS = {"response", "action", "sentences", "description"}


class _Builder:
    """Accumulates intents, lists and rules from several files, collecting every problem."""

    def __init__(self) -> None:
        self.problems = Problems()
        self.intents: dict[str, Intent] = {}
        self.lists: dict[str, tuple[ListValue, ...]] = {}
        self.rules: dict[str, Expression] = {}
        self.synonyms: dict[str, str] = {}
        self.where: dict[tuple[str, str], tuple[Path, int]] = {}

    def add_file(self, path: Path) -> None:
        from .errors import DataError

        try:
            data = load_yaml(path)
        except DataError as error:
            self.problems.extend(error.problems)
            return
        top = self.problems.expect_mapping(path, data, 1, "an intents file")
        if top is None:
            return
        self.problems.check_keys(path, top, _FILE_KEYS, {"intents"}, "the file")
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
                out.append(ListValue(spoken, str(entry["out"])))
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
        sentences = mapping.get("sentences")
        if not isinstance(sentences, LineList) or not sentences:
            self.problems.add(path, mapping.line, f"intent {name!r} has no sentences")
            return
        templates: list[Expression] = []
        for index, text in enumerate(sentences):
            expr = _parse_template(self.problems, path, sentences.line_of(index), text)
            if expr is not None:
                templates.append(expr)
        self.intents[name] = Intent(
            name=name,
            templates=tuple(templates),
            response=str(response) if response is not None else None,
            action=str(action) if action is not None else None,
            path=path,
            line=line,
        )

    def check_references(self) -> None:
        expressions: list[tuple[Path, int, Expression]] = [
            (intent.path, intent.line, expr)
            for intent in self.intents.values()
            for expr in intent.templates
        ]
        expressions += [(*self.where[("rule", name)], expr) for name, expr in self.rules.items()]
        for path, line, expr in expressions:
            for kind, name in _references(expr):
                known = self.lists if kind == "list" else self.rules
                if name not in known:
                    self.problems.add(path, line, f"template uses unknown {kind} {name!r}")


def _items(problems: Problems, path: Path, top: LineDict, key: str) -> list[tuple[str, Any]]:
    section = top.get(key)
    if section is None:
        return []
    mapping = problems.expect_mapping(path, section, top.line_of(key), f"{key!r}")
    return list(mapping.items()) if mapping is not None else []


def load_intents(directory: Path) -> IntentSet:
    """Load and validate every ``*.yaml`` file in ``directory``; raise ``DataError`` listing all
    problems (file and line) when any file is invalid."""
    builder = _Builder()
    files = sorted(directory.glob("*.yaml"))
    if not files:
        builder.problems.add(directory, 0, "no intent files (*.yaml) found here")
    for path in files:
        builder.add_file(path)
    builder.check_references()
    builder.problems.raise_if_any()
    return IntentSet(
        intents=builder.intents,
        lists=builder.lists,
        rules=builder.rules,
        synonyms=builder.synonyms,
        sources=tuple(files),
    )


def response_slots(response: str) -> list[str]:
    """Slot names a response template refers to, e.g. ``cause.{cause}`` -> ``["cause"]``."""
    return _SLOT_IN_RESPONSE.findall(response)
