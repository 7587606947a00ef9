"""A routine told one step per turn, for a device that only speaks when it is answered.

A Home Assistant or Rhasspy satellite owns its speaker: Neck Coach cannot count a hold aloud or
speak between turns, only answer each utterance. So instead of ``RoutinePlayer``'s timeline,
``RoutineSteps`` tells a whole step at once (its heading, instruction, how long to hold, how many
times, its first cue) and waits for "next". ``StepwiseDialogue`` puts it behind the dialogue
manager: a started routine is narrated this way, and what is said while one runs steers it
("next", "back", "repeat", "slower", "stop"), is answered (a question), or ends it (a red flag,
with the caution first, or goodbye).

Every word said comes from ``content/answers.yaml`` (the routine's own lines and the
``routine`` script), never from this module.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from audio.events import Transcript

from .content import RoutineScript
from .dialogue import DialogueManager
from .player import PACE_FASTER, PACE_MAX, PACE_MIN, PACE_SLOWER
from .response import Kind, Response
from .routines import Routine, RoutineStep
from .vocabulary import Control

_LOGGER = logging.getLogger(__name__)


class RoutineSteps:
    """Where one routine is, told a step at a time; ``finished`` once it ended or stopped."""

    def __init__(self, routine: Routine, script: RoutineScript) -> None:
        self.routine = routine
        self._script = script
        # 0 is the intro, 1..n the steps, n + 1 the end (as in ``RoutinePlayer``).
        self._segment = 0
        self._pace = 1.0
        self.finished = False

    @property
    def step_number(self) -> int:
        """The step last told (1-based); 0 before the first."""
        return min(self._segment, len(self.routine.steps))

    @property
    def pace(self) -> float:
        return self._pace

    def opening(self, started: str) -> str:
        """The routine's first reply: ``started`` (the dialogue's opening and the intro), then
        how to go on."""
        return _join(started, self._script.step_next)

    def control(self, control: Control) -> str:
        """What to say for one control, moving through the routine as it asks."""
        script = self._script
        last = len(self.routine.steps)
        if control is Control.STOP:
            self.finished = True
            return script.stopped
        if control is Control.NEXT:
            self._segment += 1
            if self._segment > last:
                self.finished = True
                return self.routine.outro
            return self._current()
        if control is Control.PREVIOUS:
            if self._segment == 0:
                return _join(script.from_start, self._current())
            if self._segment == 1:
                return _join(script.first_step, self._current())
            self._segment -= 1
            return _join(script.back, self._current())
        if control is Control.REPEAT:
            return self._current()
        if control is Control.PAUSE:
            return script.paused
        if control is Control.RESUME:
            return _join(script.resumed, self._current())
        return self._change_pace(control)

    def _current(self) -> str:
        if self._segment == 0:
            return _join(self.routine.intro, self._script.step_next)
        return self._step_text(self._segment, self.routine.steps[self._segment - 1])

    def _step_text(self, number: int, step: RoutineStep) -> str:
        script = self._script
        seconds = max(1, round(step.hold * self._pace))
        return _join(
            script.step_heading(number, len(self.routine.steps), step.name),
            step.instruction,
            script.hold_line(seconds, sides=step.sides == "both"),
            script.reps_line(step.reps) if step.reps > 1 else "",
            step.cues[0] if step.cues else "",
            script.step_next,
        )

    def _change_pace(self, control: Control) -> str:
        slower = control is Control.SLOWER
        factor = PACE_SLOWER if slower else PACE_FASTER
        pace = round(min(max(self._pace * factor, PACE_MIN), PACE_MAX), 3)
        if pace == self._pace:
            return self._script.slowest if slower else self._script.fastest
        self._pace = pace
        return self._script.slower if slower else self._script.faster


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part.strip())


class StepwiseDialogue:
    """A conversation whose routines are told a step per turn: one per satellite conversation.

    Not safe to use from two threads at once; one conversation takes one turn at a time.
    """

    def __init__(self, dialogue: DialogueManager) -> None:
        self.dialogue = dialogue
        self.steps: RoutineSteps | None = None

    def turn(self, text: str, heard: Transcript | None = None) -> Response:
        """Answer one utterance (``heard``: what the recognizer made of it, when it was spoken
        here); never raises for any text."""
        if self.steps is None:
            return self._start_if_asked(self.dialogue.handle(text, heard=heard))
        response = self.dialogue.handle(text, in_routine=True, heard=heard)
        steps = self.steps
        if response.red_flags:
            # Safety first, whatever else was said: the caution, then the routine ends.
            self.steps = None
            script = self.dialogue.data.content.routine
            return replace(response, text=_join(response.text, script.stopped))
        if response.control is not None:
            said = steps.control(Control(response.control))
            if steps.finished:
                self.steps = None
            return replace(response, text=said, kind=Kind.CONTROL)
        if response.end_session:
            self.steps = None
            return response
        # A question mid-routine is answered; the routine waits for "next".
        return self._start_if_asked(response)

    def _start_if_asked(self, response: Response) -> Response:
        if response.kind is not Kind.ROUTINE or response.routine is None:
            return response
        data = self.dialogue.data
        self.steps = RoutineSteps(data.routines[response.routine], data.content.routine)
        _LOGGER.debug("routine %s told step by step", response.routine)
        return replace(response, text=self.steps.opening(response.text))
