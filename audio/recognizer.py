"""Speech to text with Vosk: open vocabulary or a grammar of expected phrases.

The recognizer only ever sees 16 kHz 16-bit mono (callers convert at the boundary with
``audio.convert``). A grammar is a list of phrases plus ``[unk]``; words the model does not know
are dropped with a warning, because Vosk would otherwise ignore them silently and the phrase
would no longer be what the caller meant. Vosk's ``[unk]`` (speech outside the grammar) never
reaches the transcript text: an utterance that matched nothing comes back empty.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .events import CHANNELS, RATE, WIDTH, AudioChunk, Hypothesis, Transcript

if TYPE_CHECKING:
    import vosk

_LOGGER = logging.getLogger(__name__)

UNKNOWN = "[unk]"


def known_words(model: vosk.Model, words: Iterable[str]) -> tuple[set[str], set[str]]:
    """Split ``words`` into those the model's vocabulary has and those it lacks."""
    known: set[str] = set()
    unknown: set[str] = set()
    for word in words:
        (known if model.vosk_model_find_word(word) >= 0 else unknown).add(word)
    return known, unknown


def build_grammar(model: vosk.Model, phrases: Sequence[str]) -> list[str]:
    """Lower-cased phrases without out-of-vocabulary words, deduplicated, ending with ``[unk]``."""
    split = [phrase.lower().split() for phrase in phrases]
    _, unknown = known_words(model, {word for words in split for word in words})
    if unknown:
        _LOGGER.info(
            "grammar words missing from the speech model's vocabulary are ignored: %s",
            ", ".join(sorted(unknown)),
        )
    grammar: list[str] = []
    for words in split:
        phrase = " ".join(word for word in words if word not in unknown)
        if phrase and phrase not in grammar and phrase != UNKNOWN:
            grammar.append(phrase)
    grammar.append(UNKNOWN)
    return grammar


def _heard(result: dict[str, Any]) -> tuple[str, float]:
    """Text without ``[unk]`` markers, and the mean confidence of the words kept."""
    words = [word for word in result.get("result") or [] if word.get("word") != UNKNOWN]
    if not words:
        # No word timings (e.g. empty result): fall back to the plain text.
        text = " ".join(w for w in str(result.get("text", "")).split() if w != UNKNOWN)
        return text, 1.0 if text else 0.0
    confidences = [float(word.get("conf", 1.0)) for word in words]
    return " ".join(str(word["word"]) for word in words), sum(confidences) / len(confidences)


class Recognizer:
    """One Vosk recognition stream: feed chunks, get final transcripts at utterance ends."""

    def __init__(
        self,
        model: vosk.Model,
        grammar: Sequence[str] | None = None,
        source: str = "microphone",
    ) -> None:
        self.model = model
        self.source = source
        self.grammar: list[str] | None = None
        self._seconds = 0.0
        self._vosk: Any = None
        self.set_grammar(grammar)

    def set_grammar(self, phrases: Sequence[str] | None) -> None:
        """Switch between open vocabulary (None) and a list of phrases; starts a new utterance."""
        import vosk

        self.grammar = build_grammar(self.model, phrases) if phrases is not None else None
        # A fresh KaldiRecognizer is the only way back to open vocabulary, and costs ~1 ms.
        if self.grammar is None:
            self._vosk = vosk.KaldiRecognizer(self.model, RATE)
        else:
            self._vosk = vosk.KaldiRecognizer(self.model, RATE, json.dumps(self.grammar))
        self._vosk.SetWords(True)
        self._seconds = 0.0

    def accept(self, chunk: AudioChunk) -> Transcript | None:
        """Feed one chunk; a final Transcript when Vosk decides the utterance ended, else None."""
        if (chunk.rate, chunk.width, chunk.channels) != (RATE, WIDTH, CHANNELS):
            raise ValueError(
                f"the recognizer takes {RATE} Hz {WIDTH * 8}-bit mono; got {chunk.rate} Hz "
                f"{chunk.width * 8}-bit {chunk.channels} channel(s): convert with ChunkConverter"
            )
        self._seconds += chunk.seconds
        if self._vosk.AcceptWaveform(chunk.audio):
            return self._transcript(self._vosk.Result())
        return None

    def partial(self) -> str:
        """The words heard so far in the current utterance (may still change)."""
        words = str(json.loads(self._vosk.PartialResult()).get("partial", "")).split()
        return " ".join(word for word in words if word != UNKNOWN)

    def finish(self) -> Transcript:
        """End the utterance: the final transcript of what was fed since the last final one."""
        return self._transcript(self._vosk.FinalResult())

    def transcribe(self, chunks: Iterable[AudioChunk]) -> Transcript:
        """All of ``chunks`` as one transcript (Vosk's inner utterance breaks are joined)."""
        parts: list[Transcript] = []
        for chunk in chunks:
            result = self.accept(chunk)
            if result is not None:
                parts.append(result)
        parts.append(self.finish())
        return join_transcripts(parts, self.source)

    def _transcript(self, raw: str) -> Transcript:
        text, confidence = _heard(json.loads(raw))
        seconds, self._seconds = self._seconds, 0.0
        return Transcript(
            text=text,
            final=True,
            confidence=confidence,
            source=self.source,
            audio_seconds=seconds,
        )


def join_transcripts(parts: Sequence[Transcript], source: str) -> Transcript:
    """One transcript from consecutive ones; confidence weighted by each part's word count.
    Each part's other readings become readings of the whole, that part varied, the rest as
    chosen; partial results follow one another."""
    spoken = [part for part in parts if part.text]
    words = [len(part.text.split()) for part in spoken]
    total_words = sum(words)
    confidence = (
        sum(part.confidence * count for part, count in zip(spoken, words, strict=True))
        / total_words
        if total_words
        else 0.0
    )
    text = " ".join(part.text for part in spoken)
    alternatives: list[Hypothesis] = []
    for index, part in enumerate(spoken):
        for other in part.alternatives[1:]:
            varied = [other.text if i == index else p.text for i, p in enumerate(spoken)]
            alternatives.append(Hypothesis(" ".join(w for w in varied if w), other.score))
    if alternatives:
        alternatives.insert(0, Hypothesis(text, confidence))
    return Transcript(
        text=text,
        final=True,
        confidence=confidence,
        source=source,
        audio_seconds=sum(part.audio_seconds for part in parts),
        alternatives=tuple(alternatives),
        partials=tuple(dict.fromkeys(p for part in parts for p in part.partials)),
    )
