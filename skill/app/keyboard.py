"""Typed input: questions line by line (a terminal or a pipe), and keys during a routine.

``KeyboardListener`` is a session ``Listener``; ``routine_keys`` steers a routine run on its own
(``neck-coach stretch``) from single key presses on a terminal or words in a pipe. Typed control
words are the control intents' own sentences, so typing "carry on" does what saying it does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import IO, TextIO

from audio.events import Transcript
from skill.intents import IntentSet
from skill.player import RoutinePlayer
from skill.vocabulary import Action, Control

from .keys import KEYMAP, KeyReader, control_phrase


def control_words(intents: IntentSet) -> dict[str, Control]:
    """Every sentence of the control intents, as typed-line keys, mapped to its control; saying
    goodbye to a routine run on its own ("quit") stops it."""
    words: dict[str, Control] = {}
    meanings = [(control.value, control) for control in Control]
    meanings.append((Action.GOODBYE.value, Control.STOP))
    for name, control in meanings:
        intent = intents.intents.get(name)
        if intent is None:
            continue
        for sentence, _ in intents.expand(intent):
            words.setdefault(control_phrase(sentence), control)
    return words


class KeyboardListener:
    """Typed lines, from a terminal or a pipe; None at the end of input."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stdin

    def listen(self) -> Transcript | None:
        line = self._stream.readline()
        if not line:
            return None
        text = line.strip()
        key = KEYMAP.get(text.lower()) if len(text) <= 2 else None
        if key is not None:
            text = key.value  # single keys typed during a routine ("n", "q")
        return Transcript(text, source="keyboard")

    def set_routine_mode(self, running: bool) -> None:
        """Typed lines are read the same way during a routine."""


def routine_keys(
    stream: TextIO, words: Mapping[str, Control]
) -> Callable[[RoutinePlayer], Callable[[], None]]:
    """Keyboard controls for a routine run on its own: keys on a terminal, words in a pipe."""

    def start(player: RoutinePlayer) -> Callable[[], None]:
        reader = KeyReader(stream, player.control, words)
        reader.start()
        return reader.stop

    return start
