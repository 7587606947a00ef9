"""Playing one routine aloud: the timeline of speech, holds and rests, and the controls steering it.

``RoutinePlayer.run`` blocks its thread for the whole routine; ``control`` may be called from any
other thread (keyboard reader, recognizer) and takes effect at once: holds and rests wait on the
control queue, and speech in progress is cut short through ``Voice.stop``.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
from collections.abc import Callable

from .content import RoutineScript
from .player_state import Phase, PlayerState, RunResult
from .ports import Clock, Voice
from .routines import Routine, RoutineStep
from .timeline import RealClock, hold_cues
from .vocabulary import Control

_LOGGER = logging.getLogger(__name__)

PACE_SLOWER = 1.25
PACE_FASTER = 0.8
PACE_MIN = 0.5
PACE_MAX = 2.0
TICK_SECONDS = 0.1
# A wait shorter than this is over: rounding must never leave a hold waiting forever.
_NOW = 1e-6


class _Jump(Exception):
    """Unwinds the nested step/rep/hold loops to another segment, or out of the routine."""

    def __init__(self, segment: int | None) -> None:
        super().__init__(segment)
        self.segment = segment  # None means stop


class RoutinePlayer:
    """Speaks one routine step by step, timing holds and rests, steered by ``control``."""

    def __init__(
        self,
        routine: Routine,
        voice: Voice,
        script: RoutineScript,
        time_scale: float = 1.0,
        on_state: Callable[[PlayerState], None] | None = None,
        clock: Clock | None = None,
    ) -> None:
        if not (math.isfinite(time_scale) and time_scale > 0):
            raise ValueError("time_scale must be a positive number")
        self.routine = routine
        self._voice = voice
        self._script = script
        self._clock: Clock = clock or RealClock()
        self._time_scale = time_scale
        self._on_state = on_state
        self._controls: queue.Queue[Control] = queue.Queue()
        self._lock = threading.Lock()
        self._speaking = False
        self._pace = 1.0
        # Where we are: segment 0 is the intro, 1..n the steps, n + 1 the outro.
        self._segment = 0
        self._rep = 0
        self._side: str | None = None
        self._phase = Phase.INTRO
        self._resume_phase = Phase.INTRO
        self._paused = False
        # Progress through the current hold or rest, in nominal seconds (before pace and scale).
        self._phase_length = 0.0
        self._progress = 0.0
        self._mark = self._clock.now()
        self._done_in_step = 0.0
        self._step_starts = _cumulative([step.timed_seconds for step in routine.steps])

    # -- the public surface --------------------------------------------------------------------

    def control(self, control: Control) -> None:
        """Steer the routine from any thread; speech in progress is cut short."""
        _LOGGER.debug("control %s", control.value)
        self._controls.put(control)
        with self._lock:
            if self._speaking:
                self._voice.stop()

    def run(self) -> RunResult:
        """Play the routine to its end, or until stopped; blocks the calling thread."""
        started = self._clock.now()
        last = len(self.routine.steps) + 1
        completed_steps: set[int] = set()
        stopped = False
        segment = 0
        while segment <= last:
            try:
                self._play_segment(segment)
                if 1 <= segment < last:
                    completed_steps.add(segment)
                segment += 1
            except _Jump as jump:
                if jump.segment is None:
                    stopped = True
                    self._speak(self._script.stopped)
                    break
                segment = jump.segment
        self._phase = Phase.DONE
        self._emit()
        result = RunResult(
            completed=not stopped,
            stopped=stopped,
            steps_done=len(completed_steps),
            elapsed=self._clock.now() - started,
        )
        _LOGGER.info("routine %s ended: %s", self.routine.name, result)
        return result

    @property
    def pace(self) -> float:
        """How long holds and rests last relative to the routine: 1.25 is a quarter slower."""
        return self._pace

    def state(self) -> PlayerState:
        """The current snapshot; also sent to ``on_state`` on every change from the run thread."""
        steps = self.routine.steps
        index = min(max(self._segment - 1, 0), len(steps) - 1)
        step = steps[index]
        left = max(self._phase_length - self._progress, 0.0) * self._pace
        timed = self._in_timed_phase()
        return PlayerState(
            title=self.routine.title,
            step_index=index,
            step_count=len(steps),
            step_name=step.name,
            rep=self._rep,
            reps=step.reps,
            side=self._side,
            phase=self._phase,
            seconds_left=round(left, 2) if timed else 0.0,
            fraction_done=self._fraction_done(),
            pace=self._pace,
        )

    # -- segments ------------------------------------------------------------------------------

    def _play_segment(self, segment: int) -> None:
        self._segment = segment
        self._rep = 0
        self._side = None
        self._done_in_step = 0.0
        self._phase_length = self._progress = 0.0
        steps = self.routine.steps
        if segment == 0:
            self._set_phase(Phase.INTRO)
            self._say(self.routine.intro)
        elif segment <= len(steps):
            self._play_step(segment, steps[segment - 1])
        else:
            self._set_phase(Phase.OUTRO)
            self._say(self.routine.outro)

    def _play_step(self, number: int, step: RoutineStep) -> None:
        self._set_phase(Phase.INSTRUCTION)
        self._say(self._script.step_heading(number, len(self.routine.steps), step.name))
        self._say(step.instruction)
        held = 0
        for rep in range(1, step.reps + 1):
            for side in step.side_names:
                self._rep, self._side = rep, side
                if side is not None:
                    self._set_phase(Phase.INSTRUCTION)
                    self._say(self._script.side_line(side))
                cue = step.cues[held % len(step.cues)] if step.cues else None
                self._hold(step.hold, cue)
                if step.rest > 0:
                    self._start_timed(Phase.REST, step.rest)
                    self._wait_until(step.rest)
                    self._finish_timed()
                held += 1

    def _hold(self, seconds: int, cue: str | None) -> None:
        # The hold starts with "Hold." so the time spent saying it counts.
        self._start_timed(Phase.HOLD, seconds)
        self._say(self._script.hold)
        for item in hold_cues(seconds, cue, self._script):
            self._wait_until(item.at)
            self._say(item.text)
        self._finish_timed()

    # -- time ----------------------------------------------------------------------------------

    def _start_timed(self, phase: Phase, seconds: float) -> None:
        self._phase_length = float(seconds)
        self._progress = 0.0
        self._mark = self._clock.now()
        self._set_phase(phase)

    def _finish_timed(self) -> None:
        self._done_in_step += self._phase_length
        self._phase_length = self._progress = 0.0

    def _advance(self) -> None:
        """Move the phase clock on by the real time since the last call, unless paused."""
        now = self._clock.now()
        if not self._paused:
            self._progress += (now - self._mark) / (self._time_scale * self._pace)
        self._mark = now

    def _wait_until(self, target: float) -> None:
        """Let the phase clock reach ``target`` nominal seconds, handling controls as they come."""
        tick = TICK_SECONDS * self._time_scale
        while True:
            self._advance()
            remaining = (target - self._progress) * self._time_scale * self._pace
            if remaining <= _NOW:
                return
            control = self._clock.wait_for_control(self._controls, min(remaining, tick))
            if control is None:
                self._emit()
                continue
            self._handle(control)

    # -- speech --------------------------------------------------------------------------------

    def _speak(self, text: str) -> bool:
        with self._lock:
            self._speaking = True
        try:
            return self._voice.say(text)
        finally:
            with self._lock:
                self._speaking = False

    def _say(self, text: str) -> None:
        """Speak, handling controls; if one cut the speech short and we stay here, say it again."""
        self._handle_pending()
        while True:
            finished = self._speak(text)
            cut_by_control = not self._controls.empty()
            self._handle_pending()
            # Not finished with no control waiting: someone else (barge-in) stopped it; move on.
            if finished or not cut_by_control:
                return

    # -- controls ------------------------------------------------------------------------------

    def _handle_pending(self) -> None:
        while True:
            try:
                control = self._controls.get_nowait()
            except queue.Empty:
                return
            self._handle(control)

    def _handle(self, control: Control) -> None:
        """Apply one control; raises ``_Jump`` when it moves to another segment or stops."""
        self._advance()
        if control is Control.PAUSE:
            self._pause()
        elif control is Control.RESUME:
            _LOGGER.debug("resume ignored: not paused")
        elif control in (Control.SLOWER, Control.FASTER):
            self._change_pace(control)
        else:
            raise self._jump_for(control)

    def _jump_for(self, control: Control) -> _Jump:
        last = len(self.routine.steps) + 1
        segment = self._segment
        if control is Control.STOP:
            return _Jump(None)
        if control is Control.NEXT:
            return _Jump(segment + 1)
        if control is Control.PREVIOUS:
            # Going back never replays the intro unless we are in it.
            if segment <= 1:
                script = self._script
                self._speak(script.first_step if segment == 1 else script.from_start)
                return _Jump(segment)
            self._speak(self._script.back)
            return _Jump(segment - 1)
        in_step = 1 <= segment < last
        self._speak(self._script.step_again if in_step else self._script.once_more)
        return _Jump(segment)

    def _change_pace(self, control: Control) -> None:
        factor = PACE_SLOWER if control is Control.SLOWER else PACE_FASTER
        pace = round(min(max(self._pace * factor, PACE_MIN), PACE_MAX), 3)
        slower = control is Control.SLOWER
        if pace == self._pace:
            self._speak(self._script.slowest if slower else self._script.fastest)
            return
        self._pace = pace
        self._emit()
        self._speak(self._script.slower if slower else self._script.faster)

    def _pause(self) -> None:
        """Freeze the phase clock until resumed; other controls still work meanwhile."""
        self._resume_phase = self._phase
        self._paused = True
        self._set_phase(Phase.PAUSED)
        self._speak(self._script.paused)
        try:
            while True:
                control = self._clock.wait_for_control(self._controls, math.inf)
                if control is None:
                    continue
                # Pause again while paused resumes: the keyboard's pause key is a toggle.
                if control in (Control.RESUME, Control.PAUSE):
                    break
                if control in (Control.SLOWER, Control.FASTER):
                    self._change_pace(control)
                    continue
                raise self._jump_for(control)
        finally:
            self._paused = False
            self._mark = self._clock.now()
        self._set_phase(self._resume_phase)
        self._speak(self._script.resumed)
        self._mark = self._clock.now()

    # -- state ---------------------------------------------------------------------------------

    def _set_phase(self, phase: Phase) -> None:
        self._phase = phase
        self._emit()

    def _emit(self) -> None:
        if self._on_state is not None:
            self._on_state(self.state())

    def _fraction_done(self) -> float:
        steps = self.routine.steps
        total = self._step_starts[-1]
        if self._phase is Phase.DONE or self._segment > len(steps):
            return 1.0
        if self._segment == 0 or total == 0:
            return 0.0
        in_phase = min(self._progress, self._phase_length) if self._in_timed_phase() else 0.0
        done = self._step_starts[self._segment - 1] + self._done_in_step
        return min((done + in_phase) / total, 1.0)

    def _in_timed_phase(self) -> bool:
        phase = self._resume_phase if self._phase is Phase.PAUSED else self._phase
        return phase in (Phase.HOLD, Phase.REST)


def _cumulative(values: list[int]) -> list[float]:
    """Running totals starting at 0: ``[3, 4]`` gives ``[0, 3, 7]``."""
    totals = [0.0]
    for value in values:
        totals.append(totals[-1] + value)
    return totals
