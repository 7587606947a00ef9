"""How a running routine looks on screen: a pure function from ``PlayerState`` to a renderable.

The CLI owns the ``rich.live.Live`` context and calls ``render_state`` with each new state.
"""

from __future__ import annotations

import io
import math

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from skill.player_state import Phase, PlayerState

from .keys import LEGEND

BAR_WIDTH = 40

_PHASE_WORDS = {
    Phase.INTRO: "Getting ready",
    Phase.INSTRUCTION: "Listen",
    Phase.HOLD: "Hold",
    Phase.REST: "Rest",
    Phase.PAUSED: "Paused",
    Phase.OUTRO: "Finishing",
    Phase.DONE: "Done",
}


def render_state(state: PlayerState) -> RenderableType:
    """The whole view of one moment: where we are, the countdown, progress, pace and keys."""
    body = Group(
        Text(step_line(state)),
        Text(countdown_line(state), style="bold cyan" if state.phase is Phase.HOLD else "bold"),
        _progress(state),
        Text(pace_line(state.pace), style="dim"),
        Text(LEGEND, style="dim"),
    )
    return Panel(body, title=Text(state.title, style="bold"), expand=False)


def render_text(state: PlayerState, width: int = 80) -> str:
    """The view as plain text, for logs, tests and terminals without live redraw."""
    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(render_state(state))
    return console.export_text()


def step_line(state: PlayerState) -> str:
    """E.g. "Step 2/5 · Chin tuck · rep 1/3 · left"."""
    if state.phase is Phase.INTRO:
        return f"Getting ready · {state.step_count} steps"
    if state.phase in (Phase.OUTRO, Phase.DONE):
        return "All steps done"
    parts = [f"Step {state.step_index + 1}/{state.step_count}", state.step_name]
    if state.rep:
        parts.append(f"rep {state.rep}/{state.reps}")
    if state.side:
        parts.append(state.side)
    return " · ".join(parts)


def countdown_line(state: PlayerState) -> str:
    """The phase and, in holds and rests (and while paused in one), the whole seconds left."""
    word = _PHASE_WORDS[state.phase]
    if state.seconds_left > 0:
        return f"{word} · {math.ceil(state.seconds_left)} s"
    return word


def pace_line(pace: float) -> str:
    if math.isclose(pace, 1.0):
        return "Pace: normal"
    feel = "slower" if pace > 1.0 else "faster"
    return f"Pace: {feel} (holds ×{pace:.2f})"


def _progress(state: PlayerState) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_row(
        ProgressBar(total=1.0, completed=state.fraction_done, width=BAR_WIDTH),
        Text(f"{round(state.fraction_done * 100)}%"),
    )
    return grid
