"""What the dialogue answers for one turn: a ``Response``, laid out by the view and spoken by the
voice.

The answer's text and the article sections it comes from are kept apart: the view shows them
its own way, and the voice says ``speech``, the text followed by the spoken source line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What sort of turn a response is; the face lays each out its own way."""

    ANSWER = "answer"  # an answer from the article
    CAUTION = "caution"  # "see a doctor" first, then the answer if there is one
    CONFIRM = "confirm"  # a possible warning sign, asked back before anything else
    CLARIFY = "clarify"  # two readings were close: which one was meant
    FALLBACK = "fallback"  # not something the article answers
    CONVERSATION = "conversation"  # greetings, help, thanks, prompts
    ROUTINE = "routine"  # a routine starts
    CONTROL = "control"  # a running routine is steered
    GOODBYE = "goodbye"


@dataclass(frozen=True)
class Response:
    """Everything the face needs about one turn."""

    transcript: str
    intent: str
    confidence: float
    text: str
    kind: Kind
    sources: tuple[str, ...] = ()
    source_line: str = ""  # the sources as said aloud
    slots: Mapping[str, str] = field(default_factory=dict)
    red_flags: tuple[str, ...] = ()  # warning signs heard for certain: a caution came first
    possible_red_flags: tuple[str, ...] = ()  # warning signs possibly heard: asked about
    routine: str | None = None
    control: str | None = None
    end_session: bool = False

    @property
    def speech(self) -> str:
        """What the voice says: the text, then where it comes from."""
        return f"{self.text} {self.source_line}".strip()
