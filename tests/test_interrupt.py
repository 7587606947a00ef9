"""Ctrl-C, any number of times at any moment: the terminal is put back, exit 130, no traceback.

The command runs on a real pseudo-terminal (so the routine's key reader switches it to cbreak
mode and the live view draws), and SIGINT is sent as the terminal sends it for Ctrl-C.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

COMMAND = [sys.executable, "-c", "from skill.app.cli import run; run()"]


class Terminal:
    """A pseudo-terminal whose output is drained on a thread, so the program never blocks."""

    def __init__(self) -> None:
        self.master, self.slave = pty.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def run(self, *args: str, home: Path) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NECK_COACH")}
        env.update(HOME=str(home), TERM="xterm-256color")
        return subprocess.Popen(
            [*COMMAND, *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def close(self) -> None:
        os.close(self.slave)
        os.close(self.master)


def interrupt(process: subprocess.Popen[bytes], times: int, gap: float) -> int:
    for _ in range(times):
        process.send_signal(signal.SIGINT)
        time.sleep(gap)
    return process.wait(timeout=30)


@pytest.mark.parametrize("attempt", range(6))
def test_two_quick_ctrl_c_during_a_routine_restore_the_terminal(
    tmp_path: Path, attempt: int
) -> None:
    terminal = Terminal()
    try:
        process = terminal.run("stretch", "desk_break", "--mute", home=tmp_path)
        deadline = time.monotonic() + 30
        while b"Step 1" not in terminal.output and time.monotonic() < deadline:
            time.sleep(0.02)
        assert b"Step 1" in terminal.output, bytes(terminal.output)[-500:]
        code = interrupt(process, times=2, gap=0.02 + 0.006 * attempt)
        after = termios.tcgetattr(terminal.slave)
        time.sleep(0.1)
        text = bytes(terminal.output).decode("utf-8", "replace")
    finally:
        terminal.close()
    assert code == 130, text[-800:]
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert after == terminal.before


@pytest.mark.parametrize("delay", [0.1, 0.2, 0.3, 0.5])
def test_ctrl_c_while_starting_up_exits_cleanly(tmp_path: Path, delay: float) -> None:
    terminal = Terminal()
    try:
        process = terminal.run("chat", "--mute", home=tmp_path)
        time.sleep(delay)
        code = interrupt(process, times=3, gap=0.01)
        time.sleep(0.1)
        text = bytes(terminal.output).decode("utf-8", "replace")
        after = termios.tcgetattr(terminal.slave)
    finally:
        terminal.close()
    assert code == 130, text[-800:]
    assert "Traceback" not in text
    assert after == terminal.before
