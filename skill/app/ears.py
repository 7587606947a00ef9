"""The ears as the session sees them: files and the microphone, heard with the chosen recognition
(``skill.app.recognition``).

``transcribe_files`` runs it over audio files; ``MicrophoneListener`` is the session's
``Listener`` in voice mode: it shows a listening state and live partials, listens for
barge-in words while the assistant speaks, narrows to the routine controls during a routine, and
falls back to the keyboard if the microphone goes away.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from audio.bargein import BARGE_IN_WORDS, BargeIn, BargeInHeard
from audio.errors import AudioError
from audio.events import AudioChunk, Transcript
from skill.dialogue import IN_ROUTINE_INTENTS
from skill.matcher import Matcher
from skill.ports import Voice

from .keyboard import KeyboardListener
from .recognition import Recognition

if TYPE_CHECKING:
    from audio.endpoint import Endpointer
    from audio.microphone import Microphone
    from audio.strategies import SpeechToText

_LOGGER = logging.getLogger(__name__)


class ListeningDisplay(Protocol):
    """What voice mode shows while it listens."""

    prompt_for_typing: bool

    def state(self, text: str) -> None: ...

    def partial(self, text: str) -> None: ...

    def error(self, text: str) -> None: ...


# How long ``close`` waits for a listen in progress to finish what it was recognizing.
CLOSE_WAIT_SECONDS = 5.0

# Files at least this long show how far recognition has got.
PROGRESS_FROM_SECONDS = 60.0

FileProgress = Callable[[Path, float, float], None]


def transcribe_files(
    recognition: Recognition,
    paths: Sequence[Path],
    progress: FileProgress | None = None,
) -> Iterator[Transcript | AudioError]:
    """Each file's transcript in order (the model is loaded once); a bad file yields its error
    so the other files still get their answer. ``progress(path, seconds_done, seconds_total)``
    hears about long files as they are decoded."""
    from audio.convert import chunks as split
    from audio.wavfile import DEFAULT_SAMPLES_PER_CHUNK, load_wav

    for path in paths:
        # A recognizer per file: each file is its own speaker, and one recognizer fed file
        # after file keeps growing.
        stt = recognition.recognizer(source="file")
        try:
            whole = load_wav(path)
            total = whole.seconds
            chunks = split(whole.audio, samples_per_chunk=DEFAULT_SAMPLES_PER_CHUNK)
            if progress is not None and total >= PROGRESS_FROM_SECONDS:
                chunks = _reporting(chunks, path, total, progress)
            transcript = stt.transcribe(chunks)
        except AudioError as error:
            yield error
            continue
        yield replace(transcript, source=str(path))


def _reporting(
    chunks: Iterator[AudioChunk], path: Path, total: float, progress: FileProgress
) -> Iterator[AudioChunk]:
    done = 0.0
    for chunk in chunks:
        done += chunk.seconds
        progress(path, done, total)
        yield chunk


@dataclass(frozen=True)
class _Mode:
    """How the microphone listens in one state of the conversation."""

    recognizer: SpeechToText
    barge_in: BargeIn


class MicrophoneListener:
    """Utterances from the microphone, recognized by Vosk, with a visible listening state.

    It has two modes: the conversation, with the full recognition strategy, and a running
    routine, with a small grammar of the routine controls so they are heard quickly and
    reliably; in both, barge-in words cut the speech short. ``close`` ends a listen in progress
    on another thread and closes the stream.
    """

    def __init__(
        self,
        mic: Microphone,
        endpointer: Endpointer,
        display: ListeningDisplay,
        voice: Voice,
        modes: dict[str, _Mode],
        matcher: Matcher,
    ) -> None:
        self._mic: Microphone | None = mic
        self._matcher = matcher
        self._voice = voice
        self._endpointer = endpointer
        self._display = display
        self._modes = modes
        self._mode = "conversation"
        self._fallback: KeyboardListener | None = None
        self._lock = threading.Lock()
        self._closed = False
        # Clear while a listen is recognizing from the microphone (native work in Vosk and
        # PortAudio that must be over before the interpreter shuts down).
        self._idle = threading.Event()
        self._idle.set()
        # Half-duplex: while the mouth speaks, what the microphone hears only goes to the
        # barge-in listener, never into an utterance.
        mic.muted = voice.speaking
        self.set_routine_mode(False)

    @classmethod
    def open(
        cls,
        device: int | str | None,
        recognition: Recognition,
        display: ListeningDisplay,
        voice: Voice,
    ) -> MicrophoneListener:
        from audio.endpoint import Endpointer
        from audio.microphone import Microphone, find_device
        from audio.recognizer import Recognizer
        from audio.strategies import Hybrid

        mic = Microphone(device=find_device(device))
        model = recognition.model
        controls = recognition.matcher.spoken_for(IN_ROUTINE_INTENTS)

        def own_words() -> str:
            return voice.current_text

        conversation = recognition.recognizer(source="microphone")
        modes = {
            "conversation": _Mode(conversation, BargeIn(model, own_words)),
            # Both readings are judged by meaning: a control the grammar is sure of wins, but
            # anything else (a question, goodbye) is still heard in full, so nothing said during
            # a routine is lost. Without the judge, a grammar reading made of control words
            # ("go mind" for "goodbye") won on its acoustic confidence alone.
            "routine": _Mode(
                Hybrid(
                    Recognizer(model, grammar=controls, source="microphone"),
                    conversation,
                    judge=recognition.matcher.judge,
                ),
                BargeIn(model, own_words, words=(*BARGE_IN_WORDS, *controls)),
            ),
        }
        mic.start()
        return cls(mic, Endpointer(), display, voice, modes, recognition.matcher)

    def set_routine_mode(self, running: bool) -> None:
        """Listen for routine controls only (True) or for the whole conversation (False)."""
        self._mode = "routine" if running else "conversation"
        if self._mic is not None:
            self._mic.while_muted = self._modes[self._mode].barge_in

    def _complete(self, words: str) -> bool:
        """Whether ``words`` are already a whole request (in a routine, a control): then the
        turn ends without the endpointer's full silence."""
        allowed = {str(c) for c in IN_ROUTINE_INTENTS} if self._mode == "routine" else None
        return self._matcher.is_whole_request(words, allowed=allowed)

    def with_keyboard_fallback(self, keyboard: KeyboardListener) -> MicrophoneListener:
        self._fallback = keyboard
        self._display.prompt_for_typing = False
        return self

    def listen(self) -> Transcript | None:
        from audio.microphone import listen

        with self._lock:
            if self._closed:
                return None
            mic = self._mic
            if mic is not None:
                self._idle.clear()
        if mic is None:
            return self._fallback.listen() if self._fallback is not None else None
        transcript: Transcript | None = None
        lost: AudioError | None = None
        try:
            if self._mode == "conversation":
                self._display.state("Listening…")
            transcript = listen(
                mic,
                self._modes[self._mode].recognizer,
                self._endpointer,
                on_partial=self._display.partial,
                complete=self._complete,
            )
        except BargeInHeard as heard:
            self._voice.stop()
            transcript = Transcript(heard.word, source="microphone")
        except AudioError as error:
            lost = error
        finally:
            self._idle.set()
        if lost is not None:
            return self._carry_on_typing(mic, lost)
        # Closing cuts the utterance off: what was heard of it is nobody's question now.
        return None if self._closed else transcript

    def _carry_on_typing(self, mic: Microphone, error: AudioError) -> Transcript | None:
        """The microphone went away: say so once and read the keyboard from now on."""
        mic.close()
        with self._lock:
            self._mic = None
            if self._closed:
                return None
        self._display.error(f"{error} Carrying on with the keyboard.")
        self._display.prompt_for_typing = True
        return self._fallback.listen() if self._fallback is not None else None

    def close(self) -> None:
        """Stop listening for good: a listen in progress on another thread returns None once
        it has finished recognizing (not when the keyboard fallback waits for a line, which
        holds nothing), and the stream is closed. Safe to call more than once."""
        with self._lock:
            self._closed = True
            mic = self._mic
        if mic is not None:
            mic.close()
        if not self._idle.wait(CLOSE_WAIT_SECONDS):
            _LOGGER.warning("recognition still running %.0f s after close", CLOSE_WAIT_SECONDS)
