"""Clocks for routine tests: time that moves only when the routine waits, never with the machine.

``VirtualClock`` makes every wait finish at once (a ten-minute routine plays in milliseconds,
however busy the machine is), while a control already sent is still taken first.
``ManualClock`` stands still until the test moves it, so a test can act in the middle of a hold
without racing the routine.
"""

from __future__ import annotations

import math
import queue
import threading

from skill.vocabulary import Control


class VirtualClock:
    """Waits end at once: time jumps to their deadline unless a control is already waiting."""

    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def wait_for_control(self, controls: queue.Queue[Control], seconds: float) -> Control | None:
        try:
            return controls.get_nowait()
        except queue.Empty:
            pass
        if math.isinf(seconds):
            return controls.get(timeout=10)  # paused: only a control can move on
        self.time += seconds
        return None


class ManualClock:
    """Time stands still until ``advance``; ``waiting`` is set while the routine waits on it."""

    def __init__(self) -> None:
        self.time = 0.0
        self.waiting = threading.Event()
        self._moved = threading.Condition()

    def now(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        with self._moved:
            self.time += seconds
            self._moved.notify_all()

    def wait_for_control(self, controls: queue.Queue[Control], seconds: float) -> Control | None:
        deadline = self.time + seconds
        self.waiting.set()
        try:
            while True:
                try:
                    return controls.get(timeout=0.01)
                except queue.Empty:
                    pass
                with self._moved:
                    if self.time >= deadline:
                        return None
        finally:
            self.waiting.clear()
