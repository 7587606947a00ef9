"""Turning what the user said into ranked intent matches with a confidence.

An exact hit on any sentence the templates expand to scores 1.0. Anything else is scored per
intent from two signals, both computed against the expanded template sentences:

* sentence similarity (rapidfuzz), which tolerates recognizer slips like "neck spas ems";
* word coverage: how much of the query's meaningful vocabulary the intent's sentences use,
  weighted by how specific each word is to few intents. Words no template knows pull the score
  down, which is what sends "what causes knee pain" to the fallback.

Slot values ("stress", "a heating pad") are spotted in the text directly, so a long question
still gets the right cause or treatment. Everything is built once, when the matcher is created.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from .intents import IntentSet, Slots

# How much sentence similarity counts against word coverage in an intent's score.
FUZZY_WEIGHT = 0.55
# Below this confidence the dialogue falls back politely instead of guessing.
THRESHOLD = 0.6
# When the two best intents with different answers are this close (and below 0.9), ask which.
CLARIFY_MARGIN = 0.03

# Words that carry no meaning for intent choice; recognizers and people add them freely.
FILLER = frozenset(
    "um uh er erm hmm ah oh so like well hey hi hello okay ok just actually basically "
    "really please kindly neck coach".split()
)
# Function words: kept for sentence similarity, ignored for word coverage.
STOPWORDS = frozenset(
    "a an the i me my mine you your it its is are was were be been am do does did to of in on "
    "at for with and or but that this these those there what how why when which who can could "
    "should would will if from about by as up any some get got have has had im ive dont "
    "we us our they them their he she his her not no so than then too very".split()
)
_NON_WORD = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")
# Common ways a recognizer splits or mangles the domain's hardest words.
_REPAIRS = (
    (re.compile(r"\bspas+ ?(?:e?ms?|ums?|ems?)\b"), "spasms"),
    (re.compile(r"\bspaz+(?:ms?|ums?)?\b"), "spasms"),
    (re.compile(r"\bnex\b"), "neck"),
    (re.compile(r"\bspawn ?d[ae]l?osis\b|\bspondy ?losis\b|\bspond[ae]losis\b"), "spondylosis"),
    (re.compile(r"\bsteno sis\b|\bstenos[ie]s\b"), "stenosis"),
)


def normalize(text: str) -> str:
    """Lower-case words only, filler removed, apostrophes dropped ("what's" -> "whats")."""
    text = _NON_WORD.sub(" ", text.lower().replace("’", "'")).replace("'", "")
    for pattern, replacement in _REPAIRS:
        text = pattern.sub(replacement, text)
    return " ".join(w for w in _SPACES.split(text) if w and w not in FILLER)


def stem(word: str) -> str:
    """A light stemmer: enough to make "spasms", "spasming" and "spasm" one word."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class IntentMatch:
    """One candidate reading of the user's words."""

    intent: str
    confidence: float
    slots: Mapping[str, str] = field(default_factory=dict)
    sentence: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "slots": dict(self.slots),
            "sentence": self.sentence,
        }


