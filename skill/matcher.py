"""Turning what the user said into ranked intent matches with a confidence.

An exact hit on any sentence the templates expand to scores 1.0. Anything else is scored per
intent from two signals, both computed against the intent's templates:

* sentence similarity (rapidfuzz) against every expanded sentence, which tolerates recognizer
  slips and paraphrases that keep most of a template's wording;
* word coverage: how much of the query's meaningful vocabulary the intent's templates use,
  weighted by how specific each word is to few intents. Words no template knows pull the score
  down hard, which is what sends "what causes knee pain" to the fallback. Slot-list words only
  count for an intent when the slot value is actually said, so the long cause list cannot make
  ``ask_cause`` a catch-all.

Slot values ("stress", "a heating pad") are spotted in the text directly (on stemmed words), so a
long question still gets the right cause or treatment. An intent whose answer needs a slot
(``cause.{cause}``) loses confidence when no value is said. Everything is built once, when the
matcher is created.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from hassil.expression import (
    Alternative,
    Expression,
    Permutation,
    RuleReference,
    Sequence,
    TextChunk,
)
from rapidfuzz import fuzz, process

from .intents import IntentSet, Slots, response_slots

# Confidence below which the dialogue falls back ("Sorry, I can't answer that...").
# Words this long or longer that no template knows are corrected to the nearest known word
# when they are at least this similar (typos, and recognizer slips like "stres").
SPELL_MIN_LENGTH = 5
SPELL_CUTOFF = 85.0
# How many recent queries keep their ranking (a turn often ranks the same text twice).
RECENT_QUERIES = 64
THRESHOLD = 0.55
# When the top two intents (with different answers) are this close and the top one is below
# 0.9, the dialogue asks which one was meant.
CLARIFY_MARGIN = 0.03

# How much sentence similarity counts against word coverage in an intent's score.
FUZZY_WEIGHT = 0.35
# A word no template uses weighs this many times the rarest known word in word coverage.
UNKNOWN_WEIGHT = 2.5
# Score factor for an intent whose answer needs a slot value nobody said.
MISSING_SLOT_FACTOR = 0.75


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no meaning for intent choice; recognizers and people add them freely.
FILLER = _words(
    "um uh er erm hmm ah oh so like well hey hi hello okay ok just actually basically "
    "really please kindly"
)
# Function words: kept for sentence similarity, ignored for word coverage.
STOPWORDS = _words(
    "a an the i me my mine you your it its is are was were be been am do does did to of in on "
    "at for with and or but that this these those there what how why when which who can could "
    "should would will if from about by as up any some get got have has had im ive dont "
    "we us our they them their he she his her not no so than then too very "
    "youre theyre thats whats ill id whether into out over off being"
)
# Other body parts: a question about them is not about the neck, even when the rest of it
# ("what causes ... pain") is. They weigh like unknown words and no template covers them.
OTHER_BODY_PARTS = _words(
    "knee knees ankle ankles wrist wrists foot feet toe toes hip hips leg legs hamstring "
    "hamstrings elbow elbows stomach belly chest heart tooth teeth eye eyes hand hands finger "
    "fingers thumb calf calves shin shins lower"
)
# Dropped when spotting slot values, so "my heavy bag" finds "a heavy bag".
_SPOT_SKIP = _words("a an the my your some this that")
_NON_WORD = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")
# Common ways a recognizer splits or mangles the domain's hardest words.
_REPAIRS = (
    (re.compile(r"\bspas+ ?(?:e?ms?|ums?|ems?|ming|mming)\b"), "spasms"),
    (re.compile(r"\bspaz+ ?(?:ms?|ums?|ming|mming|zing)?\b"), "spasms"),
    (re.compile(r"\bnex\b|\bnext spasm"), "neck"),
    (
        re.compile(r"\bspawn ?d[aei]l?osis\b|\bspondy ?losis\b|\bspond[aei]losis\b"),
        "spondylosis",
    ),
    (re.compile(r"\bsten+o ?sis\b|\bstenos[ie]s\b"), "stenosis"),
    (re.compile(r"\bhernia ?(?:a?ted|ed)\b"), "herniated"),
    (re.compile(r"\bmenin ?g[ae]?itis\b|\bmeningitus\b"), "meningitis"),
    (re.compile(r"\bx rays?\b|\bxrays?\b"), "xray"),
    (re.compile(r"\bdr\b"), "doctor"),
    (re.compile(r"^(?:hey |ok |okay )?neck coach\b"), ""),  # the skill's name, said as a wake word
    # "back pain" is another body part's problem; keep "go back" and "coming back" apart.
    (re.compile(r"\bback (?=pain|ache|spasm)"), "back_"),
)
# Spoken contractions, spelled out so "whats" and "what is" match alike.
_CONTRACTIONS = {
    "whats": "what is",
    "whos": "who is",
    "wheres": "where is",
    "hows": "how is",
    "whens": "when is",
    "thats": "that is",
    "theres": "there is",
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "shouldnt": "should not",
}
# Words the stemmer must leave alone ("evening" is not "even" + "ing").
_NO_STEM = frozenset(
    ["evening", "morning", "during", "bring", "thing", "something", "anything", "nothing"]
)
# One pass to see whether any repair applies at all (most text, and every template, needs none).
_ANY_REPAIR = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _REPAIRS))


def normalize(text: str) -> str:
    """Lower-case words only, filler removed, apostrophes dropped ("what's" -> "whats")."""
    text = _NON_WORD.sub(" ", text.lower().replace("’", "'")).replace("'", "")
    if _ANY_REPAIR.search(text):
        for pattern, replacement in _REPAIRS:
            text = pattern.sub(replacement, text)
    words = [w for w in _SPACES.split(text) if w]
    meaningful = [w for w in words if w not in FILLER]
    # "okay" alone is an answer (yes); only around other words is it filler.
    return " ".join(_CONTRACTIONS.get(w, w) for w in (meaningful or words))


def stem(word: str) -> str:
    """A light stemmer: enough to make "spasms", "spasming" and "spasm" one word, and
    "causes", "caused" and "causing" another."""
    if len(word) <= 3 or word in _NO_STEM:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "stopping" -> "stop"
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


_BODY_STEMS = frozenset(stem(w) for w in OTHER_BODY_PARTS)


def content_stems(text: str) -> list[str]:
    """Stems of the words that matter for word coverage."""
    return [stem(w) for w in text.split() if w not in STOPWORDS]


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
        slot_lists: dict[str, set[str]] = defaultdict(set)
        spoken: set[str] = set()
        by_intent: dict[str, set[str]] = defaultdict(set)
        labels: dict[tuple[str, Slots], str] = {}
        for name, sentence, slots in intents.samples():
            words = normalize(sentence)
            table.setdefault(self._with_synonyms(words), (name, slots))
            slot_lists[name].update(slot for slot, _ in slots)
            by_intent[name].add(words)
            labels.setdefault((name, tuple(sorted(slots))), sentence)
        for sentences in by_intent.values():
            spoken.update(sentences)
        # Synonyms are words people say too, though no template needs to spell them out.
        self.spoken_sentences = sorted((spoken | set(intents.synonyms)) - {""})
        self._known = frozenset(w for s in table for w in s.split()) | set(intents.synonyms)
        self._known_long = sorted(w for w in self._known if len(w) >= SPELL_MIN_LENGTH)
        self._labels = labels
        # The recognition strategy and the dialogue often rank the same text in one turn.
        self._recent: dict[tuple[str, frozenset[str] | None], list[IntentMatch]] = {}
        self._spoken_by_intent = dict(by_intent)
        table.pop("", None)
        self._table = table
        self._names = sorted({name for name, _ in table.values()})
        index = {name: i for i, name in enumerate(self._names)}
        # Sentences grouped by intent, so each intent's sentences are one slice.
        self._sentences = sorted(table, key=lambda s: (index[table[s][0]], s))
        owners = np.array([index[table[s][0]] for s in self._sentences])
        starts = np.searchsorted(owners, np.arange(len(self._names)))
        ends = np.append(starts[1:], len(self._sentences))
        self._slices = {name: (int(starts[i]), int(ends[i])) for name, i in index.items()}
        self._slot_lists = {name: frozenset(slot_lists[name]) for name in self._names}
        self._required = {
            name: frozenset(response_slots(intent.response or ""))
            for name, intent in intents.intents.items()
        }
        self._vocab = _template_vocabularies(intents, self.canonical)
        # Words only slot values use weigh like unknown words unless the value is said.
        self._idf = _idf(self._vocab.get(name, set()) for name in self._names)
        for word in map(stem, OTHER_BODY_PARTS):
            self._idf.pop(word, None)
        self._unknown = UNKNOWN_WEIGHT * max(self._idf.values(), default=1.0)
        counts: dict[str, int] = defaultdict(int)
        for vocab in self._vocab.values():
            for word in vocab:
                counts[word] += 1
        common = {w for w, c in counts.items() if c > 3}
        self._spotters = _spotters(intents, self.canonical, common)

    def canonical(self, text: str) -> str:
        """``normalize`` plus the synonym table, applied alike to templates and queries."""
        return self._with_synonyms(normalize(text))

    def _with_synonyms(self, normalized: str) -> str:
        return " ".join(self._synonyms.get(w, w) for w in normalized.split())

    def _spell(self, query: str) -> str:
        """Replace a misspelt or misheard word ("stres") by the known word it is closest to."""
        words = query.split()
        for i, word in enumerate(words):
            if len(word) < SPELL_MIN_LENGTH or word in self._known or word in OTHER_BODY_PARTS:
                continue
            best = process.extractOne(
                word, self._known_long, scorer=fuzz.ratio, score_cutoff=SPELL_CUTOFF
            )
            if best is not None:
                words[i] = self._synonyms.get(best[0], best[0])
        return " ".join(words)

    def judge(self, text: str) -> tuple[str | None, float]:
        """The intent ``text`` most likely means and how surely (recognition strategies use it)."""
        ranked = self.rank(text)
        return (ranked[0].intent, ranked[0].confidence) if ranked else (None, 0.0)

    def spoken_for(self, intents: Iterable[str]) -> list[str]:
        """The sentences (as spoken words) of just these intents: a small recognizer grammar."""
        return sorted({s for name in intents for s in self._spoken_by_intent.get(name, ())})

    def label(self, intent: str, slots: Mapping[str, str]) -> str:
        """A natural way to ask for (intent, slots), for clarifying questions and suggestions:
        the first sentence its templates produce (each intent's first template is its plainest)."""
        return self._labels.get((intent, tuple(sorted(slots.items()))), "")

    def rank(self, text: str, allowed: set[str] | None = None) -> list[IntentMatch]:
        """Candidate intents for ``text``, best first.

        ``allowed`` restricts the intents considered (e.g. routine controls during a routine).
        """
        key = (text, frozenset(allowed) if allowed is not None else None)
        cached = self._recent.get(key)
        if cached is not None:
            return cached
        ranked = self._rank(text, allowed)
        if len(self._recent) >= RECENT_QUERIES:
            self._recent.pop(next(iter(self._recent)))
        self._recent[key] = ranked
        return ranked

    def _rank(self, text: str, allowed: set[str] | None) -> list[IntentMatch]:
        query = self._spell(self.canonical(text))
        if not query:
            return []
        exact = self._table.get(query)
        if exact is not None and (allowed is None or exact[0] in allowed):
            return [IntentMatch(exact[0], 1.0, dict(exact[1]), query)]
        names = [n for n in self._names if allowed is None or n in allowed]
        if not names:
            return []
        similarity = self._similarity(query, names)
        spotted = {name: spot(query) for name, spot in self._spotters.items()}
        words = content_stems(query)
        matches = []
        for name in names:
            start, _ = self._slices[name]
            best_row = start + int(np.argmax(similarity[name]))
            sentence = self._sentences[best_row]
            fuzzy = float(np.max(similarity[name])) / 100.0
            slots = dict(self._table[sentence][1])
            extra: set[str] = set()
            for slot in self._slot_lists[name]:
                found = spotted.get(slot)
                if found is not None:
                    slots[slot] = found[0]
                    extra.update(found[1])
            score = FUZZY_WEIGHT * fuzzy + (1 - FUZZY_WEIGHT) * self._coverage(words, name, extra)
            if any(spotted.get(slot) is None for slot in self._required[name]):
                score *= MISSING_SLOT_FACTOR
            matches.append(IntentMatch(name, min(score, 0.99), slots, sentence))
        return sorted(matches, key=lambda m: -m.confidence)

    def _similarity(self, query: str, names: list[str]) -> dict[str, np.ndarray]:
        """Per intent, the similarity (0-100) of the query to each of its sentences."""
        spans = [self._slices[n] for n in names]
        lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
        choices = self._sentences[lo:hi]
        ratio = process.cdist([query], choices, scorer=fuzz.ratio, workers=1)[0]
        overlap = process.cdist([query], choices, scorer=fuzz.token_set_ratio, workers=1)[0]
        # ``ratio`` alone punishes reordered paraphrases; ``token_set_ratio`` alone rewards a
        # query that merely contains a short sentence. Their mean behaves well on both.
        both = (ratio + overlap) / 2.0
        return {n: both[s - lo : e - lo] for n, (s, e) in zip(names, spans, strict=True)}

    def _coverage(self, words: list[str], intent: str, extra: set[str]) -> float:
        meaningful = set(words)
        if not meaningful:
            return 0.5
        vocab = self._vocab.get(intent, set()) - _BODY_STEMS
        total = sum(self._idf.get(w, self._unknown) for w in meaningful)
        covered = sum(
            self._idf.get(w, self._unknown) for w in meaningful if w in vocab or w in extra
        )
        return covered / total


def _template_vocabularies(
    intents: IntentSet, canonical: Callable[[str], str]
) -> dict[str, set[str]]:
    """Each intent's content stems from its templates' own words (and the rules they use), with
    slot lists left out."""
    vocab: dict[str, set[str]] = {}
    for name, intent in intents.intents.items():
        chunks: list[str] = []
        for template in intent.templates:
            _collect_words(template, intents, chunks, set())
        vocab[name] = set(content_stems(canonical(" ".join(chunks))))
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


def _idf(vocabularies: Iterable[set[str]]) -> dict[str, float]:
    vocabs = list(vocabularies)
    counts: dict[str, int] = defaultdict(int)
    for vocab in vocabs:
        for word in vocab:
            counts[word] += 1
    return {w: math.log(1 + len(vocabs) / c) for w, c in counts.items()}


def _spot_form(text: str) -> str:
    return " ".join(stem(w) for w in text.split() if w not in _SPOT_SKIP)


class _Spotter:
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


def _spotters(
    intents: IntentSet, canonical: Callable[[str], str], common: set[str]
) -> dict[str, _Spotter]:
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
        spotters[list_name] = _Spotter(phrases, common)
    return spotters


_LOGGER = logging.getLogger(__name__)


def load_matcher(intents: IntentSet, cache_dir: Path | None = None) -> Matcher:
    """A ``Matcher`` for ``intents``, built once and then read back from the user's cache.

    Expanding and indexing every template sentence is most of the start-up time; the cache is
    keyed by the intent files and this code, so any change to either rebuilds it.
    """
    from platformdirs import user_cache_dir

    folder = cache_dir or Path(user_cache_dir("neck-coach"))
    path = folder / f"matcher-{_fingerprint(intents)}.pickle"
    try:
        with path.open("rb") as file:
            state = pickle.load(file)
        matcher = Matcher.__new__(Matcher)
        matcher.__dict__.update(state)
        matcher.intents = intents
        return matcher
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as error:
        _LOGGER.info("rebuilding the matcher cache %s: %s", path, error)
    matcher = Matcher(intents)
    state = {k: v for k, v in matcher.__dict__.items() if k != "intents"}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as file:
            pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError as error:
        _LOGGER.info("cannot write the matcher cache %s: %s", path, error)
    return matcher


def _fingerprint(intents: IntentSet) -> str:
    digest = hashlib.sha256()
    for path in (*sorted(intents.sources), Path(__file__), Path(__file__).with_name("intents.py")):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]
