"""Red-flag detection over everything the recognizer heard: certain, or possible and asked about.

The article advises seeing a doctor for weakness, numbness or fever without a clear trigger, for
severe or lasting pain, and after trauma such as a fall, an accident or whiplash (the signs and
their everyday wordings are in ``skill.warning_signs``). A missed red flag costs far more than
an extra question, so every hypothesis is judged, not only the chosen transcript:

* a sign spelled out in the chosen transcript is **certain**: the caution comes first;
* a sign found only in a weaker hypothesis (the recognizer's alternatives), only in a partial
  result seen while the person spoke, or only by how a word sounds ("week" for "weak") is
  **possible**: the dialogue asks before acting on it.

Negated signs ("no numbness", "i didn't have an accident", "my arm isn't weak") and questions
*about* signs ("what does tingling in the hands mean") raise nothing (``skill.sign_context``
judges them); a sign the chosen transcript rules out that way is not raised again by a weaker
hypothesis, and a weaker hypothesis adds nothing where its words are the chosen transcript's
own.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from audio.events import Transcript

from .sign_context import denied, is_about
from .sounds import Respelling, SoundAlike
from .warning_signs import PATTERNS, SOUND_TARGETS, Pattern, Sign, normalize

__all__ = ["Certainty", "Finding", "SafetyCheck", "Sign", "Source", "check", "signs_in"]

_LOGGER = logging.getLogger(__name__)


class Certainty(StrEnum):
    CERTAIN = "certain"
    POSSIBLE = "possible"


class Source(StrEnum):
    """Which hypothesis a sign was found in."""

    TRANSCRIPT = "transcript"  # the chosen transcript (or the typed text)
    ALTERNATIVE = "alternative"  # one of the recognizer's other readings
    PARTIAL = "partial"  # a partial result seen while the person spoke


@dataclass(frozen=True)
class Finding:
    sign: Sign
    certainty: Certainty
    source: Source
    words: str  # the words that raised it, as heard (respelled when found by sound)
    by_sound: bool = False


@dataclass(frozen=True)
class SafetyCheck:
    """Every sign found, and what the dialogue should make of them. ``rest`` is the chosen
    transcript without the words that told of a sign: what else was asked ("my arm is numb,
    what causes spasms" asks "what causes spasms")."""

    findings: tuple[Finding, ...] = ()
    rest: str = ""

    @property
    def certain(self) -> tuple[Sign, ...]:
        return self._signs(Certainty.CERTAIN)

    @property
    def possible(self) -> tuple[Sign, ...]:
        """Signs only possibly heard (none that is also certain)."""
        certain = set(self.certain)
        return tuple(s for s in self._signs(Certainty.POSSIBLE) if s not in certain)

    def _signs(self, certainty: Certainty) -> tuple[Sign, ...]:
        found = {f.sign for f in self.findings if f.certainty is certainty}
        return tuple(sign for sign in Sign if sign in found)

    def summary(self) -> str:
        parts = [
            f"{f.sign}:{f.certainty}:{f.source}{':sound' if f.by_sound else ''} {f.words!r}"
            for f in self.findings
        ]
        return "; ".join(parts) or "none"


# -- finding signs in one text ----------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Targets common look-alikes are respelled into ("a week", "i feel"): by sound, they count only
# inside a phrase that says more, never as the lone word.
_PHRASE_ONLY = frozenset({"weak", "weaker", "fell", "fall", "cant", "numb"})
_SOUNDS = SoundAlike(SOUND_TARGETS)


@dataclass(frozen=True)
class Hit:
    sign: Sign
    words: str
    by_sound: bool = False
    span: tuple[int, int] | None = None  # where in the normalized text (spelled hits)


@dataclass(frozen=True)
class Reading:
    """The signs one text raises, and those it mentions but rules out (denied, or asked about)."""

    hits: tuple[Hit, ...]
    ruled_out: frozenset[Sign]
    rest: str = ""

    @property
    def signs(self) -> frozenset[Sign]:
        return frozenset(hit.sign for hit in self.hits)


# Marks where a partial result was cut: nothing that needs the utterance's end ("it gets worse"
# and no more) matches there, since more was still to come ("... when i look down").
_CUT = " ~"


def signs_in(text: str, by_sound: bool = True, finished: bool = True) -> Reading:
    """The warning signs ``text`` reports, by spelling and (with ``by_sound``) by sound;
    ``finished`` is False for a partial result."""
    words = normalize(text) + ("" if finished else _CUT)
    about = is_about(words)
    hits: list[Hit] = []
    ruled_out: set[Sign] = set()
    for pattern, match in _matches(words):
        if about or denied(words, match.start(), match.end()):
            ruled_out.add(pattern.sign)
        else:
            hits.append(Hit(pattern.sign, match.group(), span=match.span()))
    if by_sound:
        spelled = {hit.sign for hit in hits}
        hits.extend(hit for hit in _by_sound(words.split(), about) if hit.sign not in spelled)
    return Reading(
        _unique(hits),
        frozenset(ruled_out - {hit.sign for hit in hits}),
        _rest(words, [hit.span for hit in hits if hit.span is not None]),
    )


# The words before a sign that belong with it ("my left arm is numb").
_SUBJECT = _words(
    "my his her their the a an both one left right i im ive id its it is are feel feels "
    "have has got been keep keeps am was were"
)
_REST_REACH = 3


def _rest(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the words of ``spans``, each widened back over its subject ("my arm is
    numb"), up to a few words and never past the start of a clause or a question."""
    if not spans:
        return text
    drop = [False] * len(text)
    for start, end in spans:
        words_before = text[:start].split()
        reach = 0
        while reach < min(_REST_REACH, len(words_before)):
            if words_before[-1 - reach] not in _SUBJECT:
                break
            reach += 1
        begin = len(" ".join(words_before[: len(words_before) - reach]))
        for index in range(begin, end):
            drop[index] = True
    kept = "".join(c if not gone else " " for c, gone in zip(text, drop, strict=True))
    return " ".join(kept.split())


def _matches(text: str) -> Iterator[tuple[Pattern, re.Match[str]]]:
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(text):
            yield pattern, match


def _by_sound(words: Sequence[str], about: bool) -> Iterator[Hit]:
    if about:
        return
    respelled = _SOUNDS.respell(words)
    if not respelled.changed:
        return
    text = respelled.text
    changed_spans = list(_changed_spans(respelled))
    for pattern, match in _matches(text):
        touched = [
            word
            for (start, end), word in changed_spans
            if start < match.end() and match.start() < end
        ]
        if not touched:
            continue  # found as spelled, and judged there
        # A word heard as a sign word and the next ("weak and") counts as the sign word alone.
        if pattern.loose and all(word.split()[0] in _PHRASE_ONLY for word in touched):
            continue
        if denied(text, match.start(), match.end()):
            continue
        span = respelled.heard_span(words, match.start(), match.end())
        yield Hit(pattern.sign, match.group(), by_sound=True, span=span)


def _changed_spans(respelled: Respelling) -> Iterator[tuple[tuple[int, int], str]]:
    changed = {new for _, new in respelled.changed}
    position = 0
    for word in respelled.words:
        if word in changed:
            yield (position, position + len(word)), word
        position += len(word) + 1


def _unique(hits: list[Hit]) -> tuple[Hit, ...]:
    seen: set[Sign] = set()
    out = []
    for hit in hits:
        if hit.sign not in seen:
            seen.add(hit.sign)
            out.append(hit)
    return tuple(out)


# -- judging every hypothesis -----------------------------------------------------------------


def check(text: str, heard: Transcript | None = None) -> SafetyCheck:
    """The warning signs in ``text`` (the chosen transcript, or what was typed), and, when it
    came from speech, in ``heard``'s alternatives and partial results."""
    chosen = signs_in(text)
    findings = [
        Finding(
            hit.sign,
            Certainty.POSSIBLE if hit.by_sound else Certainty.CERTAIN,
            Source.TRANSCRIPT,
            hit.words,
            hit.by_sound,
        )
        for hit in chosen.hits
    ]
    if heard is not None:
        # What the best reading denied or asked about is not raised by a weaker one.
        settled = chosen.signs | chosen.ruled_out
        findings.extend(_weaker(heard, text, settled))
    result = SafetyCheck(tuple(findings), chosen.rest)
    if result.findings:
        _LOGGER.info("warning signs in %r: %s", text, result.summary())
    return result


# A partial result guesses at words not yet fully heard (the language model expects "my arm
# feels tingly" before the word "tight" is over): a sign counts there only when at least this
# many partial results held it, i.e. the recognizer kept it as it heard more.
PARTIAL_AGREEMENT = 2


def _weaker(heard: Transcript, text: str, settled: frozenset[Sign]) -> Iterator[Finding]:
    chosen = normalize(text)
    found: set[Sign] = set(settled)
    readings: list[tuple[Source, Reading]] = [
        (Source.ALTERNATIVE, signs_in(h.text))
        for h in heard.alternatives
        if _differs(h.text, chosen)
    ]
    partials = [signs_in(p, finished=False) for p in heard.partials if _differs(p, chosen)]
    held = Counter(hit_key for reading in partials for hit_key in {_key(h) for h in reading.hits})
    readings += [
        (
            Source.PARTIAL,
            replace(r, hits=tuple(h for h in r.hits if held[_key(h)] >= PARTIAL_AGREEMENT)),
        )
        for r in partials
    ]
    for source, reading in readings:
        for hit in reading.hits:
            if not hit.by_sound and f" {hit.words} " in f" {chosen} ":
                # The same words are in the chosen transcript, judged there with all around them
                # ("tingling" at the base of the neck): a weaker reading adds nothing.
                continue
            if hit.sign not in found:
                found.add(hit.sign)
                yield Finding(hit.sign, Certainty.POSSIBLE, source, hit.words, hit.by_sound)


def _differs(other: str, chosen: str) -> bool:
    return bool(other.strip()) and normalize(other) != chosen


def _key(hit: Hit) -> tuple[Sign, str, bool]:
    return hit.sign, hit.words, hit.by_sound
