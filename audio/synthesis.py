"""Text to speech samples: owns the pyttsx3/espeak-ng engine and the ``Pcm`` it produces.

No sound device is touched here; ``audio.playback`` plays what this module makes.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import AudioError, UnknownVoiceError
from .wavfile import read_native

_LOGGER = logging.getLogger(__name__)

MIN_RATE = 80  # words per minute; espeak-ng's own limits
MAX_RATE = 450
DEFAULT_RATE = 175  # espeak-ng's default: unhurried, which suits someone in pain
DEFAULT_VOLUME = 1.0
ESPEAK_SAMPLE_RATE = 22050  # what the espeak driver always writes
# espeak-ng makes speech about a hundred times faster than it is spoken; these bounds only
# catch a synthesizer that never finishes, even on a machine busy with other work.
SYNTHESIS_TIMEOUT = 10.0  # seconds, plus TIMEOUT_PER_CHARACTER for each character of text
TIMEOUT_PER_CHARACTER = 0.01

INSTALL_HINT = "Install the speech synthesizer with: sudo apt-get install espeak-ng"

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True, eq=False)
class Pcm:
    """Mono 16-bit audio. ``eq=False`` because numpy arrays have no single truth value."""

    samples: Samples
    rate: int

    def __post_init__(self) -> None:
        # Frozen in spirit too: nobody downstream may edit audio another part is playing.
        samples = np.ascontiguousarray(self.samples, dtype=np.int16).reshape(-1)
        samples.flags.writeable = False
        object.__setattr__(self, "samples", samples)

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...] = field(default=())


def _log_driver_output(*args: object, **_: object) -> None:
    """Stands in for ``print`` inside pyttsx3's espeak driver, which announces every file it
    saves ("Audio saved to ..."); the person using the coach must never see that."""
    _LOGGER.debug("pyttsx3: %s", " ".join(str(arg) for arg in args))


class _Engine:
    """The one pyttsx3 engine of the process.

    espeak-ng holds its voice, rate and volume in process-global state and pyttsx3 hands
    every caller the same engine, so all use goes through one lock and each synthesis
    re-applies its own settings.

    pyttsx3 2.99 runs espeak-ng in retrieval mode, where espeak-ng works on its own thread:
    ``setProperty`` queues rate and volume changes there, ``Synth`` queues the text, and the
    driver's callback on that thread writes the WAV file, then reports "finished-utterance".
    Every ``runAndWait`` first calls the driver's ``stop()``, which cancels whatever that
    thread is still busy with (dropping queued setting changes) and leaves a flag that
    cancels the text about to be synthesized, giving a missing or empty WAV file. It wins
    or loses a race with espeak-ng, so it fails rarely, and more often on a busy machine.
    Hence a synthesis waits for espeak-ng to be idle before ``runAndWait`` and again after
    "finished-utterance", so ``stop()`` never finds it busy and the file is complete.
    """

    lock = threading.Lock()
    finished = threading.Event()
    completed = False  # as reported with the last "finished-utterance"
    _engine: Any = None
    _default_voice: str = ""
    _errors: list[BaseException] = []  # noqa: RUF012 - filled by pyttsx3's error callback
    _is_playing: Callable[[], int] | None = None  # espeak_IsPlaying: is a command running?

    @classmethod
    def get(cls) -> Any:
        """Return the engine, creating it on first use. Call with ``lock`` held."""
        if cls._engine is None:
            try:
                import pyttsx3

                engine = pyttsx3.init()
            except Exception as error:  # pyttsx3 raises anything from OSError to KeyError
                raise AudioError(
                    f"The speech synthesizer could not start ({error}). {INSTALL_HINT}"
                ) from error
            engine.connect("error", cls._on_error)
            engine.connect("finished-utterance", cls._on_finished)
            # Silences the driver's print without touching sys.stdout, which other threads use.
            driver = sys.modules.get(f"pyttsx3.drivers.{getattr(engine, 'driver_name', '')}")
            if driver is not None:
                driver.print = _log_driver_output  # type: ignore[attr-defined]
            espeak = sys.modules.get("pyttsx3.drivers._espeak")
            if espeak is not None:
                cls._is_playing = espeak.IsPlaying
            cls._default_voice = str(engine.getProperty("voice") or "")
            # A new engine holds commands back until its first run loop, and so would set
            # properties and stop() in one go (see above); one empty loop, once espeak-ng has
            # applied the driver's start-up settings, makes every later command take effect
            # when given.
            cls.wait_until_idle(time.monotonic() + SYNTHESIS_TIMEOUT)
            engine.runAndWait()
            cls._engine = engine
            _LOGGER.debug("pyttsx3 engine ready, default voice %r", cls._default_voice)
        return cls._engine

    @classmethod
    def default_voice(cls) -> str:
        cls.get()
        return cls._default_voice

    @classmethod
    def _on_error(cls, name: object = None, exception: BaseException | None = None) -> None:
        if exception is not None:
            cls._errors.append(exception)

    @classmethod
    def _on_finished(cls, name: object = None, completed: object = None) -> None:
        cls.completed = completed is True
        cls.finished.set()

    @classmethod
    def wait_until_idle(cls, deadline: float) -> bool:
        """Wait until espeak-ng runs no command; False if still busy at ``deadline``."""
        while cls._is_playing is not None and cls._is_playing():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    @classmethod
    def take_errors(cls) -> list[BaseException]:
        errors, cls._errors[:] = list(cls._errors), []
        return errors


class Synthesizer:
    """Turns text into ``Pcm`` with one voice, rate (words per minute) and volume (0..1)."""

    def __init__(
        self, voice: str | None = None, rate: int | None = None, volume: float | None = None
    ) -> None:
        self.rate = DEFAULT_RATE if rate is None else rate
        self.volume = DEFAULT_VOLUME if volume is None else volume
        if not MIN_RATE <= self.rate <= MAX_RATE:
            raise AudioError(
                f"Speech rate {self.rate} is out of range: "
                f"choose {MIN_RATE} to {MAX_RATE} words per minute."
            )
        if not 0.0 <= self.volume <= 1.0:
            raise AudioError(f"Speech volume {self.volume} is out of range: choose 0.0 to 1.0.")
        self._voice_request = voice
        self._voice_id: str | None = None

    def voices(self) -> list[VoiceInfo]:
        with _Engine.lock:
            engine = _Engine.get()
            return [
                VoiceInfo(
                    id=str(v.id),
                    name=str(v.name),
                    languages=tuple(str(lang) for lang in (v.languages or ())),
                )
                for v in engine.getProperty("voices")
            ]

    @property
    def voice_id(self) -> str:
        """The espeak-ng voice id in use; resolving it raises AudioError for an unknown voice."""
        if self._voice_id is None:
            if self._voice_request is None:
                with _Engine.lock:
                    self._voice_id = _Engine.default_voice()
            else:
                self._voice_id = find_voice(self.voices(), self._voice_request).id
        return self._voice_id

    def synthesize(self, text: str) -> Pcm:
        if not text.strip():
            # pyttsx3 asserts on empty text; silence is the honest answer.
            return Pcm(np.zeros(0, dtype=np.int16), ESPEAK_SAMPLE_RATE)
        voice_id = self.voice_id
        started = time.monotonic()
        with _Engine.lock, tempfile.TemporaryDirectory(prefix="neck-coach-tts-") as tmp:
            engine = _Engine.get()
            _Engine.take_errors()
            path = Path(tmp) / "speech.wav"
            timeout = SYNTHESIS_TIMEOUT + TIMEOUT_PER_CHARACTER * len(text)
            deadline = time.monotonic() + timeout
            # Voice first: changing voice resets the rate. Each value is set twice because
            # espeak-ng 1.51 sometimes ignores a rate or volume change in synchronous mode
            # (measured: about one change in three was lost); a change from a different
            # value has always been applied.
            engine.setProperty("voice", voice_id)
            engine.setProperty("rate", self.rate + 1)
            engine.setProperty("rate", self.rate)
            engine.setProperty("volume", self.volume - 0.01 if self.volume > 0 else 0.01)
            engine.setProperty("volume", self.volume)
            idle = _Engine.wait_until_idle(deadline)  # so runAndWait cancels nothing
            if idle:
                engine.save_to_file(text, str(path))
                _Engine.finished.clear()
                engine.runAndWait()
            finished = (
                idle
                and _Engine.finished.wait(max(0.0, deadline - time.monotonic()))
                and _Engine.wait_until_idle(deadline)
            )
            errors = _Engine.take_errors()
            if errors or not finished or not _Engine.completed or not path.exists():
                if errors:
                    problem = f"produced no audio: {errors[0]}"
                elif not finished:
                    problem = f"did not finish within {timeout:.0f} s"
                elif not _Engine.completed:
                    problem = "was interrupted"
                else:
                    problem = "produced no audio"
                raise AudioError(f"The speech synthesizer {problem}. {INSTALL_HINT}")
            samples, rate = read_native(path)
            pcm = Pcm(samples[:, 0], rate)
        _LOGGER.debug(
            "synthesized %.2f s of speech in %.3f s: %r",
            pcm.seconds,
            time.monotonic() - started,
            text[:60],
        )
        return pcm


def find_voice(voices: list[VoiceInfo], wanted: str) -> VoiceInfo:
    """Find a voice by id, name or language, exactly first, then by unique substring."""
    key = wanted.strip().casefold()
    for exact in (
        lambda v: v.id.casefold() == key,
        lambda v: v.name.casefold() == key,
        lambda v: key in (lang.casefold() for lang in v.languages),
    ):
        for voice in voices:
            if exact(voice):
                return voice
    partial = [
        v
        for v in voices
        if key in v.id.casefold()
        or key in v.name.casefold()
        or any(key in lang.casefold() for lang in v.languages)
    ]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise UnknownVoiceError(f"No voice called {wanted!r} is installed.")
    names = ", ".join(f"{v.name} ({v.id})" for v in partial[:5])
    more = f" and {len(partial) - 5} more" if len(partial) > 5 else ""
    raise UnknownVoiceError(
        f"The voice {wanted!r} matches several voices: {names}{more}. Give the full name or id."
    )
