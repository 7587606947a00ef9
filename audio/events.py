"""The few dataclasses that cross the boundary between ``audio`` and ``skill``.

Like wyoming's events, each has symmetric ``to_dict``/``from_dict`` so they can be logged,
printed as JSON and round-trip tested. Audio flows in as ``AudioChunk``s, becomes a
``Transcript``; the skill answers with an ``Utterance`` to speak.
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
class Transcript:
    """What the recognizer heard. ``final`` is False for live partial results."""

    text: str
    final: bool = True
    confidence: float = 1.0
    source: str = "keyboard"  # keyboard, microphone or a file name
    audio_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "transcript",
            "text": self.text,
            "final": self.final,
            "confidence": self.confidence,
            "source": self.source,
            "audio_seconds": self.audio_seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        return cls(
            text=str(data["text"]),
            final=bool(data.get("final", True)),
            confidence=float(data.get("confidence", 1.0)),
            source=str(data.get("source", "keyboard")),
            audio_seconds=float(data.get("audio_seconds", 0.0)),
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
