"""What Neck Coach tells Wyoming clients: its ``info`` and how a ``Response`` becomes an event.

``describe`` lists the programs a server offers; ``answer_event`` turns a turn's response into
``handled`` (or ``not-handled`` for the fallback) and ``intent_event`` into ``intent`` (or
``not-recognized``), carrying the client's context back as Home Assistant expects.
"""

from __future__ import annotations

from dataclasses import dataclass

from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    HandleModel,
    HandleProgram,
    Info,
    IntentModel,
    IntentProgram,
)
from wyoming.intent import Entity, Intent, NotRecognized

from skill.response import Kind, Response

PROGRAM = "neck-coach"
LANGUAGES = ["en"]


@dataclass(frozen=True)
class Programs:
    """What ``describe`` lists: the version, and the speech model if recognition is on."""

    version: str
    model: str | None


def describe(programs: Programs) -> Info:
    """The ``info`` answer: a handle and an intent program, and an asr one with a model."""
    ours = Attribution(name="Neck Coach", url="")
    about = (
        "Answers about neck pain and neck spasms from one article with Dr. Kaliq Chang "
        "(Atlantic Spine Center), and stretch routines told a step at a time. "
        "General information, not medical advice."
    )
    handle = HandleProgram(
        name=PROGRAM,
        description=about,
        attribution=ours,
        installed=True,
        version=programs.version,
        models=[
            HandleModel(
                name=PROGRAM,
                description=about,
                attribution=ours,
                installed=True,
                version=programs.version,
                languages=LANGUAGES,
            )
        ],
    )
    intent = IntentProgram(
        name=PROGRAM,
        description="Neck Coach's intents, with the answer as text",
        attribution=ours,
        installed=True,
        version=programs.version,
        models=[
            IntentModel(
                name=PROGRAM,
                description="Neck Coach's intents",
                attribution=ours,
                installed=True,
                version=programs.version,
                languages=LANGUAGES,
            )
        ],
    )
    info = Info(handle=[handle], intent=[intent])
    if programs.model is not None:
        vosk = Attribution(name="Alpha Cephei (Vosk)", url="https://alphacephei.com/vosk/models")
        info.asr = [
            AsrProgram(
                name=PROGRAM,
                description="Vosk, listening for questions about neck pain and neck spasms",
                attribution=ours,
                installed=True,
                version=programs.version,
                models=[
                    AsrModel(
                        name=programs.model,
                        description="Vosk small US English model",
                        attribution=vosk,
                        installed=True,
                        version=None,
                        languages=LANGUAGES,
                    )
                ],
            )
        ]
    return info


def answer_event(response: Response, context: dict[str, object] | None) -> Event:
    """``handled`` with what Neck Coach says, or ``not-handled`` when the article has no answer."""
    if response.kind is Kind.FALLBACK:
        return NotHandled(text=response.speech, context=context).event()
    return Handled(text=response.speech, context=context).event()


def intent_event(response: Response, context: dict[str, object] | None) -> Event:
    """``intent`` (name, slots as entities, the answer as text), or ``not-recognized``."""
    if response.kind is Kind.FALLBACK:
        return NotRecognized(text=response.speech, context=context).event()
    entities = [Entity(name=name, value=value) for name, value in response.slots.items()]
    return Intent(
        name=response.intent, entities=entities, text=response.speech, context=context
    ).event()
