"""What a running routine looks like from outside: its phase, a snapshot for displays, and how it
ended."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Phase(Enum):
    """What the player is doing; PAUSED stands in for whichever phase was paused."""

    INTRO = "intro"
    INSTRUCTION = "instruction"
    HOLD = "hold"
    REST = "rest"
    PAUSED = "paused"
    OUTRO = "outro"
    DONE = "done"


@dataclass(frozen=True)
class PlayerState:
    """A snapshot for displays.

    ``step_index`` is 0-based (0 during the intro too); ``seconds_left`` is what remains of the
    current hold or rest in real seconds at the current pace (0 while speaking).
    """

    title: str
    step_index: int
    step_count: int
    step_name: str
    rep: int
    reps: int
    side: str | None
    phase: Phase
    seconds_left: float
    fraction_done: float
    pace: float


@dataclass(frozen=True)
class RunResult:
    """How a run ended. ``completed`` means it reached the end without being stopped."""

    completed: bool
    stopped: bool
    steps_done: int
    elapsed: float
