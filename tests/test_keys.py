"""Keyboard controls: the key map, typed words, and the reader thread on pipes and terminals."""

from __future__ import annotations

import io
import os
import pty
import termios
import threading
import time
from collections.abc import Iterator
from typing import TextIO

import pytest

from skill.app.keyboard import control_words
from skill.app.keys import KEYMAP, KeyReader, parse_line
from skill.data import load_skill_data
from skill.vocabulary import Control

# Typed control words are the control intents' own sentences.
WORDS = control_words(load_skill_data().intents)


class Collected:
    """The controls a reader delivered, with a way to wait for the n-th."""

    def __init__(self) -> None:
        self.controls: list[Control] = []
        self._changed = threading.Condition()

    def __call__(self, control: Control) -> None:
        with self._changed:
            self.controls.append(control)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 2.0) -> list[Control]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.controls) >= count, timeout)
            return list(self.controls)


@pytest.mark.parametrize(
    ("text", "control"),
    [
        ("pause", Control.PAUSE),
        ("Pause, please.", Control.PAUSE),
        ("wait", Control.PAUSE),
        ("resume", Control.RESUME),
        ("carry on", Control.RESUME),
        ("next", Control.NEXT),
        ("skip this", Control.NEXT),
        ("go back", Control.PREVIOUS),
        ("previous step", Control.PREVIOUS),
        ("repeat", Control.REPEAT),
        ("once more", Control.REPEAT),
        ("slow down a bit", Control.SLOWER),
        ("faster", Control.FASTER),
        ("speed up", Control.FASTER),
        ("stop", Control.STOP),
        ("Quit!", Control.STOP),
        ("n", Control.NEXT),
        ("b", Control.PREVIOUS),
        ("+", Control.FASTER),
        ("-", Control.SLOWER),
        ("q", Control.STOP),
    ],
)
def test_parse_line_maps_words_and_keys_to_controls(text: str, control: Control) -> None:
    assert parse_line(text, WORDS) is control


@pytest.mark.parametrize("text", ["", "   ", "what causes a spasm", "stop the pain", "x"])
def test_parse_line_ignores_anything_else(text: str) -> None:
    assert parse_line(text, WORDS) is None


def test_keymap_reaches_every_control_with_pause_as_the_resume_toggle() -> None:
    assert set(KEYMAP.values()) == set(Control) - {Control.RESUME}
    assert KEYMAP[" "] is KEYMAP["p"] is Control.PAUSE
    assert KEYMAP["\x1b"] is KEYMAP["q"] is Control.STOP


# -- the reader thread ------------------------------------------------------------------------


@pytest.fixture
def pipe() -> Iterator[tuple[TextIO, TextIO]]:
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "r") as reader, os.fdopen(write_fd, "w") as writer:
        yield reader, writer


def test_reader_on_a_pipe_delivers_each_line_as_a_control(pipe: tuple[TextIO, TextIO]) -> None:
    reader, writer = pipe
    got = Collected()
    with KeyReader(reader, got, WORDS) as keys:
        assert not keys.is_terminal
        writer.write("pause\nwhat is this\ngo back\nq")
        writer.close()
        keys.join(timeout=2)
    assert got.controls == [Control.PAUSE, Control.PREVIOUS, Control.STOP]


def test_reader_delivers_a_line_as_soon_as_it_is_written(pipe: tuple[TextIO, TextIO]) -> None:
    reader, writer = pipe
    got = Collected()
    with KeyReader(reader, got, WORDS):
        writer.write("next\n")
        writer.flush()
        assert got.wait_for(1) == [Control.NEXT]


def test_reader_stops_cleanly_while_the_pipe_stays_open(pipe: tuple[TextIO, TextIO]) -> None:
    reader, writer = pipe
    got = Collected()
    keys = KeyReader(reader, got, WORDS)
    keys.start()
    started = time.monotonic()
    keys.stop()
    assert time.monotonic() - started < 1.0
    writer.write("stop\n")
    writer.flush()
    keys.join(timeout=0.3)
    assert got.controls == []


def test_reader_reads_a_stream_without_a_file_descriptor() -> None:
    got = Collected()
    with KeyReader(io.StringIO("faster\nrepeat\n"), got, WORDS) as keys:
        keys.join(timeout=2)
    assert got.controls == [Control.FASTER, Control.REPEAT]


@pytest.fixture
def terminal() -> Iterator[tuple[TextIO, int]]:
    """A pseudo-terminal: the reader gets the terminal side, the test types into the other."""
    typing_fd, terminal_fd = pty.openpty()
    with os.fdopen(terminal_fd, "r") as stream:
        yield stream, typing_fd
    os.close(typing_fd)


def test_reader_on_a_terminal_acts_on_single_keys(terminal: tuple[TextIO, int]) -> None:
    stream, typing = terminal
    got = Collected()
    with KeyReader(stream, got, WORDS) as keys:
        assert keys.is_terminal
        os.write(typing, b"n")
        assert got.wait_for(1) == [Control.NEXT]
        os.write(typing, b" F")
        assert got.wait_for(3) == [Control.NEXT, Control.PAUSE, Control.FASTER]


def test_arrow_keys_are_ignored_but_a_lone_escape_stops(terminal: tuple[TextIO, int]) -> None:
    stream, typing = terminal
    got = Collected()
    with KeyReader(stream, got, WORDS):
        os.write(typing, b"\x1b[A")
        time.sleep(0.15)
        os.write(typing, b"\x1b")
        assert got.wait_for(1) == [Control.STOP]


def test_the_terminal_mode_is_restored_on_exit(terminal: tuple[TextIO, int]) -> None:
    stream, _ = terminal
    before = termios.tcgetattr(stream.fileno())
    with pytest.raises(KeyboardInterrupt), KeyReader(stream, Collected(), WORDS):
        assert termios.tcgetattr(stream.fileno()) != before  # cbreak while reading
        raise KeyboardInterrupt
    assert termios.tcgetattr(stream.fileno()) == before
