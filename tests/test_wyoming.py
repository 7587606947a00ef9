"""The Wyoming service over real TCP on 127.0.0.1, spoken to with the wyoming package's own client:
describe, the conversation agent (handled / not-handled, the caution first), intents, context per
conversation and none across connections, routines told a step per turn, and streamed audio."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import ask, client, running
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info
from wyoming.intent import Intent, NotRecognized, Recognize
from wyoming.ping import Ping, Pong

from audio.strategies import DEFAULT_STRATEGY, make_recognizer
from audio.wavfile import load_wav
from skill.app.cli import main
from skill.app.settings import parse_uri
from skill.app.wyoming_service import Service
from skill.data import SkillData
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.replies import Replies
from skill.warning_signs import Sign

Speak = Callable[..., Path]


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(scenario)


@pytest.fixture
def service(data: SkillData, matcher: Matcher) -> Iterator[Service]:
    """The conversation only (no speech model), as on a machine without one."""
    shared = Service(data, matcher, None, workers=2)
    yield shared
    shared.close()


def speech(data: SkillData, matcher: Matcher, text: str) -> str:
    """What a fresh conversation says to ``text``: what the server must send back."""
    return DialogueManager(data, matcher).handle(text).speech


# -- describe ----------------------------------------------------------------------------------


def test_describe_lists_an_installed_handle_and_intent_program(service: Service) -> None:
    async def scenario() -> None:
        async with running(service) as address, client(address) as connection:
            await connection.write_event(Describe().event())
            event = await connection.read_event()
            assert event is not None and Info.is_type(event.type)
            info = Info.from_event(event)
            assert [p.name for p in info.handle] == ["neck-coach"]
            assert info.handle[0].installed and info.handle[0].models[0].languages == ["en"]
            assert info.intent[0].installed and info.intent[0].models[0].installed
            assert info.asr == []  # no model: no speech-to-text offered

    run(scenario())


# -- the conversation agent --------------------------------------------------------------------


def test_an_article_question_is_handled_with_the_answer_ask_would_give(
    service: Service, data: SkillData, matcher: Matcher
) -> None:
    async def scenario() -> None:
        async with running(service) as address, client(address) as connection:
            event = await ask(connection, "how long do neck spasms last")
            assert Handled.is_type(event.type)
            handled = Handled.from_event(event)
            assert handled.text == speech(data, matcher, "how long do neck spasms last")
            assert handled.text is not None and "Source:" in handled.text

    run(scenario())


def test_an_off_topic_question_is_not_handled_and_says_why(
    service: Service, data: SkillData
) -> None:
    async def scenario() -> None:
        async with running(service) as address, client(address) as connection:
            event = await ask(connection, "what's the capital of france")
            assert NotHandled.is_type(event.type)
            text = NotHandled.from_event(event).text or ""
            assert text.startswith(data.content.prompt("fallback").split(".")[0])

    run(scenario())


def test_a_red_flag_comes_back_with_the_caution_first(service: Service, data: SkillData) -> None:
    async def scenario() -> None:
        async with running(service) as address, client(address) as connection:
            event = await ask(connection, "my arm has gone numb")
            assert Handled.is_type(event.type)
            caution = Replies(data.content, data.intents).caution_text([Sign.NUMBNESS])
            assert (Handled.from_event(event).text or "").startswith(caution)

    run(scenario())


def test_context_is_kept_on_a_connection_and_not_shared_between_connections(
    service: Service, data: SkillData
) -> None:
    more = data.content.answers["spasm_causes"].more[0]

    async def scenario() -> None:
        async with running(service) as address, client(address) as one, client(address) as two:
            first = await ask(one, "what causes neck spasms")
            assert Handled.from_event(first).text is not None
            # The other connection has no topic: "what else" there is not a follow-up.
            elsewhere = Handled.from_event(await ask(two, "what else")).text or ""
            assert more not in elsewhere
            follow_up = Handled.from_event(await ask(one, "what else")).text or ""
            assert follow_up.startswith(more)

    run(scenario())


def test_a_named_conversation_carries_across_connections_as_home_assistant_opens_them(
    service: Service, data: SkillData
) -> None:
    more = data.content.answers["spasm_causes"].more[0]
    ours = {"conversation_id": "01HTEST-OURS"}
    theirs = {"conversation_id": "01HTEST-THEIRS"}

    async def scenario() -> None:
        async with running(service) as address:
            async with client(address) as connection:
                await ask(connection, "what causes neck spasms", ours)
            async with client(address) as connection:
                other = Handled.from_event(await ask(connection, "what else", theirs))
                assert more not in (other.text or "")
            async with client(address) as connection:
                event = await ask(connection, "what else", ours)
                handled = Handled.from_event(event)
                assert (handled.text or "").startswith(more)
                assert handled.context == ours  # the request's context comes back

    run(scenario())


def test_recognize_gives_the_intent_with_slots_as_entities_or_not_recognized(
    service: Service,
) -> None:
    async def scenario() -> None:
        async with running(service) as address, client(address) as connection:
            await connection.write_event(Recognize(text="can stress cause spasms").event())
            event = await connection.read_event()
            assert event is not None and Intent.is_type(event.type)
            intent = Intent.from_event(event)
            assert intent.name == "ask_cause"
            assert [(e.name, e.value) for e in intent.entities] == [("cause", "stress")]
            assert intent.text and "stress" in intent.text.lower()
            await connection.write_event(Recognize(text="what's the capital of france").event())
            event = await connection.read_event()
            assert event is not None and NotRecognized.is_type(event.type)

    run(scenario())


def test_a_routine_is_told_a_step_per_turn_from_the_same_connection(
    service: Service, data: SkillData
) -> None:
    routine = data.routines["desk_break"]
    script = data.content.routine

    async def scenario() -> None:
        async with running(service) as address, client(address) as connection:
            started = Handled.from_event(await ask(connection, "start the desk break"))
            assert routine.intro in (started.text or "")
            first = Handled.from_event(await ask(connection, "next")).text or ""
            assert first.startswith(script.step_heading(1, len(routine.steps), "Sit tall"))
            again = Handled.from_event(await ask(connection, "repeat")).text
            assert again == first
            second = Handled.from_event(await ask(connection, "next")).text or ""
            assert routine.steps[1].instruction in second
            stopped = Handled.from_event(await ask(connection, "stop")).text
            assert stopped == script.stopped

    run(scenario())


def test_ping_is_answered_and_unknown_events_are_ignored_and_logged(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="skill.app")

    async def scenario() -> None:
        async with running(service) as address, client(address) as connection:
            await connection.write_event(Event(type="run-satellite", data={"x": 1}))
            await connection.write_event(Ping(text="hello").event())
            event = await connection.read_event()
            assert event is not None and Pong.is_type(event.type)
            assert Pong.from_event(event).text == "hello"
            assert Handled.is_type((await ask(connection, "what causes neck spasms")).type)

    run(scenario())
    assert any("run-satellite" in r.getMessage() for r in caplog.records)


def test_a_malformed_event_of_a_known_type_gets_an_error_and_the_connection_goes_on(
    service: Service,
) -> None:
    async def scenario() -> None:
        async with running(service) as address, client(address) as connection:
            await connection.write_event(Event(type="transcript", data={"words": "hi"}))
            event = await connection.read_event()
            assert event is not None and event.type == "error"
            await connection.write_event(Event(type="transcript", data={"text": 42}))
            event = await connection.read_event()
            assert event is not None and event.type == "error"
            await connection.write_event(AudioStart(rate=16000, width=2, channels=1).event())
            event = await connection.read_event()  # no model here: no speech-to-text
            assert event is not None and event.type == "error"
            assert Handled.is_type((await ask(connection, "what causes neck spasms")).type)

    run(scenario())


# -- speech to text, with the real model -------------------------------------------------------


@pytest.fixture
def listening_service(data: SkillData, matcher: Matcher, domain_model: Any) -> Iterator[Service]:
    def make() -> Any:
        return make_recognizer(
            DEFAULT_STRATEGY,
            domain_model,
            matcher.spoken_sentences,
            source="wyoming",
            judge=matcher.judge,
        )

    shared = Service(data, matcher, make, workers=2)
    yield shared
    shared.close()


async def stream_wav(connection: AsyncTcpClient, path: Path, stop: bool = True) -> None:
    wav = load_wav(path)
    await connection.write_event(Transcribe(language="en").event())
    await connection.write_event(
        AudioStart(rate=wav.rate, width=wav.width, channels=wav.channels).event()
    )
    step = 1024 * wav.width * wav.channels
    for start in range(0, len(wav.audio), step):
        piece = wav.audio[start : start + step]
        chunk = AudioChunk(rate=wav.rate, width=wav.width, channels=wav.channels, audio=piece)
        await connection.write_event(chunk.event())
    if stop:
        await connection.write_event(AudioStop().event())


# A sentence the recognizer gets right from espeak-ng; accuracy is the benchmark's business.
SPOKEN = "start the morning routine"


@pytest.mark.parametrize(("rate", "channels"), [(16000, 1), (44100, 2)])
def test_streamed_speech_comes_back_as_a_transcript_the_skill_understands(
    listening_service: Service,
    speak_as: Speak,
    matcher: Matcher,
    rate: int,
    channels: int,
) -> None:
    wav = speak_as(SPOKEN, rate, channels)

    async def scenario() -> None:
        async with running(listening_service, model="vosk") as address, client(address) as talk:
            await talk.write_event(Describe().event())
            event = await talk.read_event()
            assert event is not None
            assert [p.name for p in Info.from_event(event).asr] == ["neck-coach"]
            for _ in range(2):  # the recognizer is ready again for the next utterance
                await stream_wav(talk, wav)
                event = await talk.read_event()
                assert event is not None and Transcript.is_type(event.type)
                text = Transcript.from_event(event).text
                intent, _ = matcher.judge(text)
                assert (text, intent) == (SPOKEN, "start_routine")

    run(scenario())


def test_a_client_leaving_mid_audio_leaves_the_others_served(
    listening_service: Service, speak_as: Speak
) -> None:
    wav = speak_as(SPOKEN, 44100, 2)

    async def scenario() -> None:
        async with running(listening_service, model="vosk") as address:
            async with client(address) as leaving:
                await stream_wav(leaving, wav, stop=False)
            async with client(address) as staying:
                await stream_wav(staying, wav)
                event = await staying.read_event()
                assert event is not None and Transcript.from_event(event).text == SPOKEN

    run(scenario())


# -- the command line --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1:10700", "tcp://127.0.0.1", "tcp://127.0.0.1:99999", "tcp://:10700"]
)
def test_a_bad_uri_is_a_usage_error(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--uri", uri]) == 2
    assert "--uri must be tcp://HOST:PORT" in capsys.readouterr().err


def test_serve_help_says_it_listens_locally_and_has_no_authentication(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "tcp://127.0.0.1:10700" in text and "no authentication" in text


@pytest.mark.parametrize(
    ("uri", "loopback"),
    [
        ("tcp://127.0.0.1:10700", True),
        ("tcp://localhost:10700", True),
        ("tcp://[::1]:10700", True),
        ("tcp://0.0.0.0:10700", False),
        ("tcp://192.168.1.20:10700", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine_only(uri: str, loopback: bool) -> None:
    address = parse_uri(uri)
    assert address.loopback is loopback
    assert parse_uri(address.uri) == address
