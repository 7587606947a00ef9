"""The skill's action vocabulary, defined once: what an intent can do besides answering.

``Control`` is what steers a running routine (from the voice, the keyboard or a satellite);
``Action`` is everything else the dialogue can do. An intent in ``intents/*.yaml`` names one of
them as its ``action``; the dialogue implements each; the routine player obeys each ``Control``.
Every other list of these words (keyboard keys, barge-in words, the recognizer's control
grammar) is derived from this module and the intent templates, never spelled out again.
"""

from __future__ import annotations

from enum import StrEnum


class Control(StrEnum):
    """What a running routine can be asked to do."""

    PAUSE = "pause"
    RESUME = "resume"
    NEXT = "next"
    PREVIOUS = "previous"
    REPEAT = "repeat"
    SLOWER = "slower"
    FASTER = "faster"
    STOP = "stop"


class Action(StrEnum):
    """What the conversation can do besides answering from the article."""

    HELP = "help"
    MORE = "more"
    HOW_LONG = "how_long"
    START_OVER = "start_over"
    GOODBYE = "goodbye"
    GREET = "greet"
    YES = "yes"
    NO = "no"
    THANKS = "thanks"
    LIST_ROUTINES = "list_routines"
    START_ROUTINE = "start_routine"


ACTIONS: frozenset[str] = frozenset(Action) | frozenset(Control)
# The controls that only mean something while a routine runs ("stop" and "repeat" also mean
# "stop talking" and "say that again" outside one).
ROUTINE_ONLY: frozenset[Control] = frozenset(Control) - {Control.STOP, Control.REPEAT}
# The conversation's own commands: each acts on the conversation (confirms, refuses, ends it,
# starts it over, greets, says the last answer again or goes on with it) in a few set words.
COMMANDS: frozenset[str] = frozenset(
    {
        Action.YES,
        Action.NO,
        Action.GOODBYE,
        Action.START_OVER,
        Action.GREET,
        Action.MORE,
        Control.REPEAT,
    }
)
