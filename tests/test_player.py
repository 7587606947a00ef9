"""The routine player: what it says and when, and how each control steers it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from clocks import VirtualClock

from skill.app.routine_view import render_text, step_line
from skill.content import RoutineScript
from skill.data import load_skill_data
from skill.player import RoutinePlayer
from skill.player_state import Phase, PlayerState, RunResult
from skill.routines import Routine, RoutineStep, Sides, load_routines
from skill.timeline import hold_cues
from skill.vocabulary import Control

SCRIPT: RoutineScript = load_skill_data().content.routine
PAUSED_TEXT, RESUMED_TEXT, STOPPED_TEXT = SCRIPT.paused, SCRIPT.resumed, SCRIPT.stopped

FAST = 0.001  # a 10-second hold takes 10 ms


class RecordingVoice:
    """Stands in for the speaker (the audio tests cover the real one): records what is said.

    ``script`` lists (text, control) pairs: when the next pair's text is said, its control is
    sent to the player, as if the listener spoke up at that moment.
    """

    def __init__(self, script: list[tuple[str, Control]] | None = None) -> None:
        self.said: list[str] = []
        self.stops = 0
        self.script = list(script or [])
        self.player: RoutinePlayer | None = None

    def say(self, text: str) -> bool:
        self.said.append(text)
        while self.script and self.script[0][0] == text and self.player is not None:
            self.player.control(self.script.pop(0)[1])
        return True

    def stop(self) -> None:
        self.stops += 1

    @property
    def speaking(self) -> threading.Event:
        return threading.Event()

    @property
    def current_text(self) -> str:
        return ""


def step(name: str, hold: int, reps: int = 1, sides: Sides = "none", rest: int = 0) -> RoutineStep:
    return RoutineStep(name, f"{name} instruction.", hold, reps, sides, rest, (f"{name} cue.",))


ROUTINE = Routine(
    name="test",
    title="Test routine",
    level="gentle",
    position="sitting",
    aliases=(),
    summary="For tests.",
    intro="Intro. Stop if pain increases.",
    outro="Outro.",
    steps=(
        step("A", hold=8, rest=2),
        step("B", hold=4, reps=2, sides="both", rest=1),
        step("C", 2),
    ),
)


def play(
    script: list[tuple[str, Control]] | None = None, routine: Routine = ROUTINE
) -> tuple[RunResult, RecordingVoice, list[PlayerState]]:
    voice = RecordingVoice(script)
    states: list[PlayerState] = []
    player = RoutinePlayer(routine, voice, SCRIPT, on_state=states.append, clock=VirtualClock())
    voice.player = player
    return player.run(), voice, states


def headings(said: list[str]) -> list[str]:
    return [text for text in said if text.startswith("Step ")]


# -- a whole routine --------------------------------------------------------------------------


def test_a_whole_routine_is_spoken_in_order() -> None:
    result, voice, _ = play()
    hold_b = ["Hold.", "Halfway.", "B cue.", "One.", "Release."]
    assert voice.said == [
        "Intro. Stop if pain increases.",
        "Step 1 of 3: A.",
        "A instruction.",
        *["Hold.", "Halfway.", "A cue.", "Three.", "Two.", "One.", "Release."],
        "Step 2 of 3: B.",
        "B instruction.",
        *(["Left side.", *hold_b, "Right side.", *hold_b] * 2),
        "Step 3 of 3: C.",
        "C instruction.",
        *["Hold.", "C cue.", "Release."],
        "Outro.",
    ]
    assert (result.completed, result.stopped, result.steps_done) == (True, False, 3)


def test_the_desk_break_runs_from_intro_to_outro() -> None:
    desk_break = load_routines(Path(__file__).resolve().parent.parent / "routines")["desk_break"]
    result, voice, _ = play(routine=desk_break)
    assert voice.said[0] == desk_break.intro
    assert voice.said[-1] == desk_break.outro
    assert len(headings(voice.said)) == len(desk_break.steps)
    assert result.completed and result.steps_done == len(desk_break.steps)


def test_holds_and_rests_take_their_scaled_time() -> None:
    result, _, _ = play()
    # On the virtual clock a run takes exactly its holds and rests, speech adding nothing.
    assert result.elapsed == pytest.approx(ROUTINE.timed_seconds)


@pytest.mark.parametrize(
    ("hold", "said"),
    [
        (10, ["Halfway.", "Cue.", "Three.", "Two.", "One.", "Release."]),
        (5, ["Halfway.", "Cue.", "Two.", "One.", "Release."]),
        (4, ["Halfway.", "Cue.", "One.", "Release."]),
        (3, ["Cue.", "One.", "Release."]),
        (1, ["Cue.", "Release."]),
    ],
)
def test_the_countdown_shrinks_to_fit_short_holds(hold: int, said: list[str]) -> None:
    timeline = hold_cues(hold, "Cue.", SCRIPT)
    assert [item.text for item in timeline] == said
    assert [item.at for item in timeline] == sorted(item.at for item in timeline)
    assert timeline[-1].at == hold


def test_state_follows_steps_reps_and_sides() -> None:
    _, _, states = play()
    right_rep_2 = [
        s for s in states if (s.step_index, s.rep, s.side, s.phase) == (1, 2, "right", Phase.HOLD)
    ]
    assert right_rep_2 and right_rep_2[0].step_name == "B"
    assert right_rep_2[0].seconds_left == 4.0


def test_progress_only_grows_and_ends_at_one() -> None:
    _, _, states = play()
    fractions = [s.fraction_done for s in states]
    assert fractions == sorted(fractions)
    assert states[-1].phase is Phase.DONE and fractions[-1] == 1.0


def test_holds_emit_a_shrinking_countdown_while_waiting() -> None:
    states: list[PlayerState] = []
    one_hold = replace(ROUTINE, steps=(step("Hold", hold=8),))
    RoutinePlayer(
        one_hold, RecordingVoice(), SCRIPT, on_state=states.append, clock=VirtualClock()
    ).run()
    left = [s.seconds_left for s in states if s.phase is Phase.HOLD]
    # About every 0.1 scaled seconds: 80 over the 8-second hold, fewer on a busy machine.
    assert len(left) > 10
    assert left[0] == 8.0 and left == sorted(left, reverse=True)


# -- controls ---------------------------------------------------------------------------------


def test_pause_freezes_the_hold_until_resume() -> None:
    paused = threading.Event()
    voice = RecordingVoice([("Hold.", Control.PAUSE)])
    states: list[PlayerState] = []

    def on_state(state: PlayerState) -> None:
        states.append(state)
        if state.phase is Phase.PAUSED:
            paused.set()

    player = RoutinePlayer(ROUTINE, voice, SCRIPT, time_scale=FAST, on_state=on_state)
    voice.player = player
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(player.run)
        assert paused.wait(2)
        time.sleep(0.05)  # 50 scaled seconds: far longer than the 8-second hold
        assert not running.done()
        player.control(Control.RESUME)
        result = running.result(timeout=2)
    assert voice.said[3:7] == ["Hold.", PAUSED_TEXT, RESUMED_TEXT, "Halfway."]
    assert result.completed and result.elapsed >= 0.05
    frozen = {s.seconds_left for s in states if s.phase is Phase.PAUSED}
    assert len(frozen) == 1 and frozen.pop() > 7.0


def test_pause_again_while_paused_resumes() -> None:
    result, voice, _ = play([("Hold.", Control.PAUSE), (PAUSED_TEXT, Control.PAUSE)])
    assert voice.said[3:7] == ["Hold.", PAUSED_TEXT, RESUMED_TEXT, "Halfway."]
    assert result.completed


def test_resume_when_not_paused_changes_nothing() -> None:
    result, voice, _ = play([("Step 1 of 3: A.", Control.RESUME)])
    assert headings(voice.said) == ["Step 1 of 3: A.", "Step 2 of 3: B.", "Step 3 of 3: C."]
    assert result.completed and RESUMED_TEXT not in voice.said


def test_next_skips_to_the_next_step() -> None:
    result, voice, _ = play([("Step 1 of 3: A.", Control.NEXT)])
    assert headings(voice.said) == ["Step 1 of 3: A.", "Step 2 of 3: B.", "Step 3 of 3: C."]
    assert "A instruction." not in voice.said
    assert result.completed and result.steps_done == 2


def test_next_during_the_intro_starts_the_first_step() -> None:
    _, voice, _ = play([("Intro. Stop if pain increases.", Control.NEXT)])
    assert voice.said[:2] == ["Intro. Stop if pain increases.", "Step 1 of 3: A."]


def test_previous_goes_back_a_step() -> None:
    _, voice, _ = play([("Step 2 of 3: B.", Control.PREVIOUS)])
    assert headings(voice.said) == [
        "Step 1 of 3: A.",
        "Step 2 of 3: B.",
        "Step 1 of 3: A.",
        "Step 2 of 3: B.",
        "Step 3 of 3: C.",
    ]
    assert "Going back." in voice.said


def test_previous_on_the_first_step_restarts_it() -> None:
    _, voice, _ = play([("Step 1 of 3: A.", Control.PREVIOUS)])
    assert voice.said[1:4] == ["Step 1 of 3: A.", "This is the first step.", "Step 1 of 3: A."]


def test_repeat_restarts_the_current_step() -> None:
    result, voice, _ = play([("Release.", Control.REPEAT)])
    assert headings(voice.said) == [
        "Step 1 of 3: A.",
        "Step 1 of 3: A.",
        "Step 2 of 3: B.",
        "Step 3 of 3: C.",
    ]
    assert voice.said.count("A instruction.") == 2
    assert result.steps_done == 3


def test_slower_lengthens_holds_and_is_announced() -> None:
    _, voice, states = play([("Step 1 of 3: A.", Control.SLOWER)])
    assert voice.said[2] == "Slower."
    first_hold = next(s for s in states if s.phase is Phase.HOLD)
    assert (first_hold.pace, first_hold.seconds_left) == (1.25, 10.0)


def test_faster_shortens_holds_and_is_announced() -> None:
    _, voice, states = play([("Step 1 of 3: A.", Control.FASTER)])
    assert "Faster." in voice.said
    first_hold = next(s for s in states if s.phase is Phase.HOLD)
    assert (first_hold.pace, first_hold.seconds_left) == (0.8, 6.4)


def test_pace_stops_at_twice_as_slow() -> None:
    _, voice, states = play([("Intro. Stop if pain increases.", Control.SLOWER)] * 5)
    assert max(s.pace for s in states) == 2.0
    assert voice.said.count("Slower.") == 4
    assert "That's the slowest pace." in voice.said


def test_pace_stops_at_twice_as_fast() -> None:
    _, voice, states = play([("Intro. Stop if pain increases.", Control.FASTER)] * 5)
    assert min(s.pace for s in states) == 0.5
    assert "That's the fastest pace." in voice.said


def test_stop_ends_the_routine_early_and_politely() -> None:
    result, voice, states = play([("Step 2 of 3: B.", Control.STOP)])
    assert (result.completed, result.stopped, result.steps_done) == (False, True, 1)
    assert voice.said[-1] == STOPPED_TEXT
    assert "Outro." not in voice.said
    assert states[-1].phase is Phase.DONE


def test_stop_while_paused_ends_the_routine() -> None:
    result, voice, _ = play([("Hold.", Control.PAUSE), (PAUSED_TEXT, Control.STOP)])
    assert result.stopped and voice.said[-1] == STOPPED_TEXT


def test_a_control_wakes_a_long_hold_at_once() -> None:
    one_long_hold = Routine(
        "long", "Long", "gentle", "sitting", (), "S.", "In.", "Out.", (step("Long", hold=60),)
    )
    holding = threading.Event()
    player = RoutinePlayer(
        one_long_hold,
        RecordingVoice(),
        SCRIPT,
        on_state=lambda s: holding.set() if s.phase is Phase.HOLD else None,
    )
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(player.run)
        assert holding.wait(2)
        player.control(Control.STOP)
        result = running.result(timeout=2)
    assert result.stopped and result.elapsed < 1.0


class SlowVoice(RecordingVoice):
    """Its first sentence goes on speaking until ``stop`` is called, like a long intro."""

    def __init__(self) -> None:
        super().__init__()
        self.talking = threading.Event()
        self.cut = threading.Event()

    def say(self, text: str) -> bool:
        super().say(text)
        if len(self.said) > 1:
            return True
        self.talking.set()
        return not self.cut.wait(2)

    def stop(self) -> None:
        super().stop()
        self.cut.set()


def test_a_control_during_speech_cuts_it_short_then_acts() -> None:
    voice = SlowVoice()
    player = RoutinePlayer(ROUTINE, voice, SCRIPT, time_scale=FAST)
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(player.run)
        assert voice.talking.wait(2)
        player.control(Control.NEXT)
        result = running.result(timeout=2)
    assert voice.stops == 1
    assert voice.said[:2] == ["Intro. Stop if pain increases.", "Step 1 of 3: A."]
    assert result.completed and result.elapsed < 1.0


def test_speech_cut_by_a_pace_change_is_said_again() -> None:
    voice = SlowVoice()
    player = RoutinePlayer(ROUTINE, voice, SCRIPT, time_scale=FAST)
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(player.run)
        assert voice.talking.wait(2)
        player.control(Control.SLOWER)
        running.result(timeout=2)
    intro = "Intro. Stop if pain increases."
    assert voice.said[:3] == [intro, "Slower.", intro]


def test_time_scale_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RoutinePlayer(ROUTINE, RecordingVoice(), SCRIPT, time_scale=0)


# -- the on-screen view of a state ------------------------------------------------------------


HOLDING = PlayerState(
    title="Five-minute desk break",
    step_index=1,
    step_count=5,
    step_name="Chin tuck",
    rep=1,
    reps=3,
    side="left",
    phase=Phase.HOLD,
    seconds_left=6.3,
    fraction_done=0.4,
    pace=1.0,
)


def test_the_view_shows_title_step_countdown_and_progress() -> None:
    text = render_text(HOLDING, width=100)
    assert "Five-minute desk break" in text
    assert "Step 2/5 · Chin tuck · rep 1/3 · left" in text
    assert "Hold · 7 s" in text
    assert "40%" in text
    assert "Pace: normal" in text
    assert "n next" in text and "q stop" in text


def test_the_view_keeps_the_countdown_while_paused() -> None:
    paused = replace(HOLDING, phase=Phase.PAUSED, seconds_left=3.2)
    assert "Paused · 4 s" in render_text(paused)


def test_the_step_line_leaves_out_rep_and_side_when_there_are_none() -> None:
    assert step_line(replace(HOLDING, rep=0, side=None)) == "Step 2/5 · Chin tuck"


def test_the_view_names_the_intro_and_a_changed_pace() -> None:
    text = render_text(replace(HOLDING, phase=Phase.INTRO, seconds_left=0.0, pace=1.25))
    assert "Getting ready · 5 steps" in text
    assert "Pace: slower (holds ×1.25)" in text


def test_the_view_with_its_key_legend_fits_an_80_column_terminal() -> None:
    from skill.app.keys import LEGEND

    text = render_text(HOLDING, width=80)
    assert LEGEND in text  # on one line, not wrapped
    assert max(len(line) for line in text.splitlines()) <= 80
