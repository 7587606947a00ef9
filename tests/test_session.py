"""The turn loop: utterances in order, answers out, routines steered by what is heard next.

The listener is a scripted list of transcripts and the voice records what it is asked to say;
both stand for the ears and mouth, which tests/test_voice_session.py runs for real. Routine time
is a test clock: virtual (a routine plays out at once) or manual (it stands still in the first
hold until something heard steers it), so no test races the routine.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from clocks import ManualClock, VirtualClock

from audio.events import Transcript
from skill.app.session import Session
from skill.data import SkillData
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.player_state import PlayerState, RunResult
from skill.ports import Clock
from skill.response import Response


class Script:
    """Hands out the lines one by one; None when they run out."""

    def __init__(self, *lines: str) -> None:
        self._lines = list(lines)
        self._lock = threading.Lock()

    def listen(self) -> Transcript | None:
        with self._lock:
            return Transcript(self._lines.pop(0)) if self._lines else None

    def set_routine_mode(self, running: bool) -> None:
        return None


@dataclass
class Voice:
    said: list[str] = field(default_factory=list)

    def say(self, text: str) -> bool:
        self.said.append(text)
        return True

    def stop(self) -> None:
        return None

    @property
    def speaking(self) -> threading.Event:
        return threading.Event()

    @property
    def current_text(self) -> str:
        return ""


@dataclass
class View:
    responses: list[Response] = field(default_factory=list)
    results: list[RunResult] = field(default_factory=list)

    def heard(self, transcript: Transcript) -> None:
        return None

    def said(self, response: Response) -> None:
        self.responses.append(response)

    def caption(self, text: str) -> None:
        return None

    def routine_state(self, state: PlayerState) -> None:
        return None

    def routine_started(self, title: str) -> None:
        return None

    def routine_ended(self, result: RunResult) -> None:
        self.results.append(result)

    def ready(self) -> None:
        return None


def run(
    data: SkillData, matcher: Matcher, *lines: str, clock: Clock | None = None
) -> tuple[Voice, View]:
    """The session over ``lines``; it must end by itself (a hang fails the test)."""
    voice, view = Voice(), View()
    session = Session(DialogueManager(data, matcher), voice, view, clock=clock or VirtualClock())
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(session.run, Script(*lines)).result(timeout=30)
    assert result.turns >= 1
    return voice, view


def test_each_utterance_gets_its_answer_in_order(data: SkillData, matcher: Matcher) -> None:
    _, view = run(data, matcher, "what causes neck spasms", "how long do they last")
    assert [r.intent for r in view.responses[1:]] == ["spasm_causes", "how_long"]
    assert view.responses[2].text == data.content.answers["spasm_duration"].text


def test_the_session_greets_first_with_the_disclaimer(data: SkillData, matcher: Matcher) -> None:
    voice, _ = run(data, matcher, "thanks")
    assert data.content.prompt("disclaimer_once") in voice.said[0]


def test_goodbye_ends_the_session_and_later_lines_are_not_read(
    data: SkillData, matcher: Matcher
) -> None:
    script = Script("goodbye", "what causes neck pain")
    voice, view = Voice(), View()
    result = Session(DialogueManager(data, matcher), voice, view).run(script)
    assert result.ended_by_user and result.turns == 1


def test_a_routine_runs_to_the_end_and_the_conversation_continues(
    data: SkillData, matcher: Matcher
) -> None:
    voice, view = run(data, matcher, "start the desk break")
    assert view.results and view.results[0].completed
    assert data.routines["desk_break"].outro in voice.said


def test_stop_heard_during_a_routine_stops_it(data: SkillData, matcher: Matcher) -> None:
    _, view = run(data, matcher, "start the morning routine", "stop", clock=ManualClock())
    assert view.results[0].stopped and not view.results[0].completed


def test_a_red_flag_during_a_routine_stops_it_and_cautions(
    data: SkillData, matcher: Matcher
) -> None:
    voice, view = run(
        data, matcher, "start the desk break", "my arm has gone numb", clock=ManualClock()
    )
    assert view.results[0].stopped
    heard = data.content.prompt(
        "red_flag_heard", signs=data.content.warning_signs["numbness"].heard
    )
    assert any(text.startswith(heard) for text in voice.said)


def test_nothing_said_after_a_routine_is_lost(data: SkillData, matcher: Matcher) -> None:
    _, view = run(
        data, matcher, "start the desk break", "stop", "what causes neck pain", clock=ManualClock()
    )
    assert view.responses[-1].intent == "pain_causes"


@pytest.mark.parametrize("second", ["what causes neck spasms", "pause", "yes"])
def test_the_end_of_input_ends_the_session_whatever_the_routine_is_doing(
    data: SkillData, matcher: Matcher, second: str
) -> None:
    """A question, "pause" or a stray "yes" (answered like a question) leaves the routine paused
    with nobody left to resume it: the input's end stops it and ends the session."""
    _, view = run(data, matcher, "start the desk break", second, clock=ManualClock())
    assert view.results and view.results[0].stopped


def test_a_question_mid_routine_is_answered_and_pauses_it(
    data: SkillData, matcher: Matcher
) -> None:
    _, view = run(
        data, matcher, "start the desk break", "what causes neck spasms", clock=ManualClock()
    )
    assert any(r.intent == "spasm_causes" for r in view.responses)


def test_a_possible_red_flag_during_a_routine_pauses_it_and_asks(
    data: SkillData, matcher: Matcher
) -> None:
    """A sign heard only by sound ("weeks" for "weak") pauses the stretches for the question;
    "yes" stops them with the caution."""
    voice, view = run(
        data, matcher, "start the desk break", "my legs feel weeks", "yes", clock=ManualClock()
    )
    kinds = [r.kind for r in view.responses]
    assert kinds.index("confirm") < kinds.index("caution")
    assert data.content.routine.paused in voice.said
    assert view.results[0].stopped and not view.results[0].completed
    weakness = data.content.warning_signs["weakness"]
    assert weakness.confirm in voice.said
    assert any(weakness.advice in text for text in voice.said)


def test_no_to_the_question_during_a_routine_leaves_it_paused_for_resume(
    data: SkillData, matcher: Matcher
) -> None:
    """No caution and no stop: the routine waits, paused, for "resume" (here the input ends
    instead, which stops it)."""
    voice, view = run(
        data, matcher, "start the desk break", "my legs feel weeks", "no", clock=ManualClock()
    )
    assert data.content.prompt("confirm_declined_routine") in voice.said
    assert data.content.routine.paused in voice.said
    assert not any(r.red_flags for r in view.responses)
