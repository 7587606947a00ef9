"""Intents: what a person can ask, as frozen dataclasses (``skill.intents_file`` reads them).
Statements are what a person tells about themselves that no intent answers by matching (the
warning signs in everyday words): the recognizer's language model expects them too.

Sentence templates use hassil's syntax (``(a|b)`` alternatives, ``[optional]`` words,
``{list}`` slots, ``<rule>`` expansion rules) and are parsed by hassil. ``expand`` turns a
template into every sentence it can produce together with its slot values; the matcher, the
Vosk grammar and the tests all use it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hassil.expression import (
    Alternative,
    Expression,
    ListReference,
    Permutation,
    RuleReference,
    Sequence,
    TextChunk,
)
from hassil.util import normalize_whitespace

_SLOT_IN_RESPONSE = re.compile(r"\{(\w+)\}")

Slots = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ListValue:
    """One value of a slot list: the words that say it and the value it stands for."""

    spoken: Expression
    value: str
    path: Path = field(default=Path(), compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Intent:
    """One intent: its templates, and either an article answer (``response``) or an ``action``."""

    name: str
    templates: tuple[Expression, ...]
    response: str | None = None
    action: str | None = None
    path: Path = field(default=Path(), compare=False)
    line: int = field(default=0, compare=False)
    template_lines: tuple[int, ...] = field(default=(), compare=False)

    def response_key(self, slots: Mapping[str, str]) -> str | None:
        """The answer key for these slot values, e.g. ``cause.{cause}`` -> ``cause.stress``."""
        if self.response is None:
            return None
        try:
            return self.response.format(**slots)
        except KeyError:
            return None


@dataclass(frozen=True)
class Statements:
    """Things people say about themselves (one warning sign's wordings, say): no intent answers
    them, but the recognizer should expect them."""

    name: str
    templates: tuple[Expression, ...]
    path: Path = field(default=Path(), compare=False)
    line: int = field(default=0, compare=False)
    template_lines: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class IntentSet:
    """All intents with the lists and rules their templates refer to."""

    intents: Mapping[str, Intent]
    lists: Mapping[str, tuple[ListValue, ...]]
    rules: Mapping[str, Expression]
    synonyms: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[Path, ...] = ()  # the files these came from
    statements: Mapping[str, Statements] = field(default_factory=dict)

    def expand(self, intent: Intent) -> Iterator[tuple[str, Slots]]:
        """Every sentence this intent's templates produce, with the slot values it carries."""
        for template in intent.templates:
            yield from self.expand_template(template)

    def expand_template(self, template: Expression) -> Iterator[tuple[str, Slots]]:
        """Every sentence one template produces, with the slot values it carries."""
        yield from _expand(template, self)

    def slot_combinations(self, intent: Intent) -> set[Slots]:
        """The slot values this intent's sentences carry, each combination once, found without
        expanding a sentence (a large slot list multiplies sentences, not combinations)."""
        memo: dict[str, frozenset[Slots]] = {}
        return {
            combination
            for template in intent.templates
            for combination in _combinations(template, self, memo)
        }

    def samples(self, names: Collection[str] | None = None) -> Iterator[tuple[str, str, Slots]]:
        """(intent name, sentence, slots) for every sentence of every intent (of ``names``)."""
        for intent in self.intents.values():
            if names is not None and intent.name not in names:
                continue
            for text, slots in self.expand(intent):
                yield intent.name, text, slots

    def statement_sentences(self) -> Iterator[str]:
        """Every sentence the statement templates make."""
        for statements in self.statements.values():
            for template in statements.templates:
                for text, _ in self.expand_template(template):
                    yield text

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


def _combinations(
    expr: Expression, intents: IntentSet, memo: dict[str, frozenset[Slots]]
) -> frozenset[Slots]:
    """The slot combinations ``_expand``'s sentences carry, each once."""
    if isinstance(expr, TextChunk):
        return frozenset({()})
    if isinstance(expr, Alternative):
        return frozenset().union(*(_combinations(item, intents, memo) for item in expr.items))
    if isinstance(expr, Sequence | Permutation):
        parts = [_combinations(item, intents, memo) for item in expr.items]
        orders = itertools.permutations(parts) if isinstance(expr, Permutation) else [parts]
        return frozenset(
            tuple(itertools.chain.from_iterable(chosen))
            for order in orders
            for chosen in itertools.product(*order)
        )
    if isinstance(expr, ListReference):
        return frozenset(
            ((expr.slot_name, value.value), *slots)
            for value in intents.lists[expr.list_name]
            for slots in _combinations(value.spoken, intents, memo)
        )
    if isinstance(expr, RuleReference):
        if expr.rule_name not in memo:
            memo[expr.rule_name] = _combinations(intents.rules[expr.rule_name], intents, memo)
        return memo[expr.rule_name]
    raise TypeError(f"unexpected template expression {expr!r}")  # pragma: no cover


def references(expr: Expression) -> Iterator[tuple[str, str]]:
    """("list", name) and ("rule", name) for every reference inside a template."""
    if isinstance(expr, ListReference):
        yield "list", expr.list_name
    elif isinstance(expr, RuleReference):
        yield "rule", expr.rule_name
    elif isinstance(expr, Sequence | Alternative | Permutation):
        for item in expr.items:
            yield from references(item)


def response_slots(response: str) -> list[str]:
    """Slot names a response template refers to, e.g. ``cause.{cause}`` -> ``["cause"]``."""
    return _SLOT_IN_RESPONSE.findall(response)
