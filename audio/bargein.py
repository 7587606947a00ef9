"""Barge-in: hearing "stop", "pause" or "quiet" while the assistant is speaking.

While the mouth speaks, the microphone's audio does not become part of an utterance (the
assistant must not answer itself); it is fed here instead, to a Vosk recognizer constrained to a
handful of words. A word counts only when it is heard with confidence and is not in what the
assistant itself is saying at that moment, so its own "stop if pain increases" cannot cut it off.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from .events import RATE, AudioChunk

_LOGGER = logging.getLogger(__name__)

BARGE_IN_WORDS = ("stop", "pause", "quiet", "be quiet", "cancel", "enough", "shush")
MIN_CONFIDENCE = 0.8


class BargeInHeard(Exception):
    """Raised out of the microphone's chunk stream when a barge-in word was heard."""

    def __init__(self, word: str) -> None:
        super().__init__(word)
        self.word = word


class BargeIn:
    """Feeds muted audio to a small-grammar recognizer and raises ``BargeInHeard`` on a word."""

    def __init__(
        self,
        model: Any,
        speaking_text: Callable[[], str],
        words: Sequence[str] = BARGE_IN_WORDS,
        min_confidence: float = MIN_CONFIDENCE,
    ) -> None:
        import vosk

        self._words = tuple(words)
        self._speaking_text = speaking_text
        self._min_confidence = min_confidence
        self._vosk = vosk.KaldiRecognizer(model, RATE, json.dumps([*self._words, "[unk]"]))
        self._vosk.SetWords(True)

    def __call__(self, chunk: AudioChunk) -> None:
        if not self._vosk.AcceptWaveform(chunk.audio):
            return
        result = json.loads(self._vosk.Result())
        words = [w for w in result.get("result", []) if w.get("word") != "[unk]"]
        if not words:
            return
        text = " ".join(w["word"] for w in words)
        confidence = min(float(w.get("conf", 0.0)) for w in words)
        own = self._speaking_text().lower()
        if confidence < self._min_confidence or text in own:
            _LOGGER.debug("barge-in ignored %r (%.2f)", text, confidence)
            return
        _LOGGER.info("barge-in: heard %r (%.2f)", text, confidence)
        raise BargeInHeard(text)
