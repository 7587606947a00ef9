"""The limits a Wyoming connection lives within, enforced where its bytes are read.

The ``wyoming`` package frames the events (a JSON header line, then optional data and payload
bytes). It trusts the header: a length that lies makes it wait for bytes that never come, a
huge length makes it buffer whatever arrives, and a header that is JSON but not an object (or
whose lengths are not numbers) raises from inside it. ``GuardedReader`` stands in for the
connection's ``StreamReader`` under wyoming's framing, so that framing stays wyoming's: it checks
each header line before wyoming parses it, caps data and payload lengths, and bounds how long the
rest of an event, or the next event, may take. A broken limit is logged once, on one line, and
ends the connection (wyoming reads a ``ValueError`` as the end of the stream); other connections
never notice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """What one connection may send, and how slowly."""

    max_payload_bytes: int = 1 << 20  # one event's data or audio (1 s of 48 kHz stereo is 192 KB)
    event_seconds: float = 30.0  # the rest of an event, once its header line arrived
    idle_seconds: float = 600.0  # between events
    max_audio_seconds: float = 60.0  # one utterance to recognize
    max_bad_events: int = 10  # events answered with an error before the connection is closed


class ConnectionLimit(ValueError):
    """A connection broke a limit or sent something that is not a Wyoming event."""


def check_header(line: bytes, limits: Limits) -> None:
    """Raise ``ConnectionLimit`` unless ``line`` is a header wyoming can frame within limits."""
    try:
        header = json.loads(line)
    except ValueError:
        raise ConnectionLimit("an event header that is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("type"), str):
        raise ConnectionLimit("an event header without a type")
    if "data" in header and not isinstance(header["data"], dict):
        raise ConnectionLimit("event data that is not an object")
    for key in ("data_length", "payload_length"):
        length = header.get(key)
        if length is None:
            continue
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise ConnectionLimit(f"a {key} that is not a length: {length!r}")
        if length > limits.max_payload_bytes:
            raise ConnectionLimit(
                f"a {key} of {length} bytes (at most {limits.max_payload_bytes} are accepted)"
            )


class GuardedReader:
    """What wyoming's ``async_read_event`` reads from: the connection's reader, within limits."""

    def __init__(self, reader: asyncio.StreamReader, limits: Limits, peer: str) -> None:
        self._reader = reader
        self._limits = limits
        self._peer = peer
        self.broken: str | None = None  # which limit ended the connection, if one did

    async def readline(self) -> bytes:
        try:
            line = await asyncio.wait_for(self._reader.readline(), self._limits.idle_seconds)
        except TimeoutError:
            raise self._broke(f"sent nothing for {self._limits.idle_seconds:g} s") from None
        except ValueError:  # longer than the stream's line limit (64 KiB)
            raise self._broke("sent a header line that is too long") from None
        if line:
            try:
                check_header(line, self._limits)
            except ConnectionLimit as error:
                raise self._broke(f"sent {error}") from None
        return line

    async def readexactly(self, count: int) -> bytes:
        seconds = self._limits.event_seconds
        try:
            return await asyncio.wait_for(self._reader.readexactly(count), seconds)
        except TimeoutError:
            what = f"sent fewer bytes than its header promised within {seconds:g} s"
            raise self._broke(what) from None
        except asyncio.IncompleteReadError:
            # Not the client misbehaving, only leaving: worth a line in the verbose log only.
            raise self._broke("disconnected in the middle of an event", logging.INFO) from None

    def feed_eof(self) -> None:
        self._reader.feed_eof()

    def _broke(self, what: str, level: int = logging.WARNING) -> ConnectionLimit:
        self.broken = what
        _LOGGER.log(level, "%s %s; closing the connection", self._peer, what)
        return ConnectionLimit(what)