class Matcher:
    """Scores text against every sentence the intents can produce."""

    def __init__(self, intents: IntentSet) -> None:
        self.intents = intents
        self._synonyms = intents.synonyms
        table: dict[str, tuple[str, Slots]] = {}
        for name, sentence, slots in intents.samples():
            table.setdefault(self.canonical(sentence), (name, slots))
        table.pop("", None)
        self._table = table
        self._sentences = list(table)
        self._names = sorted({name for name, _ in table.values()})
        index = {name: i for i, name in enumerate(self._names)}
        self._sentence_intent = np.array([index[table[s][0]] for s in self._sentences])
        self._vocab = _vocabularies(
            (table[s][0], s) for s in self._sentences
        )
        self._idf = _idf(self._vocab.values())
        self._spotters = _spotters(intents, self.canonical)

    def canonical(self, text: str) -> str:
        """``normalize`` plus the synonym table, applied alike to templates and queries."""
        words = normalize(text).split()
        return " ".join(self._synonyms.get(w, w) for w in words)

    @property
    def sentences(self) -> list[str]:
        """Every distinct canonical sentence (the Vosk grammar and the corrector use these)."""
        return self._sentences

    def rank(self, text: str, allowed: set[str] | None = None) -> list[IntentMatch]:
        """Candidate intents for ``text``, best first.

        ``allowed`` restricts the intents considered (e.g. routine controls during a routine).
        """
        query = self.canonical(text)
        if not query:
            return []
        exact = self._table.get(query)
        if exact is not None and (allowed is None or exact[0] in allowed):
            return [IntentMatch(exact[0], 1.0, dict(exact[1]), query)]
        similarity = process.cdist([query], self._sentences, scorer=_similarity, workers=1)[0]
        spotted = {name: spot(query) for name, spot in self._spotters.items()}
        matches = []
        for i, name in enumerate(self._names):
            if allowed is not None and name not in allowed:
                continue
            rows = np.flatnonzero(self._sentence_intent == i)
            best_row = rows[int(np.argmax(similarity[rows]))]
            sentence = self._sentences[best_row]
            slots = dict(self._table[sentence][1])
            fuzzy = float(similarity[best_row]) / 100.0
            for slot in slots:
                if spotted.get(slot):
                    slots[slot] = spotted[slot] or slots[slot]
            coverage = self._coverage(query, name)
            score = FUZZY_WEIGHT * fuzzy + (1 - FUZZY_WEIGHT) * coverage
            matches.append(IntentMatch(name, min(score, 0.99), slots, sentence))
        return sorted(matches, key=lambda m: -m.confidence)

    def _coverage(self, query: str, intent: str) -> float:
        words = {stem(w) for w in query.split() if w not in STOPWORDS}
        if not words:
            return 0.5
        vocab = self._vocab[intent]
        unknown = max(self._idf.values(), default=1.0) + 1.0
        total = sum(self._idf.get(w, unknown) for w in words)
        covered = sum(self._idf.get(w, unknown) for w in words if w in vocab)
        return covered / total


def _similarity(query: str, choice: str, **_: object) -> float:
    """Whole-sentence similarity blended with word-order-free overlap.

    ``ratio`` alone punishes reordered paraphrases; ``token_set_ratio`` alone rewards a query
    that merely contains a short sentence. Their mean behaves well on both.
    """
    return (fuzz.ratio(query, choice) + fuzz.token_set_ratio(query, choice)) / 2.0


def _vocabularies(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    vocab: dict[str, set[str]] = defaultdict(set)
    for name, sentence in pairs:
        vocab[name].update(stem(w) for w in sentence.split() if w not in STOPWORDS)
    return dict(vocab)


def _idf(vocabularies: Iterable[set[str]]) -> dict[str, float]:
    vocabs = list(vocabularies)
    counts: dict[str, int] = defaultdict(int)
    for vocab in vocabs:
        for word in vocab:
            counts[word] += 1
    return {w: math.log(1 + len(vocabs) / c) for w, c in counts.items()}


class _Spotter:
    """Finds a slot value said anywhere in the text: the longest phrase wins."""

    def __init__(self, phrases: dict[str, str]) -> None:
        self._phrases = sorted(phrases.items(), key=lambda p: -len(p[0]))

    def __call__(self, query: str) -> str | None:
        padded = f" {query} "
        for phrase, value in self._phrases:
            if f" {phrase} " in padded:
                return value
        return None


def _spotters(intents: IntentSet, canonical: Callable[[str], str]) -> dict[str, _Spotter]:
    """One spotter per slot list (slots are named after their lists), from every phrase each
    value expands to."""
    spotters = {}
    for list_name, values in intents.lists.items():
        phrases: dict[str, str] = {}
        for value in values:
            for text in intents.phrases(value):
                phrase = canonical(text)
                if phrase and phrase not in STOPWORDS:
                    phrases.setdefault(phrase, value.value)
        spotters[list_name] = _Spotter(phrases)
    return spotters

