"""A conversation from start to end, the same for typed and spoken input.

The session pulls ``Transcript``s from a ``Listener`` (the keyboard, or the microphone with its
recognizer), hands them to the dialogue manager, shows and speaks each ``Response`` through a
``Voice``, and runs a routine when one is asked for, steering it with whatever the listener
hears next. It knows nothing about sound: the front ends plug their ears and mouth in.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from audio.events import Transcript

from .dialogue import DialogueManager, Response
from .player import Control, Phase, PlayerState, RoutinePlayer, RunResult, Voice

_LOGGER = logging.getLogger(__name__)


class Listener(Protocol):
    """Where utterances come from. ``None`` means the input has ended."""

    def listen(self) -> Transcript | None: ...


class View(Protocol):
    """Where the session shows what happens (the terminal, or nothing in tests)."""

    def heard(self, transcript: Transcript) -> None: ...

    def said(self, response: Response) -> None: ...

    def routine_state(self, state: PlayerState) -> None: ...

    def routine_started(self, title: str) -> None: ...

    def routine_ended(self, result: RunResult) -> None: ...

    def ready(self) -> None: ...


@dataclass(frozen=True)
class SessionResult:
    turns: int
    ended_by_user: bool


class Session:
    """Runs turns until goodbye or the end of input."""

    def __init__(
        self,
        dialogue: DialogueManager,
        voice: Voice,
        view: View,
        time_scale: float = 1.0,
        routine_controls: Callable[[RoutinePlayer], Callable[[], None]] | None = None,
    ) -> None:
        """``routine_controls`` starts a keyboard reader for a running routine and returns a
        function that stops it; without it, routine controls come from the listener."""
        self.dialogue = dialogue
        self.voice = voice
        self.view = view
        self.time_scale = time_scale
        self._routine_controls = routine_controls
        self._listener: Listener | None = None

    def run(self, listener: Listener, greet: bool = True) -> SessionResult:
        if greet:
            self._say(Response("", "greeting", 1.0, self.dialogue.greeting(), "conversation"))
        self._listener = listener
        inbox = _Inbox(listener)
        turns = 0
        while True:
            self.view.ready()
            transcript = inbox.get()
            if transcript is None:
                return SessionResult(turns, ended_by_user=False)
            turns += 1
            response = self.turn(transcript)
            if response.routine is not None:
                self.run_routine(response.routine, inbox)
            if response.end_session:
                return SessionResult(turns, ended_by_user=True)

    def turn(self, transcript: Transcript, in_routine: bool = False) -> Response:
        self.view.heard(transcript)
        response = self.dialogue.handle(transcript.text, in_routine=in_routine)
        if response.kind == "routine":
            # The routine player speaks the routine's opening lines itself.
            self.view.said(response)
        else:
            self._say(response)
        return response

    def _say(self, response: Response) -> None:
        self.view.said(response)
        if response.spoken:
            self.voice.say(response.spoken)

    def run_routine(self, name: str, inbox: _Inbox | None = None) -> RunResult:
        routine = self.dialogue.data.routines[name]
        player = RoutinePlayer(
            routine, self.voice, time_scale=self.time_scale, on_state=self.view.routine_state
        )
        self.view.routine_started(routine.title)
        if self._routine_controls is not None:
            stop_steering = self._routine_controls(player)
        elif inbox is not None:
            stop_steering = self._steer_from(inbox, player)
        else:
            stop_steering = _nothing
        # A listener that can narrow its ears to the routine controls does so meanwhile.
        narrow = getattr(self._listener, "set_routine_mode", None)
        if narrow is not None:
            narrow(True)
        try:
            result = player.run()
        finally:
            stop_steering()
            if narrow is not None:
                narrow(False)
        self.view.routine_ended(result)
        return result

    def _steer_from(self, inbox: _Inbox, player: RoutinePlayer) -> Callable[[], None]:
        """Feed what is heard during the routine to the player, from a thread. Anything still
        unread when the routine ends stays in the inbox for the conversation."""
        done = threading.Event()

        def steer() -> None:
            while not done.is_set():
                try:
                    transcript = inbox.get(timeout=0.05)
                except queue.Empty:
                    continue
                if transcript is None:
                    # The input has ended (a finished pipe): let the routine play out.
                    inbox.put_back(None)
                    return
                self.view.heard(transcript)
                response = self.dialogue.handle(transcript.text, in_routine=True)
                if response.control is not None:
                    player.control(Control(response.control))
                elif response.end_session:
                    # "Goodbye" mid-routine ends both; the conversation says it.
                    player.control(Control.STOP)
                    inbox.put_back(transcript)
                    return
                elif response.red_flags:
                    # Safety first: a red flag ends the stretches before the caution is given.
                    player.control(Control.STOP)
                    self._say(response)
                elif response.intent != "empty":
                    # A question mid-routine: pause, answer, and let the user say resume.
                    if player.state().phase is not Phase.PAUSED:
                        player.control(Control.PAUSE)
                    self._say(response)

        thread = threading.Thread(target=steer, name="routine-steering", daemon=True)
        thread.start()

        def stop() -> None:
            done.set()
            thread.join(timeout=1.0)

        return stop


def _nothing() -> None:
    return None


class _Inbox:
    """Reads the listener on its own thread so the conversation and a running routine share one
    ordered stream of utterances, and nothing heard is lost between them."""

    def __init__(self, listener: Listener) -> None:
        self._queue: queue.Queue[Transcript | None] = queue.Queue()
        self._front: list[Transcript | None] = []
        self._thread = threading.Thread(target=self._pump, args=(listener,), daemon=True)
        self._thread.start()

    def _pump(self, listener: Listener) -> None:
        while True:
            try:
                transcript = listener.listen()
            except Exception:
                _LOGGER.exception("input failed")
                transcript = None
            self._queue.put(transcript)
            if transcript is None:
                return

    def get(self, timeout: float | None = None) -> Transcript | None:
        if self._front:
            return self._front.pop()
        return self._queue.get(timeout=timeout)

    def put_back(self, transcript: Transcript | None) -> None:
        self._front.append(transcript)
