"""A real Neck Coach Wyoming server on 127.0.0.1 (port 0) for a test, and the wyoming package's
own client to talk to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.event import Event

from skill.app.settings import Address
from skill.app.wyoming_events import Programs
from skill.app.wyoming_server import Server
from skill.app.wyoming_service import Service

# Long enough for any turn on a busy machine; a hang fails the test instead of stalling it.
READ_SECONDS = 60.0


@contextlib.asynccontextmanager
async def running(service: Service, model: str | None = None) -> AsyncIterator[Address]:
    server = Server(service, Address("127.0.0.1", 0), Programs(version="test", model=model))
    address = await server.start()
    try:
        yield address
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def client(address: Address) -> AsyncIterator[AsyncTcpClient]:
    connection = AsyncTcpClient(address.host, address.port, read_timeout=READ_SECONDS)
    await connection.connect()
    try:
        yield connection
    finally:
        await connection.disconnect()


async def ask(
    connection: AsyncTcpClient, text: str, context: dict[str, object] | None = None
) -> Event:
    await connection.write_event(Transcript(text=text, context=context).event())
    event = await connection.read_event()
    assert event is not None, "the server closed the connection"
    return event


async def raw_connection(address: Address) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A plain TCP connection, for sending bytes that are not a proper Wyoming event."""
    return await asyncio.open_connection(address.host, address.port)


async def closed_by_server(reader: asyncio.StreamReader, seconds: float = 10.0) -> bool:
    """Whether the server closes the connection (EOF) within ``seconds``."""
    try:
        while await asyncio.wait_for(reader.read(4096), seconds):
            pass
    except TimeoutError:
        return False
    except ConnectionError:
        return True
    return True
