"""A linear intent classifier trained on the template sentences: a second opinion on the
matcher's ranking, which tells off-topic questions and rescues paraphrases.

The matcher scores a question by how much of its wording the templates share, so a long
paraphrase full of words no template has ("my mate reckons a crick and a spasm are the same
thing, are they") falls short of its threshold even when its key words are plain. A linear model
over TF-IDF word unigrams and bigrams, trained with logistic loss on the template sentences
(scikit-learn's ``SGDClassifier``), weighs each word by how well it tells the intents apart, so
extra words cost little. The off-topic examples (``content/off_topic.yaml``) are a class of their
own, so near-domain and everyday questions have somewhere to go, and so are the statements
(``intents/statements.yaml``): someone telling of a warning sign is cautioned first, and what
they said is not also read as a question it only resembles. Each class is an intent with its
slot values ("ask_cause" for "computer_sitting"), so a rescued question keeps its answer.

The classifier is the matcher's ``OffTopicJudge``: "how long does a cold last" shares "how long"
with a routine's question and "how many tylenol can i take in a day" shares a medicine with the
article, but their words as a whole are the off-topic examples', and the matcher keeps such a
question under its threshold. ``ClassifierRescorer`` rescues: when the ranking would fall back or
cannot choose between its top two, it takes the classifier's intent if the classifier is sure of it
(``RESCUE_PROBABILITY``), it is not off-topic, the matcher itself ranks that intent near the top
(``MATCHER_RANKS``, ``MATCHER_FLOOR``), and at most one word of the question is one no template
uses (``MAX_UNKNOWN_WORDS``). The classifier never sees such words ("covid", "knee"), and they
are what marks most near-domain questions as someone else's. The thresholds were chosen on the
development question sets.

Training takes about 30 s and is done once per change of the intents, by the set-up
(``skill.matcher_cache``); answering needs only numpy (the vocabulary, idf and weights are read
back from the cache, scikit-learn is never imported).
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .index import MAX_KEPT_PER_INTENT, SentenceIndex, balanced_samples
from .intents import IntentSet, Slots
from .matcher import THRESHOLD, IntentMatch, Rescorer
from .text import stem

_LOGGER = logging.getLogger(__name__)

# The classes that are no question the skill answers: off-topic questions, and what people tell
# about themselves.
OFF_TOPIC = "(off topic)"
STATEMENT = "(statement)"
NOT_QUESTIONS = frozenset({OFF_TOPIC, STATEMENT})
# A rescue needs the classifier this sure of one intent (development sets: 0.6 rescued a few
# more paraphrases but let through more off-topic ones)...
RESCUE_PROBABILITY = 0.7
# ...and the matcher's own score of that intent at least this: trivia phrased like a question
# ("what's the meaning of life") scores near 0 there whatever the classifier makes of its form,
# and so does an intent one word points to ("good afternoon" in a long question).
MATCHER_FLOOR = 0.3
# ...among its first this many intents...
MATCHER_RANKS = 3
# ...and at most this many words of the question that no template uses.
MAX_UNKNOWN_WORDS = 1
# The ranking "cannot choose" when its top two intents are this close.
TOO_CLOSE = 0.05
# How far a rescued intent is put above the threshold and above the intent it overtakes.
RESCUED_LEAD = 0.05
# Below an exact template sentence.
RESCUED_MAX = 0.99
# Training: regularization and passes over the data (development sets).
ALPHA = 3e-6
EPOCHS = 30  # at most: training stops once the loss settles
SEED = 0

Floats = npt.NDArray[np.float32]
# Text into the matcher's canonical words (``SentenceIndex.canonical``).
Canonical = Callable[[str], str]


class ClassifierError(Exception):
    """The classifier cannot be trained here (scikit-learn is missing)."""


def features(canonical: str) -> list[str]:
    """The terms of a text already in the matcher's canonical words: stemmed unigrams and
    bigrams."""
    words = [stem(word) for word in canonical.split()]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def label_of(intent: str, slots: Slots) -> str:
    return intent + "".join(f"|{name}={value}" for name, value in sorted(slots))


def parse_label(label: str) -> tuple[str, dict[str, str]]:
    intent, *pairs = label.split("|")
    return intent, dict(pair.split("=", 1) for pair in pairs)


@dataclass(frozen=True, eq=False)
class IntentClassifier:
    """Linear one-vs-rest logistic model over TF-IDF terms, as plain arrays."""

    labels: tuple[str, ...]
    terms: dict[str, int]
    idf: Floats
    weights: Floats  # labels x terms
    intercepts: Floats

    def probabilities(self, canonical: str) -> Floats:
        """Per label, how likely ``canonical`` (matcher-canonical words) belongs to it; the
        same numbers as scikit-learn's ``predict_proba`` for this model."""
        counts = Counter(t for t in features(canonical) if t in self.terms)
        if not counts:
            return np.zeros(len(self.labels), dtype=np.float32)
        columns = np.fromiter((self.terms[t] for t in counts), dtype=np.int64)
        # Sublinear term frequency, times idf, scaled to unit length.
        values = np.fromiter((1.0 + math.log(n) for n in counts.values()), dtype=np.float32)
        values *= self.idf[columns]
        values /= np.linalg.norm(values)
        scores: Floats = self.weights[:, columns] @ values + self.intercepts
        likely: Floats = (1.0 / (1.0 + np.exp(-scores))).astype(np.float32)
        total = float(likely.sum())
        return likely / np.float32(total) if total > 0 else likely

    def off_topic(self, canonical: str) -> float:
        """How likely ``canonical`` is one of the off-topic examples."""
        probabilities = self.probabilities(canonical)
        return float(probabilities[self.labels.index(OFF_TOPIC)])

    def best(self, canonical: str) -> tuple[str, float]:
        """The most likely label and its probability."""
        probabilities = self.probabilities(canonical)
        if not probabilities.any():
            return OFF_TOPIC, 0.0
        top = int(np.argmax(probabilities))
        return self.labels[top], float(probabilities[top])

    def save(self, path: Path) -> None:
        terms = sorted(self.terms, key=self.terms.__getitem__)
        with path.open("wb") as file:
            np.savez(
                file,
                labels=np.array(self.labels),
                terms=np.array(terms),
                idf=self.idf,
                weights=self.weights,
                intercepts=self.intercepts,
            )

    @classmethod
    def read(cls, path: Path) -> IntentClassifier:
        with np.load(path, allow_pickle=False) as saved:
            terms = [str(t) for t in saved["terms"]]
            return cls(
                labels=tuple(str(label) for label in saved["labels"]),
                terms={t: i for i, t in enumerate(terms)},
                idf=saved["idf"].astype(np.float32),
                weights=saved["weights"].astype(np.float32),
                intercepts=saved["intercepts"].astype(np.float32),
            )


