"""End-of-utterance detection for live audio, with webrtcvad.

Audio is cut into 30 ms frames and each is classed voiced or not. Speech starts after
``start_frames`` voiced frames in a row and ends after ``silence_ms`` without voice. The event
that starts speech carries a short pre-roll (the frames just before the trigger) so the first
syllable reaches the recognizer; every frame while speech is on is passed on as a ``speech``
event, so a consumer simply forwards the audio of every event.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .events import RATE, WIDTH, AudioChunk

_LOGGER = logging.getLogger(__name__)

EventKind = Literal["speech_started", "speech", "speech_ended"]

FRAME_MS = 30
# Measured on espeak-ng speech (aggressiveness 2): 300 ms rides over the pauses between words
# and ends the utterance 0.39-0.42 s after the last audible sample (webrtcvad adds ~100 ms).
DEFAULT_SILENCE_MS = 300
DEFAULT_PREROLL_MS = 300
DEFAULT_START_FRAMES = 3
DEFAULT_AGGRESSIVENESS = 2
# webrtcvad calls steady noise speech; a frame also has to stand this far above the room's
# noise floor (the median level of recent frames heard outside speech) to count as voiced.
NOISE_MARGIN = 2.0
NOISE_WINDOW_FRAMES = 200
NOISE_MIN_FRAMES = 8


@dataclass(frozen=True)
class EndpointEvent:
    """A change of state or a frame of speech; ``at`` is the stream time (s) at its frame's end."""

    kind: EventKind
    at: float
    audio: bytes = b""


class Endpointer:
    """Feed 16 kHz 16-bit mono chunks of any size; get speech start/audio/end events back."""

    def __init__(
        self,
        aggressiveness: int = DEFAULT_AGGRESSIVENESS,
        silence_ms: int = DEFAULT_SILENCE_MS,
        start_frames: int = DEFAULT_START_FRAMES,
        preroll_ms: int = DEFAULT_PREROLL_MS,
    ) -> None:
        if not 0 <= aggressiveness <= 3:
            raise ValueError("aggressiveness must be 0 (keeps most audio) to 3 (strictest)")
        self.aggressiveness = aggressiveness
        self.silence_frames = max(1, -(-silence_ms // FRAME_MS))
        self.start_frames = max(1, start_frames)
        self.frame_bytes = RATE * FRAME_MS // 1000 * WIDTH
        self._preroll: deque[bytes] = deque(maxlen=max(self.start_frames, preroll_ms // FRAME_MS))
        self._vad: Any = None
        self._levels: deque[float] = deque(maxlen=NOISE_WINDOW_FRAMES)
        self.reset()

    def reset(self) -> None:
        """Forget everything: back to waiting for speech at stream time 0."""
        self._pending = b""
        self._preroll.clear()
        self._frames = 0
        self._voiced_run = 0
        self._silent_run = 0
        self.in_speech = False

    @property
    def silent_ms(self) -> int:
        """How long the speech in progress has been silent (0 outside speech)."""
        return self._silent_run * FRAME_MS if self.in_speech else 0

    def end(self) -> EndpointEvent:
        """End the speech in progress now (the caller knows the utterance is complete)."""
        self.in_speech = False
        self._voiced_run = 0
        at = self._frames * FRAME_MS / 1000
        _LOGGER.debug("speech ended early at %.2f s", at)
        return EndpointEvent("speech_ended", at)

    def _is_speech(self, frame: bytes) -> bool:
        if self._vad is None:
            import webrtcvad

            self._vad = webrtcvad.Vad(self.aggressiveness)
        samples = np.frombuffer(frame, dtype=np.int16).astype(np.float64)
        level = float(np.sqrt(np.mean(samples**2)))
        if not self.in_speech:
            self._levels.append(level)
        if len(self._levels) >= NOISE_MIN_FRAMES and level < NOISE_MARGIN * float(
            np.median(self._levels)
        ):
            return False
        return bool(self._vad.is_speech(frame, RATE))

    def feed(self, chunk: AudioChunk) -> list[EndpointEvent]:
        """Events caused by this chunk, in order (often none)."""
        if (chunk.rate, chunk.width, chunk.channels) != (RATE, WIDTH, 1):
            raise ValueError("the endpointer takes 16 kHz 16-bit mono: convert with ChunkConverter")
        self._pending += chunk.audio
        events: list[EndpointEvent] = []
        while len(self._pending) >= self.frame_bytes:
            frame = self._pending[: self.frame_bytes]
            self._pending = self._pending[self.frame_bytes :]
            events.extend(self._frame(frame))
        return events

    def _frame(self, frame: bytes) -> list[EndpointEvent]:
        self._frames += 1
        at = self._frames * FRAME_MS / 1000
        voiced = self._is_speech(frame)
        if not self.in_speech:
            self._preroll.append(frame)
            self._voiced_run = self._voiced_run + 1 if voiced else 0
            if self._voiced_run < self.start_frames:
                return []
            self.in_speech = True
            self._silent_run = 0
            audio = b"".join(self._preroll)
            self._preroll.clear()
            _LOGGER.debug("speech started at %.2f s", at)
            return [EndpointEvent("speech_started", at, audio)]
        self._silent_run = 0 if voiced else self._silent_run + 1
        events = [EndpointEvent("speech", at, frame)]
        if self._silent_run >= self.silence_frames:
            self.in_speech = False
            self._voiced_run = 0
            _LOGGER.debug("speech ended at %.2f s", at)
            events.append(EndpointEvent("speech_ended", at))
        return events
