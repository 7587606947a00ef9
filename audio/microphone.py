"""The microphone: choosing an input device, streaming its audio, and listening for one utterance.

As in Vosk's ``test_microphone.py`` the sounddevice callback only puts bytes on a queue;
conversion, voice detection and recognition all run in the consumer (``chunks`` and ``listen``).
sounddevice is imported lazily so keyboard mode works where PortAudio is missing. Every failure
(no PortAudio, no device, unknown device, device gone mid-stream) is an ``AudioError`` so the
caller can fall back to the keyboard.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from types import ModuleType, TracebackType
from typing import Any, Protocol

from .convert import ChunkConverter
from .endpoint import Endpointer
from .errors import AudioError
from .events import RATE, WIDTH, AudioChunk, Transcript
from .recognizer import join_transcripts
from .strategies import SpeechToText

_LOGGER = logging.getLogger(__name__)

DEFAULT_BLOCK_MS = 30
# Audio kept when the consumer falls behind; newer blocks are dropped beyond this.
DEFAULT_QUEUE_SECONDS = 60.0  # a minute of 16 kHz audio is under 2 MB; nothing said is dropped
DEFAULT_TIMEOUT = 2.0
# Silence after which a complete request ends the utterance (the endpointer waits 300 ms).
EARLY_SILENCE_MS = 150


def _sounddevice() -> ModuleType:
    try:
        import sounddevice as sd
    except OSError as error:
        raise AudioError(
            f"The PortAudio sound library is missing ({error}). Install it with "
            "`sudo apt-get install libportaudio2`, or type your questions instead (keyboard mode)."
        ) from error
    module: ModuleType = sd
    return module


@dataclass(frozen=True)
class InputDevice:
    """One capture device as PortAudio lists it."""

    index: int
    name: str
    channels: int
    default_rate: float
    is_default: bool = False

    def __str__(self) -> str:
        mark = " (default)" if self.is_default else ""
        return f"{self.index}: {self.name}{mark}"


def list_input_devices() -> list[InputDevice]:
    """Every device with at least one input channel."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        default_input = sd.default.device[0]
    except sd.PortAudioError as error:
        raise AudioError(f"Cannot list sound devices ({error}).") from error
    return [
        InputDevice(
            index=int(info["index"]),
            name=str(info["name"]),
            channels=int(info["max_input_channels"]),
            default_rate=float(info["default_samplerate"]),
            is_default=int(info["index"]) == default_input,
        )
        for info in devices
        if int(info["max_input_channels"]) > 0
    ]


def _unknown_device(wanted: int | str, devices: list[InputDevice]) -> AudioError:
    listing = "\n".join(f"  {device}" for device in devices) or "  (none)"
    return AudioError(
        f"No microphone matches {wanted!r}. Input devices:\n{listing}\n"
        "Pass one of these numbers or part of a name, or leave it out for the default."
    )


def find_device(name_or_index: int | str | None) -> int | None:
    """The PortAudio index for a device number or a case-insensitive part of its name.

    None means the system default and is returned as is.
    """
    if name_or_index is None:
        return None
    devices = list_input_devices()
    wanted = name_or_index.strip() if isinstance(name_or_index, str) else name_or_index
    if isinstance(wanted, int) or wanted.isdigit():
        index = int(wanted)
        if any(device.index == index for device in devices):
            return index
        raise _unknown_device(name_or_index, devices)
    matches = [device for device in devices if wanted.lower() in device.name.lower()]
    if not matches:
        raise _unknown_device(name_or_index, devices)
    if len(matches) > 1:
        _LOGGER.info("%r matches %d devices; using %s", wanted, len(matches), matches[0])
    return matches[0].index


def has_microphone() -> tuple[bool, str]:
    """Whether a default input device is usable, and why not when it is not."""
    try:
        sd = _sounddevice()
    except AudioError as error:
        return False, str(error)
    try:
        sd.query_devices(kind="input")
    except (sd.PortAudioError, ValueError) as error:
        return False, f"No microphone found ({error}). Plug one in, or type instead."
    return True, ""


