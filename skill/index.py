"""The matcher's index: everything it computes once from the intents, as one frozen value.

The sentences the templates expand to (of a large intent, a balanced sample: ``balanced``), in
canonical words (``normalize`` plus the synonym table) and grouped by intent so each intent's
compared sentences are one slice; every word any sentence uses; each intent's template
vocabulary with IDF weights; the slot spotters; a natural label per (intent, slots). Building it
is most of the start-up time, so ``skill.matcher_cache`` stores it; it holds plain data only, and
the matcher is a function of it and the text.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from hassil.expression import (
    Alternative,
    Expression,
    Permutation,
    RuleReference,
    Sequence,
    TextChunk,
)

from .intents import IntentSet, Slots, response_slots
from .slots import Spotter, build_spotters
from .text import OTHER_BODY_PARTS, content_stems, normalize, stem

# Words this long or longer that no template knows are corrected to the nearest known word.
SPELL_MIN_LENGTH = 5
# A word no template uses weighs this many times the rarest known word in word coverage.
UNKNOWN_WEIGHT = 2.5
# Words used by more intents than this are too common to name a slot value on their own.
COMMON_WORD_INTENTS = 3
# At most this many sentences per intent are kept in the index (for exact matches) and in the
# recognizers' sentence lists: slot lists multiply sentences, and every one kept costs memory in
# each session. Every word of every sentence stays known.
MAX_KEPT_PER_INTENT = 40_000
# At most this many sentences per intent are compared with a query. Slot lists multiply an
# intent's sentences (every cause in every way of asking), but the slot spotter finds the value
# wherever it is said, so the wording around it needs only a sample; comparing every sentence
# would make each ranking, and so each spoken turn, several times slower.
MAX_COMPARED_PER_INTENT = 15_000
# At most this many template sentences per intent go into the recognizer's language model: it
# counts sentences, so an intent that expands to hundreds of thousands would drown the short
# ones ("goodbye" was heard as "go mind" once the causes list grew).
MAX_SPOKEN_PER_INTENT = 50_000


@dataclass(frozen=True)
class SentenceIndex:
    """The intents' sentences and vocabularies, ready for scoring."""

    synonyms: Mapping[str, str]
    # canonical sentence -> (intent, slots), and the same sentences grouped by intent
    table: Mapping[str, tuple[str, Slots]]
    names: tuple[str, ...]
    sentences: tuple[str, ...]
    slices: Mapping[str, tuple[int, int]]
    slot_lists: Mapping[str, frozenset[str]]
    required_slots: Mapping[str, frozenset[str]]
    vocabularies: Mapping[str, frozenset[str]]
    idf: Mapping[str, float]
    unknown_weight: float
    spotters: Mapping[str, Spotter]
    known_words: frozenset[str]
    known_long_words: tuple[str, ...]
    labels: Mapping[tuple[str, Slots], str]

    def canonical(self, text: str) -> str:
        """``normalize`` plus the synonym table, applied alike to templates and queries."""
        return with_synonyms(normalize(text), self.synonyms)


def with_synonyms(normalized: str, synonyms: Mapping[str, str]) -> str:
    return " ".join(synonyms.get(w, w) for w in normalized.split())


def build_index(intents: IntentSet) -> SentenceIndex:
    """Expand every template once and compute everything scoring needs."""
    synonyms = dict(intents.synonyms)
    table: dict[str, tuple[str, Slots]] = {}
    slot_lists: dict[str, set[str]] = defaultdict(set)
    labels: dict[tuple[str, Slots], str] = {}
    known_words: set[str] = set(synonyms)
    for name, sentence, slots in intents.samples():
        words = normalize(sentence)
        canonical_words = with_synonyms(words, synonyms)
        known_words.update(canonical_words.split())
        table.setdefault(canonical_words, (name, slots))
        slot_lists[name].update(slot for slot, _ in slots)
        labels.setdefault((name, tuple(sorted(slots))), sentence)
    table.pop("", None)
    # Every word any sentence uses is known, but only a sample of each large intent's
    # sentences is kept: the index stays as small in memory as before the slot lists grew.
    kept = set(balanced(((n, slots, s) for s, (n, slots) in table.items()), MAX_KEPT_PER_INTENT))
    table = {sentence: label for sentence, label in table.items() if sentence in kept}
    known = frozenset(known_words)
    names = sorted({name for name, _ in table.values()})
    position = {name: i for i, name in enumerate(names)}
    compared = balanced(((n, slots, s) for s, (n, slots) in table.items()), MAX_COMPARED_PER_INTENT)
    sentences = sorted(compared, key=lambda s: (position[table[s][0]], s))
    owners = np.array([position[table[s][0]] for s in sentences])
    starts = np.searchsorted(owners, np.arange(len(names)))
    ends = np.append(starts[1:], len(sentences))

    def canonical(text: str) -> str:
        return with_synonyms(normalize(text), synonyms)

    vocabularies = _template_vocabularies(intents, canonical)
    # Words only slot values use weigh like unknown words unless the value is said.
    idf = _idf(vocabularies.get(name, frozenset()) for name in names)
    for word in map(stem, OTHER_BODY_PARTS):
        idf.pop(word, None)
    counts: dict[str, int] = defaultdict(int)
    for vocab in vocabularies.values():
        for word in vocab:
            counts[word] += 1
    common = {w for w, c in counts.items() if c > COMMON_WORD_INTENTS}
    return SentenceIndex(
        synonyms=synonyms,
        table=table,
        names=tuple(names),
        sentences=tuple(sentences),
        slices={name: (int(starts[i]), int(ends[i])) for name, i in position.items()},
        slot_lists={name: frozenset(slot_lists[name]) for name in names},
        required_slots={
            name: frozenset(response_slots(intent.response or ""))
            for name, intent in intents.intents.items()
        },
        vocabularies=vocabularies,
        idf=idf,
        unknown_weight=UNKNOWN_WEIGHT * max(idf.values(), default=1.0),
        spotters=build_spotters(intents, canonical, common),
        known_words=known,
        known_long_words=tuple(sorted(w for w in known if len(w) >= SPELL_MIN_LENGTH)),
        labels=labels,
    )


