"""The small typed values that cross from ``audio`` up to the skill.

Audio flows in as ``AudioChunk``s and comes out of recognition as a ``Transcript``: the best
text, the recognizer's other readings of the same audio (``alternatives``) and the partial
results it showed while the person spoke (``partials``), so the layers above can judge every
hypothesis, not just the first. The recognizer itself only ever sees 16 kHz 16-bit mono
(``RATE``, ``WIDTH``, ``CHANNELS``); ``audio.convert`` turns anything else into that at the
boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Hypothesis:
    text: str
    score: float  # the recognizer's ranking score (higher is better)


@dataclass(frozen=True)
class Transcript:
    """What the recognizer heard. ``final`` is False for live partial results."""

    text: str
    final: bool = True
    confidence: float = 1.0
    source: str = "keyboard"  # keyboard, microphone or a file name
    audio_seconds: float = 0.0
    alternatives: tuple[Hypothesis, ...] = ()  # n-best, best first (the first is ``text``)
    partials: tuple[str, ...] = ()  # distinct partial results seen while the person spoke