class Microphone:
    """An input stream delivering 16 kHz 16-bit mono chunks of ``block_ms``.

    Use as a context manager, or ``close()`` it. While ``muted`` is set (the assistant is
    speaking), captured audio is thrown away so the assistant does not hear itself.
    """

    def __init__(
        self,
        device: int | str | None = None,
        rate: int = RATE,
        block_ms: int = DEFAULT_BLOCK_MS,
        queue_seconds: float = DEFAULT_QUEUE_SECONDS,
    ) -> None:
        self.device = device
        self.rate = rate
        self.block_ms = block_ms
        self.muted = threading.Event()
        # While muted, audio goes here instead of to the utterance (barge-in listens there).
        self.while_muted: Callable[[AudioChunk], None] | None = None
        self.dropped_blocks = 0
        # None in the queue wakes a consumer waiting for audio when the microphone is closed.
        self._queue: queue.Queue[tuple[bool, bytes] | None] = queue.Queue(
            maxsize=max(1, int(queue_seconds * 1000 / block_ms))
        )
        self._closed = threading.Event()
        self._stream: Any = None
        self._stream_rate = rate
        self._converter = ChunkConverter()

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        # Runs on PortAudio's thread: only hand the bytes over, marked with whether they were
        # captured while muted, so the assistant's own voice never becomes part of an utterance.
        try:
            self._queue.put_nowait((self.muted.is_set(), bytes(indata)))
        except queue.Full:
            self.dropped_blocks += 1

    def _open(self, sd: ModuleType, index: int | None, rate: int) -> Any:
        return sd.RawInputStream(
            samplerate=rate,
            blocksize=rate * self.block_ms // 1000,
            device=index,
            channels=1,
            dtype="int16",
            callback=self._callback,
        )

    def start(self) -> None:
        """Open and start the stream (once); falls back to the device's own rate if needed."""
        if self._stream is not None:
            return
        if self._closed.is_set():
            raise AudioError("The microphone was closed; open a new one to listen again.")
        sd = _sounddevice()
        index = find_device(self.device)
        try:
            try:
                stream = self._open(sd, index, self.rate)
                self._stream_rate = self.rate
            except sd.PortAudioError:
                # Some hardware only records at its native rate; convert in the consumer instead.
                native = int(sd.query_devices(index, kind="input")["default_samplerate"])
                if native == self.rate:
                    raise
                _LOGGER.info(
                    "microphone does not take %d Hz; recording at %d Hz", self.rate, native
                )
                stream = self._open(sd, index, native)
                self._stream_rate = native
            stream.start()
        except (sd.PortAudioError, ValueError) as error:
            raise AudioError(
                f"Cannot open the microphone {self.device or '(default)'} ({error}). "
                "Check it is plugged in and not used by another program, or type instead."
            ) from error
        self._stream = stream

    def close(self) -> None:
        """Stop and close the stream for good; ``chunks`` ends instead of waiting for audio.

        Safe from any thread and more than once. It returns once PortAudio has stopped calling
        back, so no capture thread is left to run into the interpreter's shutdown.
        """
        self._closed.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as error:
                # Closing a stream whose device vanished can fail too; nothing is left to do.
                _LOGGER.debug("closing the microphone stream failed: %s", error)
        while True:
            try:
                self._queue.put_nowait(None)
                return
            except queue.Full:
                # Audio nobody will read: make room for the wake-up.
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()

    def __enter__(self) -> Microphone:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def chunks(self, timeout: float = DEFAULT_TIMEOUT) -> Iterator[AudioChunk]:
        """16 kHz mono chunks as they arrive, until ``close``; AudioError if none comes within
        ``timeout`` s while the microphone is open."""
        if self._closed.is_set():
            return
        self.start()
        while True:
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                if self._closed.is_set():
                    return
                active = self._stream is not None and self._stream.active
                reason = "stopped" if not active else f"sent no audio for {timeout:g} s"
                raise AudioError(
                    f"The microphone {reason} (was it unplugged?). Reconnect it, or type instead."
                ) from None
            if item is None or self._closed.is_set():
                return
            muted, block = item
            chunk = self._converter.convert(AudioChunk(block, self._stream_rate, WIDTH, 1))
            if not chunk.audio:
                continue
            if muted:
                if self.while_muted is not None:
                    self.while_muted(chunk)
                continue
            yield chunk


