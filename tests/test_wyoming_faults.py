"""A Wyoming server among misbehaving clients: bytes that are not JSON, headers that are JSON but
not events, payload lengths that lie either way, oversized payloads, over-long lines and clients
leaving mid-event. Each bad connection is closed with one log line and no traceback, and a
well-behaved client on another connection is served throughout, including while a stalled
client is still connected. The last test does it against ``neck-coach serve`` itself and stops
it with SIGTERM and Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import ask, client, closed_by_server, raw_connection, running
from wyoming.handle import Handled

from skill.app.settings import Address
from skill.app.wyoming_guard import Limits
from skill.app.wyoming_service import Service
from skill.data import SkillData
from skill.matcher import Matcher

ROOT = Path(__file__).resolve().parent.parent
STALL_SECONDS = 0.5


@pytest.fixture
def service(data: SkillData, matcher: Matcher) -> Iterator[Service]:
    limits = Limits(max_payload_bytes=64 * 1024, event_seconds=STALL_SECONDS)
    shared = Service(data, matcher, None, workers=2, limits=limits)
    yield shared
    shared.close()


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged at INFO and above; none of it may carry a traceback."""
    caplog.set_level(logging.INFO)
    yield caplog
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info or r.stack_info]
    assert tracebacks == []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("asyncio")] == []


async def served(address: Address, turns: int = 3) -> bool:
    """A well-behaved client: a few turns on a connection of its own, each answered."""
    async with client(address) as connection:
        for _ in range(turns):
            if not Handled.is_type((await ask(connection, "what causes neck spasms")).type):
                return False
    return True


def header(**fields: Any) -> bytes:
    return json.dumps(fields).encode() + b"\n"


CHUNK = {"rate": 16000, "width": 2, "channels": 1}

BAD_BYTES = {
    "not JSON": b"this is not json\n",
    "JSON but not an object": b"[1, 2, 3]\n",
    "no type": header(data={"text": "hi"}),
    "data that is not an object": header(type="transcript", data=["hi"]),
    "a length that is not a number": header(type="transcript", data_length="12"),
    "a negative length": header(type="audio-chunk", data=CHUNK, payload_length=-5),
    "an oversized payload": header(type="audio-chunk", data=CHUNK, payload_length=10**9),
    "a payload shorter than its header says": (
        header(type="audio-chunk", data=CHUNK, payload_length=4)
        + b"\0" * 4000
        + header(type="transcript", data={"text": "what causes neck spasms"})
    ),
    "a header line longer than the line limit": b"{" + b" " * 100_000,
    "invalid UTF-8": b'{"type": "\xff\xfe"}\n',
}


@pytest.mark.usefixtures("logs")
@pytest.mark.parametrize("bad", list(BAD_BYTES.values()), ids=list(BAD_BYTES))
def test_a_connection_sending_garbage_is_closed_and_others_are_served(
    service: Service, bad: bytes
) -> None:
    async def scenario() -> None:
        async with running(service) as address:
            reader, writer = await raw_connection(address)
            writer.write(bad)
            await writer.drain()
            assert await closed_by_server(reader)
            writer.close()
            assert await served(address)

    asyncio.run(scenario())


def test_a_client_stalling_inside_an_event_is_closed_and_never_holds_up_others(
    service: Service, logs: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        async with running(service) as address:
            reader, writer = await raw_connection(address)
            # The header promises 32000 bytes of audio; only 10 come, then nothing.
            writer.write(header(type="audio-chunk", data=CHUNK, payload_length=32000))
            writer.write(b"\0" * 10)
            await writer.drain()
            # Served while the stalled connection is still open and waiting...
            assert await served(address)
            # ... which the server closes once the rest of its event is overdue.
            assert await closed_by_server(reader, seconds=STALL_SECONDS * 20)
            writer.close()
            assert await served(address)

    asyncio.run(scenario())
    assert any("fewer bytes than its header promised" in r.getMessage() for r in logs.records)


@pytest.mark.usefixtures("logs")
def test_a_client_leaving_in_the_middle_of_an_event_leaves_others_served(
    service: Service,
) -> None:
    async def scenario() -> None:
        async with running(service) as address:
            for _ in range(3):
                _, writer = await raw_connection(address)
                writer.write(header(type="audio-chunk", data=CHUNK, payload_length=32000))
                writer.write(b"\0" * 100)
                await writer.drain()
                writer.close()
                # And one that leaves after a whole event, before its answer is sent.
                _, writer = await raw_connection(address)
                writer.write(header(type="transcript", data={"text": "what causes neck pain"}))
                await writer.drain()
                writer.transport.abort()
            assert await served(address)

    asyncio.run(scenario())


@pytest.mark.usefixtures("logs")
def test_a_client_that_keeps_sending_bad_events_is_told_then_closed(service: Service) -> None:
    async def scenario() -> None:
        async with running(service) as address:
            reader, writer = await raw_connection(address)
            for _ in range(service.limits.max_bad_events):
                writer.write(header(type="transcript", data={"words": "no text field"}))
            await writer.drain()
            assert await closed_by_server(reader)
            writer.close()
            assert await served(address)

    asyncio.run(scenario())


# -- the real command --------------------------------------------------------------------------


def start_server(tmp_path: Path) -> tuple[subprocess.Popen[str], Address]:
    env = dict(os.environ, HOME=str(tmp_path), COLUMNS="250", PYTHONIOENCODING="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "skill.app.cli", "serve", "--uri", "tcp://127.0.0.1:0"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        found = re.search(r"tcp://127\.0\.0\.1:(\d+)", line)
        if found:
            return process, Address("127.0.0.1", int(found.group(1)))
    process.wait(timeout=10)
    raise AssertionError(f"the server did not start (exit {process.returncode})")


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_the_command_survives_faults_and_stops_cleanly_on_a_signal(
    tmp_path: Path, signum: int, code: int, vosk_model: Any
) -> None:
    process, address = start_server(tmp_path)

    async def scenario() -> None:
        for bad in BAD_BYTES.values():
            reader, writer = await raw_connection(address)
            writer.write(bad)
            await writer.drain()
            assert await closed_by_server(reader)
            writer.close()
        # One left connected, mid-event, when the signal comes.
        _, writer = await raw_connection(address)
        writer.write(header(type="audio-chunk", data=CHUNK, payload_length=32000))
        await writer.drain()
        assert await served(address)
        process.send_signal(signum)
        await asyncio.get_running_loop().run_in_executor(None, process.wait, 30)
        writer.close()

    try:
        asyncio.run(scenario())
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, err
    assert "Traceback" not in out + err, err
    assert "Stopped serving." in err
    # Each log line is "HH:MM:SS.mmm LEVEL logger: message".
    warnings = [line for line in err.splitlines() if re.match(r"\S+ WARNING ", line)]
    assert len(warnings) == len(BAD_BYTES), err  # one line each, nothing else
