"""Test helper: a private ALSA setup (null playback, file-fed capture) for real PortAudio streams.

PortAudio reads the ALSA configuration once, when sounddevice is first initialised in a
process, so code that must see this setup runs in a subprocess via ``run_python``.

What was verified on the build machine (no sound card, ALSA from Debian 12, sounddevice
0.5.6): sounddevice lists "default" as an ALSA device and opens output streams on it, by
default or by name. ``sounddevice.rec(n, samplerate=16000, channels=1, dtype="int16")`` and
``InputStream.read`` return the raw file's samples exactly, from its start for every new
stream. Neither direction is paced: null playback and file capture run as fast as they are
written or read. ``realtime_rate`` adds a reader that consumes playback at real-time speed
(after the first ~0.8 s, which the pipe absorbs at once). Capture past the end of the file
returns leftover buffer contents, not silence, so record no more than the file holds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Reads stdin at a fixed byte rate so ALSA's writes block like a real sound card's would.
_PACER = """\
import os, select, sys, time
bytes_per_second = int(sys.argv[1])
hangup = select.poll()
hangup.register(0, select.POLLHUP)
start = time.monotonic()
total = 0
while chunk := os.read(0, 2048):
    total += len(chunk)
    delay = start + total / bytes_per_second - time.monotonic()
    # Once ALSA closes its end the rest is not wanted; leaving now keeps close() quick.
    if hangup.poll(max(delay, 0) * 1000):
        break
"""


def alsa_env(
    tmp_path: Path,
    capture_raw: Path | None = None,
    *,
    realtime_rate: int | None = None,
    default_pcm: str | None = None,
) -> dict[str, str]:
    """Write ``tmp_path/.asoundrc`` and return an environment (HOME=tmp_path) that uses it.

    Playback goes to ALSA's null device; with ``realtime_rate`` (samples per second of mono
    16-bit audio) it is consumed at that real-time speed. With ``capture_raw`` (raw 16 kHz
    s16le mono), recording from the default device returns that file's samples.
    ``default_pcm`` replaces the whole default device, e.g. ``'type hw card 9'`` for a
    device that does not exist.
    """
    if default_pcm is not None:
        config = f"pcm.!default {{ {default_pcm} }}\n"
    else:
        playback = "null"
        config = ""
        if realtime_rate is not None:
            pacer = tmp_path / "pacer.py"
            pacer.write_text(_PACER)
            config += (
                "pcm.paced {\n"
                "    type file\n"
                '    slave.pcm "null"\n'
                f'    file "|{sys.executable} {pacer} {2 * realtime_rate}"\n'
                '    format "raw"\n'
                "}\n"
            )
            playback = "paced"
        config += f'pcm.!default {{\n    type asym\n    playback.pcm "{playback}"\n'
        if capture_raw is not None:
            config += '    capture.pcm "cap"\n'
        config += "}\n"
        if capture_raw is not None:
            config += (
                "pcm.cap {\n"
                "    type file\n"
                '    slave.pcm "null"\n'
                '    file "/dev/null"\n'
                f'    infile "{capture_raw}"\n'
                '    format "raw"\n'
                "}\n"
            )
    (tmp_path / ".asoundrc").write_text(config)
    env = dict(os.environ)
    env["HOME"] = str(tmp_path)
    return env


def run_python(code: str, env: dict[str, str], timeout: float = 30) -> str:
    """Run ``code`` in a fresh interpreter with ``env``; return its stdout, fail on error."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, f"subprocess failed:\n{result.stderr}"
    return result.stdout