def spoken_sentences(intents: IntentSet, names: Iterable[str] | None = None) -> tuple[str, ...]:
    """The sentences of the intents ``names`` (all: ``None``) as spoken words, before synonyms,
    each intent's balanced to at most ``MAX_KEPT_PER_INTENT``: the known sentences of the
    recognizers that need them (grammars, nearest-sentence correction). All of them, with the
    synonyms (words people say too, though no template needs to spell them out).

    They are not part of the index: a session with the default recognizer never needs them, and
    they would cost it about 30 MB."""
    wanted = None if names is None else frozenset(names)
    rows = ((name, slots, normalize(sentence)) for name, sentence, slots in intents.samples(wanted))
    spoken = {words for _, _, words in _balanced_rows(rows, MAX_KEPT_PER_INTENT)}
    if wanted is None:
        spoken |= set(intents.synonyms)
    return tuple(sorted(spoken - {""}))


def balanced(rows: Iterable[tuple[str, Slots, str]], most: int) -> list[str]:
    """The sentences of ``rows`` (intent, slots, sentence), at most ``most`` per intent: all of an
    intent's, or a fixed sample that keeps every slot value's share (so each value keeps its ways
    of being asked about)."""
    return [sentence for _, _, sentence in _balanced_rows(rows, most)]


def balanced_samples(intents: IntentSet, most: int) -> list[tuple[str, str, Slots]]:
    """``intents.samples()`` (intent, sentence, slots), at most ``most`` per intent, balanced as
    ``balanced`` does."""
    rows = _balanced_rows(((name, slots, s) for name, s, slots in intents.samples()), most)
    return [(name, sentence, slots) for name, slots, sentence in rows]


def _balanced_rows(
    rows: Iterable[tuple[str, Slots, str]], most: int
) -> list[tuple[str, Slots, str]]:
    # A content hash orders each group, rather than chance or a set's order (which changes with
    # the process's string hashing): the same intents give the same sample in the same order, in
    # every process, so the classifier trained on it is the same too.
    groups: dict[str, dict[Slots, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name, slots, sentence in rows:
        groups[name][slots].add(sentence)
    kept: list[tuple[str, Slots, str]] = []
    for name, by_value in groups.items():
        size = sum(len(group) for group in by_value.values())
        for slots, group in by_value.items():
            share = max(1, len(group) * most // size)
            chosen = sorted(group, key=_stable_order)[:share]
            kept.extend((name, slots, sentence) for sentence in chosen)
    return kept


def _stable_order(sentence: str) -> tuple[bytes, str]:
    # The sentence itself breaks the (unlikely) tie of two equal digests.
    return hashlib.blake2b(sentence.encode(), digest_size=8).digest(), sentence


def _template_vocabularies(
    intents: IntentSet, canonical: Callable[[str], str]
) -> dict[str, frozenset[str]]:
    """Each intent's content stems from its templates' own words (and the rules they use), with
    slot lists left out."""
    vocab: dict[str, frozenset[str]] = {}
    for name, intent in intents.intents.items():
        chunks: list[str] = []
        for template in intent.templates:
            _collect_words(template, intents, chunks, set())
        vocab[name] = frozenset(content_stems(canonical(" ".join(chunks))))
    return vocab


def _collect_words(expr: Expression, intents: IntentSet, out: list[str], seen: set[str]) -> None:
    if isinstance(expr, TextChunk):
        out.append(expr.text)
    elif isinstance(expr, Sequence | Alternative | Permutation):
        for item in expr.items:
            _collect_words(item, intents, out, seen)
    elif isinstance(expr, RuleReference) and expr.rule_name not in seen:
        seen.add(expr.rule_name)
        _collect_words(intents.rules[expr.rule_name], intents, out, seen)


def _idf(vocabularies: Iterable[frozenset[str]]) -> dict[str, float]:
    vocabs = list(vocabularies)
    counts: dict[str, int] = defaultdict(int)
    for vocab in vocabs:
        for word in vocab:
            counts[word] += 1
    return {w: math.log(1 + len(vocabs) / c) for w, c in counts.items()}


def recognizer_sentences(intents: IntentSet, index: SentenceIndex) -> list[str]:
    """What a language model of the skill should expect people to say: the template sentences
    (each intent's balanced to at most ``MAX_SPOKEN_PER_INTENT``) as written and as the matcher
    normalizes it (with one form only, the recognizer leans to it:
    "spasm" over "spasms"), and what people tell about themselves (the statements: "my hand
    feels weak")."""
    said = [sentence for _, sentence, _ in balanced_samples(intents, MAX_SPOKEN_PER_INTENT)]
    return [
        *said,
        *sorted({normalize(sentence) for sentence in said} - {""}),
        # Synonyms are words people say too, though no template needs to spell them out.
        *sorted(index.synonyms),
        *intents.statement_sentences(),
    ]
