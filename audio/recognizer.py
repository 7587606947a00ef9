"""Speech to text with Vosk: open vocabulary or a grammar of expected phrases.

The recognizer only ever sees 16 kHz 16-bit mono (callers convert at the boundary with
``audio.convert``). A grammar is a list of phrases plus ``[unk]``; words the model does not know
are dropped with a warning, because Vosk would otherwise ignore them silently and the phrase
would no longer be what the caller meant. Vosk's ``[unk]`` (speech outside the grammar) never
reaches the transcript text: an utterance that matched nothing comes back empty.

With ``alternatives=n`` Vosk returns its n best hypotheses instead of the MBR 1-best
(``{"alternatives": [{"text", "confidence", "result"?}, ...]}``, where "confidence" is the
path's total log-likelihood and "result" has word times but no word confidences). They become
``Hypothesis`` objects scored by their posterior among the n (see ``audio.events``); the
transcript's text is the best one and its confidence that one's posterior.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .events import CHANNELS, RATE, WIDTH, AudioChunk, Hypothesis, Transcript
from .memory import release_freed_memory

if TYPE_CHECKING:
    import vosk

_LOGGER = logging.getLogger(__name__)

UNKNOWN = "[unk]"
# Joining an utterance Vosk split in parts keeps at most this many combinations of their
# alternatives (the best by joint posterior), never fewer than the parts' own n-best size.
JOINED_ALTERNATIVES = 10


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


def _spoken(text: str) -> str:
    return " ".join(word for word in text.split() if word != UNKNOWN)


def _ranked(alternatives: Sequence[dict[str, Any]]) -> tuple[Hypothesis, ...]:
    """Vosk's n-best as hypotheses scored by posterior, best first.

    Dropping ``[unk]`` can make two alternatives the same text; their probabilities add up.
    """
    likelihoods: dict[str, float] = {}
    for alternative in alternatives:
        text = _spoken(str(alternative.get("text", "")))
        value = float(alternative.get("confidence", 0.0))
        old = likelihoods.get(text)
        likelihoods[text] = value if old is None else _log_add(old, value)
    if not likelihoods:
        return ()
    top = max(likelihoods.values())
    weights = {text: math.exp(value - top) for text, value in likelihoods.items()}
    total = sum(weights.values())
    ranked = sorted(weights.items(), key=lambda item: -item[1])
    return tuple(Hypothesis(text, weight / total) for text, weight in ranked)


def _log_add(a: float, b: float) -> float:
    high, low = max(a, b), min(a, b)
    return high + math.log1p(math.exp(low - high))


class Recognizer:
    """One Vosk recognition stream: feed chunks, get final transcripts at utterance ends.

    ``alternatives`` > 0 asks Vosk for that many best hypotheses (n-best mode).
    """

    def __init__(
        self,
        model: vosk.Model,
        grammar: Sequence[str] | None = None,
        source: str = "microphone",
        alternatives: int = 0,
    ) -> None:
        if alternatives < 0:
            raise ValueError(f"alternatives must be 0 (plain) or more, not {alternatives}")
        self.model = model
        self.source = source
        self.alternatives = alternatives
        self.grammar: list[str] | None = None
        self._seconds = 0.0
        self._vosk: Any = None
        self.set_grammar(grammar)

    def set_grammar(self, phrases: Sequence[str] | None) -> None:
        """Switch between open vocabulary (None) and a list of phrases; starts a new utterance."""
        self.grammar = build_grammar(self.model, phrases) if phrases is not None else None
        self._vosk = self._new_vosk()
        self._spent = False
        self._seconds = 0.0

    def _new_vosk(self) -> Any:
        """A fresh Kaldi recognizer: the only way back to open vocabulary, and how each
        utterance starts clean (one recognizer fed utterance after utterance keeps growing)."""
        import vosk

        if self.grammar is None:
            recognizer = vosk.KaldiRecognizer(self.model, RATE)
        else:
            recognizer = vosk.KaldiRecognizer(self.model, RATE, json.dumps(self.grammar))
        recognizer.SetWords(True)
        if self.alternatives:
            recognizer.SetMaxAlternatives(self.alternatives)
        return recognizer

    def _ready(self) -> Any:
        """The Kaldi recognizer for the utterance in progress, renewed after a finished one (here,
        at the next utterance's first audio, not at the end of the last one: the answer is not
        kept waiting for it)."""
        if self._spent:
            self._vosk = None
            release_freed_memory()
            self._vosk = self._new_vosk()
            self._spent = False
        return self._vosk

    def accept(self, chunk: AudioChunk) -> Transcript | None:
        """Feed one chunk; a final Transcript when Vosk decides the utterance ended, else None."""
        if (chunk.rate, chunk.width, chunk.channels) != (RATE, WIDTH, CHANNELS):
            raise ValueError(
                f"the recognizer takes {RATE} Hz {WIDTH * 8}-bit mono; got {chunk.rate} Hz "
                f"{chunk.width * 8}-bit {chunk.channels} channel(s): convert with ChunkConverter"
            )
        self._seconds += chunk.seconds
        recognizer = self._ready()
        if recognizer.AcceptWaveform(chunk.audio):
            return self._transcript(recognizer.Result())
        return None

    def partial(self) -> str:
        """The words heard so far in the current utterance (may still change)."""
        if self._spent:
            return ""
        words = str(json.loads(self._vosk.PartialResult()).get("partial", "")).split()
        return " ".join(word for word in words if word != UNKNOWN)

    def finish(self) -> Transcript:
        """End the utterance: the final transcript of what was fed since the last final one."""
        if self._spent:
            return self._transcript(json.dumps({"text": ""}))
        transcript = self._transcript(self._vosk.FinalResult())
        self._spent = True
        return transcript

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
        result = json.loads(raw)
        seconds, self._seconds = self._seconds, 0.0
        alternatives: tuple[Hypothesis, ...] = ()
        if "alternatives" in result:
            alternatives = _ranked(result["alternatives"])
            if not any(h.text for h in alternatives):
                alternatives = ()  # nothing said: like plain mode's empty result
            text = alternatives[0].text if alternatives else ""
            confidence = alternatives[0].score if text else 0.0
        else:
            text, confidence = _heard(result)
        return Transcript(
            text=text,
            final=True,
            confidence=confidence,
            source=self.source,
            audio_seconds=seconds,
            alternatives=alternatives,
        )


def join_transcripts(parts: Sequence[Transcript], source: str) -> Transcript:
    """One transcript from consecutive ones; confidence weighted by each part's word count.

    Alternatives combine part by part, each combination scored by the product of its parts'
    posteriors, keeping the best ``JOINED_ALTERNATIVES`` (or the largest part's count, if
    larger). Partials are kept in order without repeats.
    """
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
    alternatives = _joined_alternatives(parts)
    if alternatives and len(spoken) > 1:
        # Several parts: the best combination (one part alone keeps its text, which a strategy
        # may have chosen among its alternatives).
        text, confidence = alternatives[0].text, alternatives[0].score
    return Transcript(
        text=text,
        final=True,
        confidence=confidence,
        source=source,
        audio_seconds=sum(part.audio_seconds for part in parts),
        alternatives=alternatives,
        partials=tuple(dict.fromkeys(p for part in parts for p in part.partials)),
    )


def _joined_alternatives(parts: Sequence[Transcript]) -> tuple[Hypothesis, ...]:
    if not any(part.alternatives for part in parts):
        return ()
    # A part heard without alternatives is its one certain reading: it must not drop out.
    ranked = [
        part.alternatives or (Hypothesis(part.text, 1.0),)
        for part in parts
        if part.alternatives or part.text
    ]
    keep = max(JOINED_ALTERNATIVES, *(len(alternatives) for alternatives in ranked))
    beam: dict[str, float] = {"": 1.0}
    for alternatives in ranked:
        combined: dict[str, float] = {}
        for head, head_score in beam.items():
            for hypothesis in alternatives:
                text = f"{head} {hypothesis.text}".strip()
                combined[text] = combined.get(text, 0.0) + head_score * hypothesis.score
        best = sorted(combined.items(), key=lambda item: -item[1])[:keep]
        beam = dict(best)
    return tuple(Hypothesis(text, score) for text, score in beam.items())