def training_data(
    intents: IntentSet, canonical: Canonical, off_topic: Iterable[str]
) -> tuple[list[str], list[str]]:
    """(texts, labels): the template sentences once per label (of a large intent, the balanced
    sample the index keeps), the statements and the off-topic examples."""
    seen: set[tuple[str, str]] = set()
    texts, labels = [], []
    for intent, sentence, slots in balanced_samples(intents, MAX_KEPT_PER_INTENT):
        pair = (canonical(sentence), label_of(intent, slots))
        if pair not in seen:
            seen.add(pair)
            texts.append(pair[0])
            labels.append(pair[1])
    for sentence in dict.fromkeys(intents.statement_sentences()):
        texts.append(canonical(sentence))
        labels.append(STATEMENT)
    for sentence in off_topic:
        texts.append(canonical(sentence))
        labels.append(OFF_TOPIC)
    return texts, labels


def train(texts: Sequence[str], labels: Sequence[str]) -> IntentClassifier:
    """Fit the model with scikit-learn (``ClassifierError`` where it is not installed)."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier
    except ImportError as error:
        raise ClassifierError(f"scikit-learn is not installed ({error})") from error
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    model = SGDClassifier(
        loss="log_loss",
        alpha=ALPHA,
        max_iter=EPOCHS,
        tol=1e-3,
        class_weight="balanced",
        random_state=SEED,
    )
    model.fit(matrix, labels)
    return IntentClassifier(
        labels=tuple(str(label) for label in model.classes_),
        terms={str(t): int(i) for t, i in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_.astype(np.float32),
        weights=model.coef_.astype(np.float32),
        intercepts=model.intercept_.astype(np.float32),
    )


class ClassifierRescorer:
    """The classifier's rescue after another second opinion (a ``matcher.Rescorer``)."""

    def __init__(
        self,
        classifier: IntentClassifier,
        index: SentenceIndex,
        inner: Rescorer | None = None,
        never: frozenset[str] = frozenset(),
    ) -> None:
        self.classifier = classifier
        self.index = index
        self.inner = inner
        # Intents never rescued: a routine's controls ("next", "pause") are short commands
        # that the matcher knows word for word, and mean nothing in a question.
        self.never = never

    def rescore(self, text: str, ranked: list[IntentMatch]) -> list[IntentMatch]:
        matcher_scores = {m.intent: m.confidence for m in ranked[:MATCHER_RANKS]}
        if self.inner is not None:
            ranked = self.inner.rescore(text, ranked)
        if not ranked or _decided(ranked):
            return ranked
        canonical = self.index.canonical(text)
        known = self.index.known_words
        if sum(word not in known for word in canonical.split()) > MAX_UNKNOWN_WORDS:
            return ranked
        label, probability = self.classifier.best(canonical)
        if label in NOT_QUESTIONS or probability < RESCUE_PROBABILITY:
            return ranked
        intent, slots = parse_label(label)
        if intent in self.never or matcher_scores.get(intent, 0.0) < MATCHER_FLOOR:
            return ranked
        found = next((m for m in ranked if m.intent == intent), None)
        if found is None:  # not among the intents allowed here (a routine's controls)
            return ranked
        others = [m for m in ranked if m is not found]
        lead = max(THRESHOLD, others[0].confidence if others else 0.0) + RESCUED_LEAD
        rescued = replace(
            found,
            confidence=min(max(found.confidence, lead), RESCUED_MAX),
            slots={**found.slots, **slots},
            rescued=True,
        )
        _LOGGER.debug("classifier rescued %r as %s (%.2f)", text, label, probability)
        return [rescued, *others]


def _decided(ranked: list[IntentMatch]) -> bool:
    """Whether the ranking already answers: its top is over the threshold and clear of the
    next intent."""
    top = ranked[0]
    second = next((m for m in ranked[1:] if m.intent != top.intent), None)
    clear = second is None or top.confidence - second.confidence >= TOO_CLOSE
    return top.confidence >= THRESHOLD and clear
