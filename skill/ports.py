"""The ports: what the conversation and the routine player talk to, declared in one place.

The face (terminal, keyboard, microphone, speaker, a Wyoming connection) implements them; the
brain and the session loop only ever see these shapes, complete enough that nothing needs to
ask an object what it can do.
"""

from __future__ import annotations

import queue
import threading
from typing import Protocol

from audio.events import Transcript

from .player_state import PlayerState, RunResult
from .response import Response
from .vocabulary import Control


class Voice(Protocol):
    """The mouth: something that speaks, or stays silent when muted."""

    def say(self, text: str) -> bool:
        """Speak ``text`` to the end; False when ``stop`` cut it short."""
        ...

    def stop(self) -> None:
        """Cut short the speech in progress, if any."""
        ...

    @property
    def speaking(self) -> threading.Event:
        """Set while speech is audible: what the microphone hears meanwhile is not a question."""
        ...

    @property
    def current_text(self) -> str:
        """What is being said right now ("" when quiet): the assistant's own words do not count
        as a person's barge-in."""
        ...


class Listener(Protocol):
    """Where utterances come from: the keyboard, a microphone, a satellite."""

    def listen(self) -> Transcript | None:
        """The next utterance; None when the input has ended."""
        ...

    def set_routine_mode(self, running: bool) -> None:
        """A routine starts (True) or ends (False): ears may narrow to the routine controls."""
        ...


class View(Protocol):
    """Where the conversation is shown."""

    def ready(self) -> None:
        """The assistant waits for the next utterance."""
        ...

    def heard(self, transcript: Transcript) -> None: ...

    def said(self, response: Response) -> None: ...

    def caption(self, text: str) -> None:
        """A line a routine speaks, shown as it is said."""
        ...

    def routine_started(self, title: str) -> None: ...

    def routine_state(self, state: PlayerState) -> None: ...

    def routine_ended(self, result: RunResult) -> None: ...


class Clock(Protocol):
    """Routine time: real time, or time a test moves on by hand."""

    def now(self) -> float:
        """Seconds since an arbitrary start."""
        ...

    def wait_for_control(self, controls: queue.Queue[Control], seconds: float) -> Control | None:
        """The next control if one comes within ``seconds``, else None once they have passed."""
        ...
