"""A conversation from start to end, the same for typed and spoken input.

The session pulls ``Transcript``s from a ``Listener`` (the keyboard, or the microphone with its
recognizer), hands them to the dialogue manager, shows each ``Response`` on the ``View`` and
speaks it through the ``Voice``, and runs a routine when one is asked for, steering it with
whatever the listener hears next. It knows nothing about sound: the face plugs its ears and
mouth in through the ports in ``skill.ports``.

End of input ends the session cleanly whatever a routine is doing: a running routine plays out
(a script may pipe a question and let the stretches run), a paused one, which nobody is left to
resume, stops.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from audio.events import Transcript
from skill.dialogue import DialogueManager
from skill.player import RoutinePlayer
from skill.player_state import Phase, RunResult
from skill.ports import Clock, Listener, View, Voice
from skill.response import Kind, Response
from skill.vocabulary import Control

from .mouth import Captioned

_LOGGER = logging.getLogger(__name__)

# How often the steering thread looks up from the inbox to see whether the routine has ended.
STEERING_POLL_SECONDS = 0.05

RoutineControls = Callable[[RoutinePlayer], Callable[[], None]]


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
        routine_controls: RoutineControls | None = None,
        clock: Clock | None = None,
    ) -> None:
        """``routine_controls`` starts a keyboard reader for a running routine and returns a
        function that stops it; without it, routine controls come from the listener."""
        self.dialogue = dialogue
        self.voice = voice
        self.view = view
        self.time_scale = time_scale
        self._routine_controls = routine_controls
        self._clock = clock

    def run(self, listener: Listener, greet: bool = True) -> SessionResult:
        if greet:
            text = self.dialogue.greeting()
            self.say(Response("", "greeting", 1.0, text, Kind.CONVERSATION))
        inbox = Inbox(listener)
        turns = 0
        while True:
            self.view.ready()
            transcript = inbox.get()
            if transcript is None:
                return SessionResult(turns, ended_by_user=False)
            turns += 1
            response = self.turn(transcript)
            if response.routine is not None:
                self.run_routine(response.routine, inbox, listener)
            if response.end_session:
                return SessionResult(turns, ended_by_user=True)

    def turn(self, transcript: Transcript, in_routine: bool = False) -> Response:
        self.view.heard(transcript)
        response = self.dialogue.handle(transcript.text, in_routine=in_routine, heard=transcript)
        if response.kind is Kind.ROUTINE:
            # The routine player speaks the routine's opening lines itself.
            self.view.said(response)
        else:
            self.say(response)
        return response

    def say(self, response: Response) -> None:
        self.view.said(response)
        if response.speech:
            self.voice.say(response.speech)

    def run_routine(
        self, name: str, inbox: Inbox | None = None, listener: Listener | None = None
    ) -> RunResult:
        routine = self.dialogue.data.routines[name]
        player = RoutinePlayer(
            routine,
            Captioned(self.voice, self.view),
            self.dialogue.data.content.routine,
            time_scale=self.time_scale,
            on_state=self.view.routine_state,
            clock=self._clock,
        )
        self.view.routine_started(routine.title)
        if self._routine_controls is not None:
            stop_steering = self._routine_controls(player)
        elif inbox is not None:
            stop_steering = self._steer_from(inbox, player)
        else:
            stop_steering = _nothing
        if listener is not None:
            listener.set_routine_mode(True)
        try:
            result = player.run()
        finally:
            stop_steering()
            if listener is not None:
                listener.set_routine_mode(False)
        self.view.routine_ended(result)
        return result

    def _steer_from(self, inbox: Inbox, player: RoutinePlayer) -> Callable[[], None]:
        """Feed what is heard during the routine to the player, from a thread. Anything still
        unread when the routine ends stays in the inbox for the conversation."""
        steering = _Steering(self, inbox, player)
        thread = threading.Thread(target=steering.run, name="routine-steering", daemon=True)
        thread.start()

        def stop() -> None:
            steering.done.set()
            thread.join(timeout=1.0)
            if steering.caution is not None:
                # Said once the player has said its last word, so the caution is never
                # spoken over or between the routine's own lines.
                self.say(steering.caution)

        return stop


class _Steering:
    """The routine's steering thread: what is heard becomes controls, answers or a caution."""

    def __init__(self, session: Session, inbox: Inbox, player: RoutinePlayer) -> None:
        self.done = threading.Event()
        # A caution heard mid-routine: the routine stops, and the caution follows it.
        self.caution: Response | None = None
        self._session = session
        self._inbox = inbox
        self._player = player
        # Whether the routine was paused from here and not resumed since: the player may not
        # have reached its paused state yet when the input ends.
        self._paused = False

    def run(self) -> None:
        while not self.done.is_set():
            try:
                transcript = self._inbox.get(timeout=STEERING_POLL_SECONDS)
            except queue.Empty:
                continue
            if transcript is None:
                self._inbox.put_back(None)
                if self._paused or self._player.state().phase is Phase.PAUSED:
                    # Nobody is left to say "resume": end the routine with the input.
                    self._player.control(Control.STOP)
                return
            if not self._steer(transcript):
                return

    def _steer(self, transcript: Transcript) -> bool:
        """Act on one utterance heard during the routine; False once steering should end."""
        session, player = self._session, self._player
        session.view.heard(transcript)
        response = session.dialogue.handle(transcript.text, in_routine=True, heard=transcript)
        if response.control is not None:
            control = Control(response.control)
            if control in (Control.PAUSE, Control.RESUME):
                # The pause key toggles: pause while paused resumes.
                self._paused = control is Control.PAUSE and not self._paused
            player.control(control)
        elif response.end_session:
            # "Goodbye" mid-routine ends both; the conversation says it.
            player.control(Control.STOP)
            self._inbox.put_back(transcript)
            return False
        elif response.red_flags:
            # Safety first: a red flag ends the stretches, then the caution is given (by the
            # session, once the player has stopped: ``_steer_from``).
            self.caution = response
            player.control(Control.STOP)
            return False
        elif response.text:
            # A question mid-routine, or "did you say ...?" about a warning sign possibly heard:
            # pause, then answer or ask. "Yes" to the question stops the routine (above) with
            # the caution; otherwise the user says resume.
            if not self._paused and player.state().phase is not Phase.PAUSED:
                player.control(Control.PAUSE)
                self._paused = True
            session.say(response)
        return True


def _nothing() -> None:
    return None


class Inbox:
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
