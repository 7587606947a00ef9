"""Routines told one step per turn (for satellites): the whole routine by "next", going back,
repeating, pace, questions mid-routine, and a red flag or goodbye ending it."""

from __future__ import annotations

import pytest

from skill.data import SkillData
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.replies import Replies
from skill.response import Kind
from skill.routine_steps import RoutineSteps, StepwiseDialogue
from skill.vocabulary import Control
from skill.warning_signs import Sign


@pytest.fixture
def talk(data: SkillData, matcher: Matcher) -> StepwiseDialogue:
    return StepwiseDialogue(DialogueManager(data, matcher))


def heading(data: SkillData, number: int, name: str = "desk_break") -> str:
    routine = data.routines[name]
    step = routine.steps[number - 1]
    return data.content.routine.step_heading(number, len(routine.steps), step.name)


def test_a_routine_starts_with_its_intro_and_says_how_to_go_on(
    talk: StepwiseDialogue, data: SkillData
) -> None:
    response = talk.turn("start the desk break")
    assert response.kind is Kind.ROUTINE and response.routine == "desk_break"
    assert data.routines["desk_break"].intro in response.text
    assert response.text.endswith(data.content.routine.step_next)
    assert talk.steps is not None and talk.steps.step_number == 0


def test_next_tells_every_step_in_order_then_the_outro(
    talk: StepwiseDialogue, data: SkillData
) -> None:
    routine = data.routines["desk_break"]
    talk.turn("start the desk break")
    for number, step in enumerate(routine.steps, start=1):
        response = talk.turn("next")
        assert response.kind is Kind.CONTROL
        assert response.text.startswith(heading(data, number))
        assert step.instruction in response.text
        assert f"{step.hold} seconds" in response.text
    end = talk.turn("next")
    assert end.text == routine.outro
    assert talk.steps is None
    assert "no routine running" in talk.turn("next").text


def test_back_repeat_and_the_first_step(talk: StepwiseDialogue, data: SkillData) -> None:
    script = data.content.routine
    talk.turn("start the desk break")
    first = talk.turn("next").text
    assert talk.turn("go back").text == f"{script.first_step} {first}"
    second = talk.turn("next").text
    assert talk.turn("repeat").text == second
    assert talk.turn("go back").text == f"{script.back} {first}"


def test_slower_holds_are_told_longer_until_the_slowest_pace(data: SkillData) -> None:
    script = data.content.routine
    steps = RoutineSteps(data.routines["desk_break"], script)
    steps.control(Control.NEXT)
    assert steps.control(Control.SLOWER) == script.slower
    assert "12 seconds" in steps.control(Control.REPEAT)  # 10 s at 1.25
    said = [steps.control(Control.SLOWER) for _ in range(5)]
    assert said[-1] == script.slowest and steps.pace == 2.0


def test_a_question_mid_routine_is_answered_and_the_routine_waits(
    talk: StepwiseDialogue, data: SkillData
) -> None:
    talk.turn("start the desk break")
    talk.turn("next")
    answer = talk.turn("what causes neck spasms")
    assert answer.kind is Kind.ANSWER and answer.intent == "spasm_causes"
    assert talk.turn("next").text.startswith(heading(data, 2))


def test_a_red_flag_mid_routine_gives_the_caution_first_and_ends_it(
    talk: StepwiseDialogue, data: SkillData
) -> None:
    talk.turn("start the desk break")
    talk.turn("next")
    response = talk.turn("stop, my arm has gone numb")
    assert response.text.startswith(
        Replies(data.content, data.intents).caution_text([Sign.NUMBNESS])
    )
    assert response.red_flags == (Sign.NUMBNESS,)
    assert talk.steps is None


def test_stop_and_goodbye_end_the_routine(talk: StepwiseDialogue, data: SkillData) -> None:
    talk.turn("start the desk break")
    assert talk.turn("stop").text == data.content.routine.stopped
    assert talk.steps is None
    talk.turn("start the morning routine")
    goodbye = talk.turn("goodbye")
    assert goodbye.end_session and talk.steps is None


def test_two_conversations_keep_their_own_place(data: SkillData, matcher: Matcher) -> None:
    one = StepwiseDialogue(DialogueManager(data, matcher))
    two = StepwiseDialogue(DialogueManager(data, matcher))
    one.turn("start the desk break")
    one.turn("next")
    assert "no routine running" in two.turn("next").text
    assert one.turn("next").text.startswith(heading(data, 2))
