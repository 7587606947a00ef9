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
    """One thing the recognizer may have heard.

    ``score`` is its posterior probability among the alternatives the recognizer returned for
    the utterance (0..1, summing to 1 over them): Vosk's n-best log-likelihoods (acoustic plus
    scaled language-model log probability, natural log) turned into probabilities with a
    softmax. Only the order and ratios within one utterance mean anything.
    """

    text: str
    score: float


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
