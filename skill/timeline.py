"""Routine time: the clock holds are waited on, and what is said when during a hold.

``RealClock`` waits in wall-clock time on the routine's control queue, so a control ends a wait
at once; tests plug in clocks of their own (``skill.ports.Clock``).
"""

from __future__ import annotations

import math
import queue
import time
from dataclasses import dataclass

from .content import RoutineScript
from .vocabulary import Control


@dataclass(frozen=True)
class Cue:
    """Something said ``at`` nominal seconds into a hold."""

    at: float
    text: str


def hold_cues(hold: int, cue: str | None, script: RoutineScript) -> list[Cue]:
    """What is said during a hold of ``hold`` seconds, after "Hold." and up to "Release."."""
    # The countdown only uses the second half, so short holds count from less than three.
    count = min(len(script.countdown), (hold + 1) // 2 - 1)
    timeline: list[Cue] = []
    if hold >= 4:
        timeline.append(Cue(hold / 2, script.halfway))
        if cue:
            timeline.append(Cue(hold / 2, cue))
    elif cue:
        timeline.append(Cue(0.0, cue))
    timeline += [Cue(hold - n, script.countdown[n - 1]) for n in range(count, 0, -1)]
    timeline.append(Cue(float(hold), script.release))
    return timeline


class RealClock:
    """Wall-clock time: waits really wait."""

    def now(self) -> float:
        return time.monotonic()

    def wait_for_control(self, controls: queue.Queue[Control], seconds: float) -> Control | None:
        try:
            return controls.get(timeout=None if math.isinf(seconds) else max(seconds, 0.0))
        except queue.Empty:
            return None
