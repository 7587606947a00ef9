"""Neck Coach as a Wyoming service: speech-to-text, a conversation agent and an intent recognizer
for Home Assistant and Rhasspy 3 (``neck-coach serve``).

Built on the ``wyoming`` package's server and event classes; nothing below ``skill.app`` knows
the protocol. ``describe`` gets an ``info`` listing three programs:

* ``asr``: ``transcribe``, ``audio-start``, ``audio-chunk``... ``audio-stop`` in any PCM format,
  recognized with the chosen strategy as the audio arrives, answered with a ``transcript``;
* ``handle``: a ``transcript`` in, ``handled`` out with what Neck Coach would say (a red flag's
  caution first), or ``not-handled`` with the fallback when the article has no answer;
* ``intent``: a ``recognize`` in, ``intent`` out (its name, slots as entities, the answer as
  text), or ``not-recognized``.

Each connection is one conversation (or the one its events' context names, see
``skill.app.wyoming_service``); a routine started from a satellite is told a step per turn.
Other event types are ignored; a malformed event gets an ``error`` event back; a connection
that breaks the framing or a limit is closed (``skill.app.wyoming_guard``). Nothing a client
sends can put a traceback on the console: failures are logged on one line.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event, Eventable
from wyoming.info import (
    Describe,
    Info,
    SelectProgram,
)
from wyoming.intent import Recognize
from wyoming.ping import Ping, Pong
from wyoming.server import AsyncEventHandler, AsyncTcpServer

from audio import events as audio_events
from audio.errors import AudioError
from audio.transcriber import StreamTranscriber, check_format
from skill.response import Response

from .settings import Address
from .wyoming_events import LANGUAGES, Programs, answer_event, describe, intent_event
from .wyoming_guard import GuardedReader
from .wyoming_service import Service

if TYPE_CHECKING:
    from audio.strategies import SpeechToText

_LOGGER = logging.getLogger(__name__)

Route = tuple[type[Eventable], Callable[[Event], Awaitable[None]]]

# How long a stopping server lets its connections finish the event in hand.
STOP_SECONDS = 2.0


class BadEvent(ValueError):
    """An event of a known type whose fields are not what the protocol says."""


class ConnectionHandler(AsyncEventHandler):
    """One client connection: its events in order, its conversation and its audio stream."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        service: Service,
        info: Info,
    ) -> None:
        self.peer = _peer(writer)
        guard = GuardedReader(reader, service.limits, self.peer)
        # wyoming's framing reads through the guard (readline, readexactly, feed_eof).
        super().__init__(cast(asyncio.StreamReader, guard), writer)
        self._service = service
        self._info = info
        self._connection = service.conversations.connection_key()
        self._stream: StreamTranscriber | None = None
        self._bad_events = 0
        self._routes: list[Route] = [
            (Describe, self._describe),
            (Ping, self._ping),
            (Transcribe, self._transcribe),
            (AudioStart, self._audio_start),
            (AudioChunk, self._audio_chunk),
            (AudioStop, self._audio_stop),
            (Transcript, self._handle),
            (Recognize, self._recognize),
            (SelectProgram, self._select_program),
        ]

    async def run(self) -> None:
        _LOGGER.debug("%s connected", self.peer)
        try:
            await super().run()
        except (OSError, EOFError) as error:
            _LOGGER.info("%s: connection lost (%s)", self.peer, _one_line(error))
        except Exception as error:
            _LOGGER.warning("%s: connection closed: %s", self.peer, _one_line(error))
            _LOGGER.debug("%s: details", self.peer, exc_info=True)
        finally:
            self._service.conversations.drop(self._connection)
            # A recognizer left mid-stream is dropped, not reused.
            self._stream = None
            _LOGGER.debug("%s disconnected", self.peer)

    async def handle_event(self, event: Event) -> bool:
        route = next((r for r in self._routes if r[0].is_type(event.type)), None)
        if route is None:
            _LOGGER.info("%s: ignored an unknown event %r", self.peer, event.type[:60])
            return True
        try:
            await route[1](event)
        except (OSError, EOFError):
            raise  # the connection is gone: run() says so
        except Exception as error:
            what = _what_was_wrong(error)
            _LOGGER.warning("%s: bad %s event: %s", self.peer, event.type, what)
            _LOGGER.debug("%s: details", self.peer, exc_info=True)
            code = "bad-audio" if isinstance(error, AudioError) else "bad-event"
            await self.write_event(Error(text=f"{event.type}: {what}", code=code).event())
            self._bad_events += 1
            if self._bad_events >= self._service.limits.max_bad_events:
                # A client that keeps getting it wrong would only fill the log.
                _LOGGER.warning(
                    "%s: %d bad events; closing the connection", self.peer, self._bad_events
                )
                return False
        return True

    # -- information ---------------------------------------------------------------------------

    async def _describe(self, event: Event) -> None:
        await self.write_event(self._info.event())

    async def _ping(self, event: Event) -> None:
        await self.write_event(Pong(text=Ping.from_event(event).text).event())

    async def _select_program(self, event: Event) -> None:
        # Every program here is called neck-coach; there is nothing to choose between.
        _LOGGER.debug("%s: select-program %r", self.peer, event.data.get("name"))

    # -- speech to text ------------------------------------------------------------------------

    async def _transcribe(self, event: Event) -> None:
        # A new request: audio from any earlier, unfinished stream is dropped.
        self._stream = None

    async def _audio_start(self, event: Event) -> None:
        start = AudioStart.from_event(event)
        check_format(start.rate, start.width, start.channels)
        self._stream = await self._new_stream()

    async def _audio_chunk(self, event: Event) -> None:
        wire = AudioChunk.from_event(event)
        chunk = audio_events.AudioChunk(wire.audio, wire.rate, wire.width, wire.channels)
        stream = self._stream or await self._new_stream()
        self._stream = stream
        try:
            await self._service.run_blocking(stream.feed, chunk)
        except AudioError:
            self._stream = None
            raise

    async def _audio_stop(self, event: Event) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            await self.write_event(Transcript(text="", language=LANGUAGES[0]).event())
            return
        heard = await self._service.run_blocking(stream.finish)
        self._give_back(stream.stt)
        _LOGGER.debug("%s heard %r (%.1f s)", self.peer, heard.text, stream.seconds)
        self._service.recently_heard.remember(heard)
        await self.write_event(Transcript(text=heard.text, language=LANGUAGES[0]).event())

    async def _new_stream(self) -> StreamTranscriber:
        pool = self._service.recognizers
        if pool is None:
            raise BadEvent("speech recognition is not available on this server (no model)")
        stt = await self._service.run_blocking(pool.take)
        return StreamTranscriber(stt, self._service.limits.max_audio_seconds)

    def _give_back(self, stt: SpeechToText) -> None:
        if self._service.recognizers is not None:
            self._service.recognizers.give(stt)

    # -- conversation --------------------------------------------------------------------------

    async def _handle(self, event: Event) -> None:
        request = Transcript.from_event(event)
        response = await self._turn(request.text, request.context)
        await self.write_event(answer_event(response, _context(request.context)))

    async def _recognize(self, event: Event) -> None:
        request = Recognize.from_event(event)
        response = await self._turn(request.text, request.context)
        await self.write_event(intent_event(response, _context(request.context)))

    async def _turn(self, text: object, context: object) -> Response:
        if not isinstance(text, str):
            raise BadEvent(f"text must be a string, not {type(text).__name__}")
        key = self._service.conversations.key_for(self._connection, context)
        response = await self._service.turn(key, text)
        _LOGGER.debug("%s [%s] %r -> %s", self.peer, key, text[:80], response.intent)
        return response


