"""One utterance streamed in pieces of any PCM format, recognized as it arrives.

A network client (a Wyoming satellite) sends audio in whatever rate, width and channel count its
microphone has. ``StreamTranscriber`` checks each chunk's format, converts it at the boundary to
16 kHz 16-bit mono with a ``ChunkConverter`` (one per stream, so resampling carries over between
chunks), feeds the recognizer as it goes, and joins the recognizer's utterance pieces at the end.
Audio past ``max_seconds`` is dropped: a client whose voice detection never stops cannot keep
a recognizer busy for ever.
"""

from __future__ import annotations

import logging

from .convert import SUPPORTED_WIDTHS, ChunkConverter
from .errors import AudioFormatError
from .events import AudioChunk, Transcript
from .recognizer import join_transcripts
from .strategies import SpeechToText

_LOGGER = logging.getLogger(__name__)

# Longer than any question; Home Assistant's own speech-to-text stops at about 30 s.
MAX_SECONDS = 60.0
RATE_RANGE = (1000, 384_000)
MAX_CHANNELS = 32


def check_format(rate: object, width: object, channels: object) -> tuple[int, int, int]:
    """The format as whole numbers, or ``AudioFormatError`` saying what is wrong with it."""
    low, high = RATE_RANGE
    rate_, width_, channels_ = _whole(rate), _whole(width), _whole(channels)
    if rate_ is None or not low <= rate_ <= high:
        raise AudioFormatError(f"unsupported sample rate {rate!r}; use {low} to {high} Hz")
    if width_ not in SUPPORTED_WIDTHS:
        raise AudioFormatError(f"unsupported sample width {width!r}; use one of {SUPPORTED_WIDTHS}")
    if channels_ is None or not 1 <= channels_ <= MAX_CHANNELS:
        raise AudioFormatError(f"unsupported channel count {channels!r}; use 1 to {MAX_CHANNELS}")
    return rate_, width_, channels_


def _whole(value: object) -> int | None:
    # JSON gives true/false and 2.0 as well as 2; only a plain whole number is a format field.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class StreamTranscriber:
    """Recognizes one streamed utterance; feed chunks in order, then ``finish`` once."""

    def __init__(self, stt: SpeechToText, max_seconds: float = MAX_SECONDS) -> None:
        self.stt = stt
        self.max_seconds = max_seconds
        self.seconds = 0.0  # audio received, before any was dropped
        self._converter = ChunkConverter()
        self._parts: list[Transcript] = []

    @property
    def truncated(self) -> bool:
        return self.seconds > self.max_seconds

    def feed(self, chunk: AudioChunk) -> None:
        """Recognize one chunk; ``AudioFormatError`` if its format cannot be converted."""
        check_format(chunk.rate, chunk.width, chunk.channels)
        was_full = self.truncated
        self.seconds += chunk.seconds
        if self.truncated:
            if not was_full:
                _LOGGER.info("audio past %.0f s is ignored", self.max_seconds)
            return
        self._accept(self._converter.convert(chunk))

    def finish(self) -> Transcript:
        """Everything heard, as one transcript; the recognizer is ready for another stream."""
        self._accept(self._converter.flush())
        self._parts.append(self.stt.finish())
        parts, self._parts = self._parts, []
        return join_transcripts(parts, self.stt.source)

    def _accept(self, chunk: AudioChunk) -> None:
        if not chunk.audio:
            return
        final = self.stt.accept(chunk)
        if final is not None:
            self._parts.append(final)
