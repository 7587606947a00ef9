"""``neck-coach serve``: load the skill and the ears once, then serve Wyoming until stopped.

The speech model is optional here: without one, the conversation agent and intent recognizer
still serve (a Home Assistant pipeline may use another speech-to-text) and the note says why
speech-to-text is off. Ctrl-C exits 130 and SIGTERM 143, after closing every connection, as the
other commands do; the first line says where it listens, and a warning when that is reachable
from other machines.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from audio.errors import ModelError
from skill.data import SkillData, load_skill_data
from skill.matcher import Matcher
from skill.matcher_cache import load_matcher

from .hints import with_hint
from .settings import Address, ListeningSettings, Settings
from .terminal import TerminalView

if TYPE_CHECKING:
    from audio.strategies import SpeechToText

    from .wyoming_service import Service

_LOGGER = logging.getLogger(__name__)

EXIT_ERROR, EXIT_INTERRUPTED, EXIT_TERMINATED = 1, 130, 143
EXIT_FOR_SIGNAL = {signal.SIGINT: EXIT_INTERRUPTED, signal.SIGTERM: EXIT_TERMINATED}
OPEN_WARNING = (
    "{uri} can be reached from other machines, and Wyoming has no authentication: anyone who "
    "can reach it can use Neck Coach. Use tcp://127.0.0.1:PORT unless that is what you want."
)


def cmd_serve(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    from .commands import version
    from .wyoming_events import Programs
    from .wyoming_server import Server

    address: Address = args.uri
    service, model = load_service(settings, args.workers, view.note)
    server = Server(service, address, Programs(version=version(), model=model))

    def ready(bound: Address) -> None:
        programs = "conversation, intents" + (", speech-to-text" if model else "")
        view.note(f"Serving Wyoming ({programs}) on {bound.uri}. Ctrl-C stops it.")
        if not bound.loopback:
            view.note(OPEN_WARNING.format(uri=bound.uri))

    from .wyoming_server import serve_until_signal

    handlers = {signum: signal.getsignal(signum) for signum in EXIT_FOR_SIGNAL}
    try:
        signum = asyncio.run(serve_until_signal(server, ready))
    except OSError as error:
        view.error(f"Cannot listen on {address.uri}: {error.strerror or error}")
        return EXIT_ERROR
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    view.note("Stopped serving.")
    return EXIT_FOR_SIGNAL.get(signal.Signals(signum), EXIT_INTERRUPTED)


def load_service(
    settings: Settings, workers: int | None, note: Callable[[str], None]
) -> tuple[Service, str | None]:
    """The shared service, and the speech model's name (None when recognition is off)."""
    from .wyoming_service import Service

    data = load_skill_data(settings.data_dir)
    matcher = load_matcher(data)
    make_stt, model = speech_to_text(settings.listening, data, matcher, note)
    return Service(data, matcher, make_stt, workers=workers), model


def speech_to_text(
    listening: ListeningSettings,
    data: SkillData,
    matcher: Matcher,
    note: Callable[[str], None],
) -> tuple[Callable[[], SpeechToText] | None, str | None]:
    """How to build a recognizer and the model's name, or (None, None) without a model."""
    from .recognition import load_recognition

    try:
        recognition = load_recognition(listening, data, matcher, note)
    except ModelError as error:
        note(f"Speech-to-text is off: {with_hint(error)}")
        return None, None
    return partial(recognition.recognizer, "wyoming"), recognition.model_path.name
