"""What every Wyoming connection shares: the loaded skill, the ears, the worker threads, and the
conversations.

The skill data, the matcher and the Vosk model are loaded once. Recognition and matching are
CPU-bound, so they run on a small pool of worker threads (``run_blocking``), never on the event
loop: a slow client or a long utterance never holds up another connection, and the pool's size
bounds how much CPU the server takes at once. Recognizers cost ~0.1 s to build, so finished ones
are kept for the next stream (``RecognizerPool``).

Each conversation has its own dialogue, so "tell me more" follows on from that conversation's
last answer and nothing leaks between them. A conversation is a connection, or, when the client
names one in the event's context (Home Assistant sends a ``conversation_id``, and opens a new
connection for every turn), that conversation across connections. Named conversations are
forgotten after a while unused, and there are at most ``MAX_CONVERSATIONS`` of them.

A satellite sends its speech here for text and then sends that text back as the conversation's
turn, usually on another connection: the text alone has lost the recognizer's other readings,
which the red-flag check judges too. So what was heard is remembered for a short while
(``RecentlyHeard``), and a turn whose text is one this server just transcribed is judged with
all of its hypotheses.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from skill.data import SkillData
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.response import Response
from skill.routine_steps import StepwiseDialogue

from .wyoming_guard import Limits

if TYPE_CHECKING:
    from audio.events import Transcript
    from audio.strategies import SpeechToText

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

MAX_WORKERS = 4
MAX_CONVERSATIONS = 1000
CONVERSATION_IDLE_SECONDS = 15 * 60.0
MAX_CONVERSATION_ID = 200  # characters
# Transcripts kept for the turn that follows them: how many, and for how long.
RECENTLY_HEARD = 64
RECENTLY_HEARD_SECONDS = 120.0


def default_workers() -> int:
    """One worker per CPU, at most ``MAX_WORKERS``."""
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


class RecognizerPool:
    """Ready recognizers, taken for one stream and given back after a clean finish."""

    def __init__(self, make: Callable[[], SpeechToText], keep: int) -> None:
        self._make = make
        self._keep = keep
        self._ready: list[SpeechToText] = []
        self._lock = threading.Lock()

    def take(self) -> SpeechToText:
        """A ready recognizer (built if none is; call from a worker thread)."""
        with self._lock:
            if self._ready:
                return self._ready.pop()
        return self._make()

    def give(self, stt: SpeechToText) -> None:
        with self._lock:
            if len(self._ready) < self._keep:
                self._ready.append(stt)


@dataclass
class Conversation:
    """One conversation's dialogue; its lock keeps turns one at a time."""

    dialogue: StepwiseDialogue
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    used: float = 0.0


class Conversations:
    """The conversations in progress, by key; used from the event loop only."""

    def __init__(
        self,
        make: Callable[[], StepwiseDialogue],
        idle_seconds: float = CONVERSATION_IDLE_SECONDS,
        most: int = MAX_CONVERSATIONS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._make = make
        self._idle = idle_seconds
        self._most = most
        self._clock = clock
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._connections = itertools.count(1)

    def connection_key(self) -> str:
        """A key of its own for a new connection."""
        return f"connection:{next(self._connections)}"

    @staticmethod
    def key_for(connection: str, context: object) -> str:
        """The conversation a turn belongs to: the one the client names, else its connection."""
        if isinstance(context, Mapping):
            named = context.get("conversation_id")
            if isinstance(named, str) and 0 < len(named) <= MAX_CONVERSATION_ID:
                return f"conversation:{named}"
        return connection

    def get(self, key: str) -> Conversation:
        now = self._clock()
        self._forget_idle(now)
        conversation = self._items.get(key)
        if conversation is None:
            conversation = Conversation(self._make())
            self._items[key] = conversation
            while len(self._items) > self._most:
                oldest, _ = self._items.popitem(last=False)
                _LOGGER.info("too many conversations: forgot %s", oldest)
        self._items.move_to_end(key)
        conversation.used = now
        return conversation

    def drop(self, key: str) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)

    def _forget_idle(self, now: float) -> None:
        while self._items:
            key, oldest = next(iter(self._items.items()))
            if now - oldest.used < self._idle or oldest.lock.locked():
                return
            del self._items[key]


class RecentlyHeard:
    """The last transcripts this server produced, by their text, for a short while; used from
    the event loop only."""

    def __init__(
        self,
        most: int = RECENTLY_HEARD,
        seconds: float = RECENTLY_HEARD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._most = most
        self._seconds = seconds
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Transcript]] = OrderedDict()

    def remember(self, heard: Transcript) -> None:
        key = _text_key(heard.text)
        if not key:
            return
        self._items.pop(key, None)
        self._items[key] = (self._clock(), heard)
        while len(self._items) > self._most:
            self._items.popitem(last=False)

    def recall(self, text: str) -> Transcript | None:
        """What was heard when this server transcribed ``text`` lately, else None."""
        found = self._items.get(_text_key(text))
        if found is None:
            return None
        when, heard = found
        return heard if self._clock() - when <= self._seconds else None


def _text_key(text: str) -> str:
    # A client may change case or spacing on the way back; nothing else counts as the same.
    return " ".join(text.lower().split())


class Service:
    """The loaded skill and ears, shared by every connection of one server."""

    def __init__(
        self,
        data: SkillData,
        matcher: Matcher,
        make_stt: Callable[[], SpeechToText] | None,
        workers: int | None = None,
        limits: Limits | None = None,
    ) -> None:
        """``make_stt`` builds a recognizer; None serves the conversation only (no model)."""
        self.data = data
        self.matcher = matcher
        self.limits = limits or Limits()
        self.workers = workers or default_workers()
        self.recognizers = None if make_stt is None else RecognizerPool(make_stt, self.workers * 2)
        self.conversations = Conversations(self._new_dialogue)
        self.recently_heard = RecentlyHeard()
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="neck-coach-work")

    def _new_dialogue(self) -> StepwiseDialogue:
        return StepwiseDialogue(DialogueManager(self.data, self.matcher))

    async def run_blocking(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` on a worker thread, waited for without blocking the loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(function, *args))

    async def turn(self, key: str, text: str) -> Response:
        """One utterance answered in the conversation ``key``; goodbye ends the conversation."""
        conversation = self.conversations.get(key)
        heard = self.recently_heard.recall(text)
        async with conversation.lock:
            response = await self.run_blocking(conversation.dialogue.turn, text, heard)
        if response.end_session:
            self.conversations.drop(key)
        return response

    def close(self) -> None:
        """Stop taking work; work already running finishes on its own."""
        self._executor.shutdown(wait=False, cancel_futures=True)
