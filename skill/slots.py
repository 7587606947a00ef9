"""Slot spotting: finding a slot value ("stress", "a heating pad") said anywhere in a question.

Spotting works on stemmed words, so a long question still names its cause or treatment even when
no template sentence is close to it as a whole. One ``Spotter`` per slot list, built from every
phrase each value expands to.
"""

from __future__ import annotations

from collections.abc import Callable

from .intents import IntentSet
from .text import STOPWORDS, content_stems, stem

# Dropped when spotting slot values, so "my heavy bag" finds "a heavy bag".
_SPOT_SKIP = frozenset(["a", "an", "the", "my", "your", "some", "this", "that"])


def _spot_form(text: str) -> str:
    return " ".join(stem(w) for w in text.split() if w not in _SPOT_SKIP)


class Spotter:
    """Finds a slot value said anywhere in the text, on stemmed words.

    A phrase said word for word wins; failing that, a phrase whose meaningful words all occur in
    the text, in any order ("i carry my toddler on one arm" finds "carrying with one arm"), as long
    as at least two of them are words few templates use ("relief from a neck spasm" does not name
    the spasm relief routine). More matched words beat fewer. Returns the value and the stems
    that said it."""

    def __init__(self, phrases: dict[str, str], common: set[str]) -> None:
        # canonical phrase -> value, as (spotting form, meaningful stems, value)
        entries = [(_spot_form(p), frozenset(content_stems(p)), v) for p, v in phrases.items()]
        self._phrases = sorted(
            ((form, bag, v) for form, bag, v in entries if form),
            key=lambda e: (-len(e[0]), e[0]),
        )
        self._bags = sorted(
            ((bag, v) for _, bag, v in entries if len(bag - common) >= 2),
            key=lambda b: (-len(b[0]), sorted(b[0]), b[1]),
        )
        self.vocabulary = {w for _, bag, _ in entries for w in bag}

    def __call__(self, query: str) -> tuple[str, frozenset[str]] | None:
        padded = f" {_spot_form(query)} "
        exact = next(((b, v) for f, b, v in self._phrases if f" {f} " in padded), None)
        words = set(content_stems(query))
        bag = next(((b, v) for b, v in self._bags if b <= words), None)
        if exact is not None and (bag is None or len(bag[0]) <= len(exact[0])):
            return exact[1], exact[0]
        return (bag[1], bag[0]) if bag is not None else None


def build_spotters(
    intents: IntentSet, canonical: Callable[[str], str], common: set[str]
) -> dict[str, Spotter]:
    """One spotter per slot list (slots are named after their lists), from every phrase each
    value expands to."""
    spotters = {}
    for list_name, values in intents.lists.items():
        phrases: dict[str, str] = {}
        for value in values:
            for text in intents.phrases(value):
                words = canonical(text)
                if words and words not in STOPWORDS:
                    phrases.setdefault(words, value.value)
        spotters[list_name] = Spotter(phrases, common)
    return spotters
