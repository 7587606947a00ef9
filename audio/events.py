"""The few dataclasses that cross the boundary between ``audio`` and ``skill``.

Like wyoming's events, each has symmetric ``to_dict``/``from_dict`` so they can be logged,
printed as JSON and round-trip tested. Audio flows in as ``AudioChunk``s, becomes a
``Transcript`` (with the recognizer's ranked ``Hypothesis`` alternatives when it was asked for
them); the skill answers with an ``Utterance`` to speak.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

RATE = 16000
WIDTH = 2
CHANNELS = 1


@dataclass(frozen=True)
class AudioChunk:
    """Raw PCM audio: ``width`` bytes per sample, interleaved ``channels``."""

    audio: bytes
    rate: int = RATE
    width: int = WIDTH
    channels: int = CHANNELS

    @property
    def seconds(self) -> float:
        return len(self.audio) / (self.rate * self.width * self.channels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "audio-chunk",
            "rate": self.rate,
            "width": self.width,
            "channels": self.channels,
            "audio": base64.b64encode(self.audio).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AudioChunk:
        return cls(
            audio=base64.b64decode(data["audio"]),
            rate=int(data["rate"]),
            width=int(data["width"]),
            channels=int(data["channels"]),
        )


@dataclass(frozen=True)
class Hypothesis:
    """One thing the recognizer may have heard.

    ``score`` is its posterior probability among the alternatives the recognizer returned for
    the utterance (0..1, summing to 1 over them): Vosk's n-best log-likelihoods (acoustic plus
    scaled language-model log probability, natural log) turned into probabilities with a
    softmax. Only the order and ratios within one utterance mean anything.
    """

    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "score": self.score}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hypothesis:
        return cls(text=str(data["text"]), score=float(data["score"]))


@dataclass(frozen=True)
class Transcript:
    """What the recognizer heard. ``final`` is False for live partial results.

    ``confidence`` is Vosk's mean word confidence in plain mode, and the posterior of the chosen
    alternative in n-best mode. ``alternatives`` (n-best mode only) are the recognizer's
    hypotheses, best first; the first is ``text`` unless a strategy chose another by meaning.
    ``partials`` are the distinct partial results seen while the utterance was spoken, oldest
    first (a safety check can look at every one of them).
    """

    text: str
    final: bool = True
    confidence: float = 1.0
    source: str = "keyboard"  # keyboard, microphone or a file name
    audio_seconds: float = 0.0
    alternatives: tuple[Hypothesis, ...] = ()
    partials: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "transcript",
            "text": self.text,
            "final": self.final,
            "confidence": self.confidence,
            "source": self.source,
            "audio_seconds": self.audio_seconds,
            "alternatives": [hypothesis.to_dict() for hypothesis in self.alternatives],
            "partials": list(self.partials),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        return cls(
            text=str(data["text"]),
            final=bool(data.get("final", True)),
            confidence=float(data.get("confidence", 1.0)),
            source=str(data.get("source", "keyboard")),
            audio_seconds=float(data.get("audio_seconds", 0.0)),
            alternatives=tuple(Hypothesis.from_dict(h) for h in data.get("alternatives", ())),
            partials=tuple(str(p) for p in data.get("partials", ())),
        )


@dataclass(frozen=True)
class Utterance:
    """Text for the mouth to speak. ``interruptible`` lets barge-in cut it short."""

    text: str
    interruptible: bool = True
    sentences: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "utterance",
            "text": self.text,
            "interruptible": self.interruptible,
            "sentences": list(self.sentences),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Utterance:
        return cls(
            text=str(data["text"]),
            interruptible=bool(data.get("interruptible", True)),
            sentences=tuple(data.get("sentences", ())),
        )