def _context(context: object) -> dict[str, object] | None:
    """The request's context, echoed back as the protocol suggests (when it is an object)."""
    return cast(dict[str, object], context) if isinstance(context, dict) else None


def _peer(writer: asyncio.StreamWriter) -> str:
    address = writer.get_extra_info("peername")
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return "a client"


def _what_was_wrong(error: Exception) -> str:
    if isinstance(error, KeyError):  # wyoming's from_event reads the fields it needs by name
        return f"the event has no {error.args[0]!r} field"
    if isinstance(error, BadEvent | AudioError):
        return " ".join(str(error).split())
    return _one_line(error)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# -- the server --------------------------------------------------------------------------------


class Server:
    """The Wyoming TCP server over one ``Service``: start, the bound address, stop."""

    def __init__(self, service: Service, address: Address, programs: Programs) -> None:
        self.service = service
        self.address = address
        self._info = describe(programs)
        self._tcp = _TcpServer(address.host, address.port)

    async def start(self) -> Address:
        """Listen (``OSError`` if the address cannot be bound); the address actually bound."""
        factory = partial(ConnectionHandler, service=self.service, info=self._info)
        await self._tcp.start(factory)
        self.address = Address(self.address.host, self._tcp.bound_port())
        return self.address

    async def stop(self) -> None:
        """Stop listening, close every connection, then stop the worker threads."""
        await self._tcp.stop()
        await self._tcp.wait_for_handlers(STOP_SECONDS)
        self.service.close()


class _TcpServer(AsyncTcpServer):
    """wyoming's TCP server, plus what a test and a clean stop need to know."""

    def bound_port(self) -> int:
        # Port 0 asks the system for a free port; the listening socket knows which.
        sockets = getattr(self._server, "sockets", None) or ()
        return int(sockets[0].getsockname()[1]) if sockets else self.port

    async def wait_for_handlers(self, seconds: float) -> None:
        tasks = list(self._handlers)
        if tasks:
            await asyncio.wait(tasks, timeout=seconds)


async def serve_until_signal(server: Server, ready: Callable[[Address], None]) -> int:
    """Serve until SIGINT or SIGTERM; the signal that stopped it."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    received: list[int] = []

    def on_signal(signum: int) -> None:
        received.append(signum)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        ready(await server.start())
        await stop.wait()
        _LOGGER.info("stopping on signal %d", received[0])
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await server.stop()
    return received[0]
