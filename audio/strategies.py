"""Recognition strategies: how the Vosk model is asked to listen.

* ``open``: the model's full vocabulary. Hears anything, but mishears domain words.
* ``constrained``: a grammar of the skill's own words (any sequence of them, plus ``[unk]``).
  Accurate and fast for in-domain speech; out-of-domain speech comes out as in-domain words,
  which the matcher then scores low.
* ``corrected``: open vocabulary, then the transcript is replaced by the nearest sentence the
  skill knows when it is close enough (what the Home Assistant Vosk add-on does).
* ``hybrid``: constrained and open side by side on the same audio. When the skill's judge (what
  intent a text means, and how surely) reads both transcripts the same way, the constrained one
  is used; when they disagree, the one surer in recognition times meaning wins, the constrained
  one only above a floor. Without a judge, the constrained transcript wins whenever Vosk is
  confident.
* ``domain``: one open-vocabulary recognizer on a model whose language-model graph is biased
  toward the skill's sentences (``audio.domain_graph``), asked for its n best hypotheses. An
  optional ``choose`` hook (the skill's judgement of what each alternative means) may pick
  another alternative than the recognizer's first; ``meaning_chooser`` builds one from a
  ``Judge``. The caller passes the biased model; with the stock model this is "open + n-best".

All of them share the ``Recognizer`` streaming shape (``accept``/``partial``/``finish``/
``transcribe``), so files and the microphone use them alike. The benchmark compares them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from rapidfuzz import fuzz, process

from .events import AudioChunk, Hypothesis, Transcript
from .recognizer import Recognizer, join_transcripts

STRATEGIES = ("open", "constrained", "corrected", "hybrid", "domain")
DEFAULT_STRATEGY = "domain"
# The strategies that listen for the skill's known sentences (``make_recognizer``'s
# ``sentences``); the others ignore them, so a caller need not make them.
USES_SENTENCES = frozenset({"constrained", "corrected", "hybrid"})
# How close an open transcript must be to a known sentence to be replaced by it.
CORRECTION_CUTOFF = 80.0
# Below this mean word confidence the constrained transcript is not trusted in ``hybrid``.
HYBRID_MIN_CONFIDENCE = 0.75
# When the two transcripts mean different things, the constrained one (recognition confidence
# times the judge's) must score at least this to be taken.
CONSTRAINED_FLOOR = 0.6

# How many hypotheses the ``domain`` strategy asks Vosk for.
DOMAIN_ALTERNATIVES = 10
# ``meaning_chooser``: how much the recognizer's own ranking counts against the judge's
# confidence, per unit of log posterior (measured on the development set, see README).
RECOGNIZER_WEIGHT = 0.1

# What a text means to the skill, and how surely: (intent or None, confidence).
Judge = Callable[[str], tuple[str | None, float]]
# Picks the transcript to use among a transcript's alternatives.
Chooser = Callable[[Transcript], Transcript]


class SpeechToText(Protocol):
    source: str

    def accept(self, chunk: AudioChunk) -> Transcript | None: ...

    def partial(self) -> str: ...

    def finish(self) -> Transcript: ...

    def transcribe(self, chunks: Iterable[AudioChunk]) -> Transcript: ...


class _Streaming:
    """``transcribe`` for anything with ``accept`` and ``finish``."""

    source: str

    def accept(self, chunk: AudioChunk) -> Transcript | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> Transcript:  # pragma: no cover - abstract
        raise NotImplementedError

    def transcribe(self, chunks: Iterable[AudioChunk]) -> Transcript:
        parts = [t for t in (self.accept(chunk) for chunk in chunks) if t is not None]
        parts.append(self.finish())
        return join_transcripts(parts, self.source)


class Corrector:
    """Snaps a transcript to the nearest known sentence when it is close enough."""

    def __init__(self, sentences: Sequence[str], cutoff: float = CORRECTION_CUTOFF) -> None:
        self._sentences = list(dict.fromkeys(sentences))
        self.cutoff = cutoff

    def __call__(self, transcript: Transcript) -> Transcript:
        if not transcript.text:
            return transcript
        best = process.extractOne(
            transcript.text, self._sentences, scorer=fuzz.ratio, score_cutoff=self.cutoff
        )
        if best is None:
            return transcript
        return Transcript(
            text=best[0],
            final=transcript.final,
            confidence=transcript.confidence * best[1] / 100.0,
            source=transcript.source,
            audio_seconds=transcript.audio_seconds,
        )


class Corrected(_Streaming):
    """An open recognizer whose finals are corrected toward known sentences."""

    def __init__(self, recognizer: Recognizer, corrector: Corrector) -> None:
        self._recognizer = recognizer
        self._correct = corrector
        self.source = recognizer.source

    def accept(self, chunk: AudioChunk) -> Transcript | None:
        final = self._recognizer.accept(chunk)
        return self._correct(final) if final is not None else None

    def partial(self) -> str:
        return self._recognizer.partial()

    def finish(self) -> Transcript:
        return self._correct(self._recognizer.finish())


class Hybrid(_Streaming):
    """Constrained and open recognizers on the same audio. The constrained reading must be
    confident (``min_confidence``); given a ``judge``, it must also mean something at least as
    surely as the open one, or the open one wins."""

    def __init__(
        self,
        constrained: Recognizer,
        fallback: SpeechToText,
        min_confidence: float = HYBRID_MIN_CONFIDENCE,
        judge: Judge | None = None,
    ) -> None:
        self._constrained = constrained
        self._fallback = fallback
        self._judge = judge
        self.min_confidence = min_confidence
        self.source = constrained.source
        self._parts: list[tuple[Transcript | None, Transcript | None]] = []

    def accept(self, chunk: AudioChunk) -> Transcript | None:
        # Both see every chunk; each decides its own utterance ends, so results are paired
        # up only at finish().
        first = self._constrained.accept(chunk)
        second = self._fallback.accept(chunk)
        if first is not None or second is not None:
            self._parts.append((first, second))
        return None

    def partial(self) -> str:
        return self._constrained.partial()

    def finish(self) -> Transcript:
        constrained = [p[0] for p in self._parts if p[0] is not None]
        fallback = [p[1] for p in self._parts if p[1] is not None]
        self._parts = []
        constrained.append(self._constrained.finish())
        fallback.append(self._fallback.finish())
        first = join_transcripts(constrained, self.source)
        second = join_transcripts(fallback, self.source)
        if not first.text or first.confidence < self.min_confidence:
            chosen = second if second.text else first
        elif self._judge is None:
            chosen = first
        else:
            # Confident words of the grammar can still mean nothing ("go mind" made of control
            # words for "goodbye"): the meaning of both readings decides.
            chosen = self._choose(first, second, self._judge)
        return with_other_reading(chosen, second if chosen is first else first)

    @staticmethod
    def _choose(first: Transcript, second: Transcript, judge: Judge) -> Transcript:
        if not first.text or not second.text:
            return first if first.text else second
        meant, sure = judge(first.text)
        other, other_sure = judge(second.text)
        if meant == other:
            return first
        # They disagree: the reading that is surer, heard and meant, wins; the constrained one
        # must also clear a floor, since out-of-domain speech comes out of it as domain words.
        first_score = first.confidence * sure
        if first_score >= max(second.confidence * other_sure, CONSTRAINED_FLOOR):
            return first
        return second


class Domain(_Streaming):
    """One n-best recognizer; at the end of the utterance ``choose`` may pick an alternative."""

    def __init__(self, recognizer: Recognizer, choose: Chooser | None = None) -> None:
        self._recognizer = recognizer
        self._choose = choose
        self.source = recognizer.source
        self._parts: list[Transcript] = []

    def accept(self, chunk: AudioChunk) -> Transcript | None:
        # Vosk may end an utterance early; the parts are joined (alternatives combined) at
        # finish(), so the hook judges the whole utterance once.
        part = self._recognizer.accept(chunk)
        if part is not None:
            self._parts.append(part)
        return None

    def partial(self) -> str:
        spoken = [part.text for part in self._parts if part.text]
        return " ".join([*spoken, self._recognizer.partial()]).strip()

    def finish(self) -> Transcript:
        parts, self._parts = [*self._parts, self._recognizer.finish()], []
        heard = join_transcripts(parts, self.source)
        if self._choose is None or len(heard.alternatives) < 2:
            return heard
        return self._choose(heard)


def meaning_chooser(judge: Judge, recognizer_weight: float = RECOGNIZER_WEIGHT) -> Chooser:
    """A ``choose`` hook: the alternative with the highest judge confidence plus
    ``recognizer_weight`` times its log posterior. The transcript keeps its alternatives in
    the recognizer's order; its text and confidence become the chosen one's."""

    def choose(transcript: Transcript) -> Transcript:
        if not transcript.alternatives:
            return transcript
        best = max(
            transcript.alternatives,
            key=lambda h: judge(h.text)[1] + recognizer_weight * math.log(max(h.score, 1e-9)),
        )
        return replace(transcript, text=best.text, confidence=best.score)

    return choose


def with_other_reading(chosen: Transcript, other: Transcript) -> Transcript:
    """``chosen`` carrying ``other``'s readings as alternatives after its own, so what the
    losing recognizer heard (a warning sign the constrained grammar has no word for) still
    reaches the skill."""
    readings = [
        Hypothesis(chosen.text, chosen.confidence),
        *chosen.alternatives[1:],
        Hypothesis(other.text, other.confidence),
        *other.alternatives[1:],
    ]
    seen: set[str] = set()
    unique = []
    for reading in readings:
        if reading.text and reading.text not in seen:
            seen.add(reading.text)
            unique.append(reading)
    if len(unique) < 2:
        return chosen
    return replace(
        chosen,
        alternatives=tuple(unique),
        partials=tuple(dict.fromkeys((*chosen.partials, *other.partials))),
    )


def vocabulary_grammar(sentences: Iterable[str]) -> list[str]:
    """The constrained grammar: every word of the known sentences, each a phrase of its own, so
    Vosk may string them together in any order."""
    return sorted({word for sentence in sentences for word in sentence.split()})


def make_recognizer(
    strategy: str,
    model: Any,
    sentences: Sequence[str],
    source: str = "microphone",
    judge: Judge | None = None,
    choose: Chooser | None = None,
    alternatives: int = DOMAIN_ALTERNATIVES,
) -> SpeechToText:
    """A recognizer for one of ``STRATEGIES``; ``sentences`` are the skill's known sentences,
    ``judge`` how it reads a text (used by ``hybrid``), ``choose`` the hook and
    ``alternatives`` the n-best size of ``domain`` (whose ``model`` should be the biased one)."""
    if strategy == "open":
        return Recognizer(model, source=source)
    if strategy == "domain":
        return Domain(Recognizer(model, source=source, alternatives=alternatives), choose)
    if strategy == "constrained":
        return Recognizer(model, grammar=vocabulary_grammar(sentences), source=source)
    corrected = Corrected(Recognizer(model, source=source), Corrector(sentences))
    if strategy == "corrected":
        return corrected
    if strategy == "hybrid":
        constrained = Recognizer(model, grammar=vocabulary_grammar(sentences), source=source)
        return Hybrid(constrained, corrected, judge=judge)
    raise ValueError(f"unknown recognition strategy {strategy!r}; choose one of {STRATEGIES}")
