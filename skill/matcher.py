"""Scoring what the user said against the intents: ranked ``IntentMatch``es with a confidence.

An exact hit on any sentence the templates expand to scores 1.0. Anything else is scored per
intent from two signals, both computed against the intent's templates (``skill.index``):

* sentence similarity (rapidfuzz) against every expanded sentence, which tolerates recognizer
  slips and paraphrases that keep most of a template's wording;
* word coverage: how much of the query's meaningful vocabulary the intent's templates use,
  weighted by how specific each word is to few intents. Words no template knows pull the score
  down hard, which is what sends "what causes knee pain" to the fallback. Slot-list words only
  count for an intent when the slot value is actually said, so the long cause list cannot make
  ``ask_cause`` a catch-all.

Someone else's question is kept under the threshold whatever its wording shares (``off_topic``):
one about another part of the body and not the neck, or about pregnancy (``text.about_elsewhere``:
"is heat or ice better for a twisted ankle"), and one an ``OffTopicJudge`` (the intent classifier)
reads as off-topic ("how long does a cold last").

Slot values are spotted in the text directly (``skill.slots``), so a long question still gets
the right cause or treatment. An intent whose answer needs a slot (``cause.{cause}``) loses
confidence when no value is said.
"""

from __future__ import annotations

import bisect
import functools
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from .index import SPELL_MIN_LENGTH, SentenceIndex, build_index, spoken_sentences
from .intents import IntentSet
from .text import (
    BODY_STEMS,
    FILLER,
    OTHER_BODY_PARTS,
    about_elsewhere,
    content_stems,
    has_content,
    normalize,
)

_LOGGER = logging.getLogger(__name__)

# How much sentence similarity counts against word coverage in an intent's score.
FUZZY_WEIGHT = 0.35
# Score factor for an intent whose answer needs a slot value nobody said.
MISSING_SLOT_FACTOR = 0.75
# Unknown words at least this similar to a known word are read as that word (typos, and
# recognizer slips like "stres").
SPELL_CUTOFF = 85.0
# How many recent queries keep their ranking (a turn often ranks the same text twice).
RECENT_QUERIES = 64
# Queries whose sentence similarities are computed together (one per core of the 2-core
# machine; more would only hold more memory: each is a row of ~133k scores).
PREPARED_TOGETHER = 2
# The confidence of a sentence the templates make, word for word.
EXACT = 1.0
# Below this, a reading is too unsure to act on: the dialogue falls back or asks.
THRESHOLD = 0.55
# A judge's off-topic probability from which a question is someone else's (development sets:
# in-domain questions reach 0.39 at most, off-topic ones have a median of 0.6 to 0.8).
OFF_TOPIC_VETO = 0.5
# The most a reading known to be off-topic keeps: under the threshold, so nothing is answered,
# but over three quarters of it, so the fallback still offers the nearest answers' questions.
VETOED = THRESHOLD - 0.05

Scores = npt.NDArray[np.float64]


@dataclass(frozen=True)
class IntentMatch:
    """One candidate reading of the user's words."""

    intent: str
    confidence: float
    slots: Mapping[str, str] = field(default_factory=dict)
    sentence: str = ""
    # Put first by a second opinion (``skill.classifier``) where the matcher could not choose.
    rescued: bool = False


class Rescorer(Protocol):
    """A second opinion on the matcher's ranking (``skill.semantic`` blends in sentence
    embeddings): takes the text and the matcher's ranking, returns the ranking to use."""

    def rescore(self, text: str, ranked: list[IntentMatch]) -> list[IntentMatch]: ...


class OffTopicJudge(Protocol):
    """A second opinion on whether a question is off-topic (``skill.classifier``)."""

    def off_topic(self, canonical: str) -> float:
        """How likely ``canonical`` (the index's canonical words) is an off-topic question."""
        ...