class ChunkSource(Protocol):
    """Anything that streams 16 kHz mono chunks: a Microphone, or a file in tests and benchmarks."""

    def chunks(self, timeout: float = DEFAULT_TIMEOUT) -> Iterator[AudioChunk]: ...


def listen(
    mic: ChunkSource,
    recognizer: SpeechToText,
    endpointer: Endpointer,
    on_partial: Callable[[str], None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_seconds: float = 15.0,
    wait_seconds: float | None = None,
    complete: Callable[[str], bool] | None = None,
    early_silence_ms: int = EARLY_SILENCE_MS,
) -> Transcript:
    """Wait for one utterance and return its final transcript (empty text if none before the end).

    Only audio between speech start (with pre-roll) and end reaches the recognizer; the
    utterance is cut after ``max_seconds`` of speech so a noisy room cannot hold the turn. With
    ``wait_seconds``, an empty transcript comes back if no speech starts within that much audio.
    Every distinct partial result seen during speech is kept in the transcript's ``partials``
    (and passed to ``on_partial`` as it appears).

    ``complete`` ends the utterance after only ``early_silence_ms`` of silence when it judges
    the words heard so far a whole request (a sentence the skill knows word for word): the
    endpointer's full wait is for speech that may go on, and this one will not.
    """
    endpointer.reset()
    parts: list[Transcript] = []
    partials: list[str] = []
    last_partial = ""
    speech_seconds = 0.0
    heard_seconds = 0.0
    started = time.monotonic()
    for chunk in mic.chunks(timeout):
        heard_seconds += chunk.seconds
        if wait_seconds is not None and heard_seconds > wait_seconds and not speech_seconds:
            _LOGGER.info("no speech in %.1f s of audio", heard_seconds)
            return Transcript(text="", confidence=0.0, source=recognizer.source)
        for event in endpointer.feed(chunk):
            if event.audio:
                speech_seconds += len(event.audio) / (RATE * WIDTH)
                final = recognizer.accept(AudioChunk(event.audio))
                if final is not None:
                    parts.append(final)
            if event.kind == "speech_ended" or speech_seconds >= max_seconds:
                _LOGGER.debug("end of utterance")
                parts.append(recognizer.finish())
                transcript = _with_partials(join_transcripts(parts, recognizer.source), partials)
                _LOGGER.info(
                    "heard %r (%.2f s of speech, %.2f s listening)",
                    transcript.text,
                    speech_seconds,
                    time.monotonic() - started,
                )
                return transcript
        if endpointer.in_speech:
            partial = " ".join([*(part.text for part in parts if part.text), recognizer.partial()])
            partial = partial.strip()
            if partial != last_partial:
                last_partial = partial
                if partial:
                    partials.append(partial)
                if on_partial is not None:
                    on_partial(partial)
            if (
                complete is not None
                and endpointer.silent_ms >= early_silence_ms
                and partial
                and complete(partial)
            ):
                endpointer.end()
                _LOGGER.debug("end of utterance: %r is complete", partial)
                parts.append(recognizer.finish())
                transcript = _with_partials(join_transcripts(parts, recognizer.source), partials)
                _LOGGER.info("heard %r (ended early)", transcript.text)
                return transcript
    parts.append(recognizer.finish())
    return _with_partials(join_transcripts(parts, recognizer.source), partials)


def _with_partials(transcript: Transcript, partials: list[str]) -> Transcript:
    return replace(transcript, partials=tuple(dict.fromkeys([*transcript.partials, *partials])))
