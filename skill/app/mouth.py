"""The mouth as the session sees it: a ``Voice`` that speaks through ``audio``, or stays silent.

``make_voice`` builds speech from the speech settings, or a silent voice with ``--mute`` or when
speech cannot start (said once, as a note). A voice that fails mid-session goes silent too, and
the conversation carries on in text. ``Captioned`` shows each line a routine speaks as it says it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from audio.errors import AudioError
from audio.speech import Speech
from skill.ports import View, Voice

from .settings import SpeechSettings

_LOGGER = logging.getLogger(__name__)


class SilentVoice:
    """Says nothing aloud (the view still shows everything)."""

    def __init__(self) -> None:
        self._speaking = threading.Event()  # never set: nothing is ever audible

    def say(self, text: str) -> bool:
        return True

    def stop(self) -> None:
        return None

    @property
    def speaking(self) -> threading.Event:
        return self._speaking

    @property
    def current_text(self) -> str:
        return ""


class SpeakingVoice:
    """Speaks through ``audio.speech.Speech``; goes silent, with one note, if sound fails."""

    def __init__(self, speech: Speech, note: Callable[[str], None]) -> None:
        self._speech: Speech | None = speech
        self._note = note
        self._current = ""
        self._idle = threading.Event()

    def say(self, text: str) -> bool:
        if self._speech is None:
            return True
        self._current = text
        try:
            return self._speech.say(text)
        except AudioError as error:
            self._note(f"Speech is off: {error}")
            self._speech = None
            return True
        finally:
            self._current = ""

    def stop(self) -> None:
        if self._speech is not None:
            self._speech.stop()

    @property
    def speaking(self) -> threading.Event:
        return self._speech.speaking if self._speech is not None else self._idle

    @property
    def current_text(self) -> str:
        return self._current


class Captioned:
    """A voice whose every line is shown before it is said (routines speak through it)."""

    def __init__(self, voice: Voice, view: View) -> None:
        self._voice = voice
        self._view = view

    def say(self, text: str) -> bool:
        self._view.caption(text)
        return self._voice.say(text)

    def stop(self) -> None:
        self._voice.stop()

    @property
    def speaking(self) -> threading.Event:
        return self._voice.speaking

    @property
    def current_text(self) -> str:
        return self._voice.current_text


def make_voice(settings: SpeechSettings, note: Callable[[str], None]) -> Voice:
    """Speech unless muted or unavailable (then silent, said once through ``note``)."""
    if settings.mute:
        return SilentVoice()
    try:
        from audio.playback import Player
        from audio.synthesis import Synthesizer

        synthesizer = Synthesizer(voice=settings.voice, rate=settings.rate, volume=settings.volume)
        synthesizer.voice_id  # noqa: B018 - fail now on an unknown voice, not mid-answer
        return SpeakingVoice(Speech(synthesizer, Player()), note)
    except AudioError as error:
        note(f"Speech is off, answers are printed only: {error}")
        return SilentVoice()