class Matcher:
    """Ranks the intents for a text, from a ``SentenceIndex`` (and a ``Rescorer``, if given)."""

    def __init__(
        self,
        intents: IntentSet,
        index: SentenceIndex | None = None,
        rescorer: Rescorer | None = None,
        off_topic_judge: OffTopicJudge | None = None,
    ) -> None:
        self.intents = intents
        self.index = index if index is not None else build_index(intents)
        self.rescorer = rescorer
        self.off_topic_judge = off_topic_judge
        # The recognition strategy and the dialogue often rank the same text in one turn, and
        # a server ranks from several threads at once.
        self._recent: dict[tuple[str, frozenset[str] | None], list[IntentMatch]] = {}
        self._recent_lock = threading.Lock()
        # Every known sentence in order, for finding the ones that carry on from some words;
        # built on first use (only semantic endpointing asks).
        self._in_order: tuple[str, ...] | None = None

    def with_rescorer(self, rescorer: Rescorer | None) -> Matcher:
        """The same index and judge, with another second opinion (``None``: the matcher alone)."""
        return Matcher(self.intents, self.index, rescorer, self.off_topic_judge)

    @functools.cached_property
    def spoken_sentences(self) -> tuple[str, ...]:
        """Every sentence the templates make (a large intent's balanced sample), as spoken words:
        the vocabulary of the recognizers that need one. Made on first use, in a few seconds:
        the default recognizer never asks."""
        return spoken_sentences(self.intents)

    def canonical(self, text: str) -> str:
        return self.index.canonical(text)

    def judge(self, text: str) -> tuple[str | None, float]:
        """The intent ``text`` most likely means and how surely (recognition strategies use it)."""
        ranked = self.rank(text)
        return (ranked[0].intent, ranked[0].confidence) if ranked else (None, 0.0)

    def is_whole_request(self, text: str, allowed: set[str] | None = None) -> bool:
        """Whether ``text`` is already all of a request: a sentence the skill knows word for
        word, which no longer known sentence carries on into another answer. "how long" is a
        sentence, but "how long do neck spasms last" asks something else, so a person who says
        "how long" may not be done; "stop" is done, as "stop it" asks the same. Semantic
        endpointing ends a turn early on these, and only these."""
        if not has_content(text) or all(word in FILLER for word in normalize(text).split()):
            # "okay", "hey" or "there" alone is an answer or a greeting, but mostly the start of
            # more ("there is tingling in my arm").
            return False
        ranked = self.rank(text, allowed)
        if not ranked or ranked[0].confidence < EXACT:
            return False
        top = ranked[0]
        answer = (top.intent, tuple(sorted(top.slots.items())))
        table = self.index.table
        for sentence in self._carrying_on(top.sentence):
            intent, slots = table[sentence]
            if (allowed is None or intent in allowed) and (intent, tuple(sorted(slots))) != answer:
                return False
        return True

    def _carrying_on(self, sentence: str) -> Iterator[str]:
        """The known sentences that begin with all of ``sentence`` and say more."""
        if self._in_order is None:
            self._in_order = tuple(sorted(self.index.table))
        in_order, start = self._in_order, sentence + " "
        for i in range(bisect.bisect_left(in_order, start), len(in_order)):
            if not in_order[i].startswith(start):
                return
            yield in_order[i]

    def spoken_for(self, intents: Iterable[str]) -> list[str]:
        """The sentences (as spoken words) of just these intents: a small recognizer grammar."""
        return list(spoken_sentences(self.intents, intents))

    def label(self, intent: str, slots: Mapping[str, str]) -> str:
        """The first sentence (intent, slots) expands to: each intent's first template is its
        plainest way of asking."""
        return self.index.labels.get((intent, tuple(sorted(slots.items()))), "")

    def rank(self, text: str, allowed: set[str] | None = None) -> list[IntentMatch]:
        """Candidate intents for ``text``, best first.

        ``allowed`` restricts the intents considered (e.g. routine controls during a routine).
        """
        key = (text, frozenset(allowed) if allowed is not None else None)
        with self._recent_lock:
            cached = self._recent.get(key)
        if cached is not None:
            return cached
        ranked = self._judged(text, self._rank(text, allowed))
        self._remember(key, ranked)
        return ranked

    def prepare(self, texts: Iterable[str]) -> None:
        """Rank several texts ahead (the recognizer's other readings of one utterance), so that
        ranking each afterwards finds it done. Sentence similarity is most of a ranking's time
        and scales with the queries; here the queries are scored two at a time, one per core."""
        with self._recent_lock:
            todo = [t for t in dict.fromkeys(texts) if (t, None) not in self._recent]
        # Never more than the memory of recent rankings holds, or the first would be forgotten.
        todo = todo[: RECENT_QUERIES // 2]
        fuzzy: list[tuple[str, str]] = []
        for text in todo:
            query = self._query(text)
            if not query or query in self.index.table:
                self.rank(text)  # nothing to compare, or an exact sentence: no similarity needed
            else:
                fuzzy.append((text, query))
        names = list(self.index.names)
        for start in range(0, len(fuzzy), PREPARED_TOGETHER):
            batch = fuzzy[start : start + PREPARED_TOGETHER]
            similarities = self._similarity([query for _, query in batch], names)
            for (text, query), similarity in zip(batch, similarities, strict=True):
                ranked = self._judged(text, self._scored(query, names, similarity))
                self._remember((text, None), ranked)

    def off_topic(self, text: str) -> bool:
        """Whether ``text`` is someone else's question, however much of its wording the skill
        knows: about another part of the body or about pregnancy, or read as off-topic by the
        judge. A template's own sentence never is. Cheap: no sentence similarity."""
        canonical = self.index.canonical(text)
        if not canonical or self._spell(canonical) in self.index.table:
            return False
        return self._someone_elses(canonical)

    def _someone_elses(self, canonical: str) -> bool:
        if about_elsewhere(canonical):
            return True
        judge = self.off_topic_judge
        return judge is not None and judge.off_topic(canonical) >= OFF_TOPIC_VETO

    def _judged(self, text: str, ranked: list[IntentMatch]) -> list[IntentMatch]:
        """The ranking after the second opinion, kept under the threshold for someone else's
        question (``off_topic``), so the fallback still offers the nearest answers' questions.
        An exact sentence ranks at ``EXACT``: the ranking already says what ``off_topic`` would
        spell the text again to find out."""
        if self.rescorer is not None:
            ranked = self.rescorer.rescore(text, ranked)
        if (
            ranked
            and ranked[0].confidence < EXACT
            and self._someone_elses(self.index.canonical(text))
        ):
            _LOGGER.debug("off-topic: %r", text)
            ranked = [replace(m, confidence=min(m.confidence, VETOED)) for m in ranked]
        return ranked

    def _remember(self, key: tuple[str, frozenset[str] | None], ranked: list[IntentMatch]) -> None:
        with self._recent_lock:
            while len(self._recent) >= RECENT_QUERIES:
                self._recent.pop(next(iter(self._recent)))
            self._recent[key] = ranked

    def _spell(self, query: str) -> str:
        """Replace a misspelt or misheard word ("stres") by the known word it is closest to."""
        index = self.index
        words = query.split()
        for i, word in enumerate(words):
            if (
                len(word) < SPELL_MIN_LENGTH
                or word in index.known_words
                or word in OTHER_BODY_PARTS
            ):
                continue
            best = process.extractOne(
                word, index.known_long_words, scorer=fuzz.ratio, score_cutoff=SPELL_CUTOFF
            )
            if best is not None:
                words[i] = index.synonyms.get(best[0], best[0])
        return " ".join(words)

    def _query(self, text: str) -> str:
        """The text as the index spells it: canonical words, slips corrected."""
        return self._spell(self.index.canonical(text))

    def _rank(self, text: str, allowed: set[str] | None) -> list[IntentMatch]:
        index = self.index
        query = self._query(text)
        if not query:
            return []
        exact = index.table.get(query)
        if exact is not None and (allowed is None or exact[0] in allowed):
            return [IntentMatch(exact[0], EXACT, dict(exact[1]), query)]
        names = [n for n in index.names if allowed is None or n in allowed]
        if not names:
            return []
        return self._scored(query, names, self._similarity([query], names)[0])

    def _scored(
        self, query: str, names: list[str], similarity: dict[str, Scores]
    ) -> list[IntentMatch]:
        """Every intent of ``names`` scored for ``query``, best first."""
        index = self.index
        spotted = {name: spot(query) for name, spot in index.spotters.items()}
        words = content_stems(query)
        matches = []
        for name in names:
            start, _ = index.slices[name]
            best_row = start + int(np.argmax(similarity[name]))
            sentence = index.sentences[best_row]
            fuzzy = float(np.max(similarity[name])) / 100.0
            slots = dict(index.table[sentence][1])
            extra: set[str] = set()
            for slot in index.slot_lists[name]:
                found = spotted.get(slot)
                if found is not None:
                    slots[slot] = found[0]
                    extra.update(found[1])
            score = FUZZY_WEIGHT * fuzzy + (1 - FUZZY_WEIGHT) * self._coverage(words, name, extra)
            if any(spotted.get(slot) is None for slot in index.required_slots[name]):
                score *= MISSING_SLOT_FACTOR
            matches.append(IntentMatch(name, min(score, 0.99), slots, sentence))
        return sorted(matches, key=lambda m: -m.confidence)

    def _similarity(self, queries: list[str], names: list[str]) -> list[dict[str, Scores]]:
        """Per query and intent, the similarity (0-100) of the query to each of the intent's
        sentences. Several queries are scored in parallel, one per core."""
        spans = [self.index.slices[n] for n in names]
        lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
        choices = self.index.sentences[lo:hi]
        workers = min(len(queries), PREPARED_TOGETHER)
        ratio = process.cdist(queries, choices, scorer=fuzz.ratio, workers=workers)
        overlap = process.cdist(queries, choices, scorer=fuzz.token_set_ratio, workers=workers)
        # ``ratio`` alone punishes reordered paraphrases; ``token_set_ratio`` alone rewards a
        # query that merely contains a short sentence. Their mean behaves well on both.
        both: Scores = (ratio + overlap) / 2.0
        return [
            {n: row[s - lo : e - lo] for n, (s, e) in zip(names, spans, strict=True)}
            for row in both
        ]

    def _coverage(self, words: list[str], intent: str, extra: set[str]) -> float:
        meaningful = set(words)
        if not meaningful:
            return 0.5
        index = self.index
        vocab = index.vocabularies.get(intent, frozenset()) - BODY_STEMS
        total = sum(index.idf.get(w, index.unknown_weight) for w in meaningful)
        covered = sum(
            index.idf.get(w, index.unknown_weight) for w in meaningful if w in vocab or w in extra
        )
        return covered / total
