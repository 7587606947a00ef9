"""Reading WAV files: any PCM WAV becomes 16 kHz mono; bad files give an actionable AudioError."""

from __future__ import annotations

import shlex
import struct
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from audio.convert import encode
from audio.errors import AudioError
from audio.wavfile import load_wav, read_wav

Speak = Callable[..., Path]


def write_wav(path: Path, pcm: bytes, rate: int, width: int = 2, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return path


def test_espeak_wav_loads_as_16k_mono_with_its_duration(speak: Speak) -> None:
    path = speak("turn your head slowly to the left")
    with wave.open(str(path)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    chunk = load_wav(path)
    assert (chunk.rate, chunk.width, chunk.channels) == (16000, 2, 1)
    assert chunk.seconds == pytest.approx(seconds, abs=0.001)


def test_44k_stereo_wav_is_converted(tmp_path: Path) -> None:
    t = np.arange(44100) / 44100
    stereo = np.repeat(0.3 * np.sin(2 * np.pi * 500 * t), 2)
    chunk = load_wav(write_wav(tmp_path / "s.wav", encode(stereo, 2, 1), 44100, channels=2))
    assert (chunk.rate, chunk.channels, chunk.seconds) == (16000, 1, 1.0)


def test_8bit_wav_is_converted(tmp_path: Path) -> None:
    chunk = load_wav(write_wav(tmp_path / "u8.wav", bytes([128]) * 8000, 8000, width=1))
    assert chunk.seconds == 1.0
    assert set(chunk.audio) == {0}


def test_read_wav_streams_quarter_second_chunks(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "one.wav", b"\1\0" * 16000, 16000)
    sizes = [len(chunk.audio) for chunk in read_wav(path)]
    assert sizes == [8000, 8000, 8000, 8000]


def test_corrupt_wav_says_so_and_how_to_convert(tmp_path: Path) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00garbage-garbage-")
    with pytest.raises(AudioError, match=r"broken\.wav is not a readable audio file") as caught:
        load_wav(path)
    assert "sox" in str(caught.value) and "-r 16000 -c 1 -b 16" in str(caught.value)


def test_empty_wav_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no audio"):
        load_wav(write_wav(tmp_path / "empty.wav", b"", 16000))


def test_zero_byte_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zero.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="not a readable audio file"):
        load_wav(path)


def test_text_file_is_not_a_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("what causes neck spasms\n")
    with pytest.raises(AudioError, match="not a readable audio file"):
        load_wav(path)


def riff(fmt: bytes, data: bytes) -> bytes:
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize(
    "sox_options",
    [
        ["-b", "24"],  # sox writes the extensible header (format 65534)
        ["-b", "32"],
        ["-c", "3"],
        ["-e", "floating-point", "-b", "32"],  # Audacity's default export
        ["-e", "floating-point", "-b", "64"],
        ["-e", "a-law"],
        ["-e", "u-law"],
        ["-r", "8000", "-e", "u-law"],  # telephone audio
    ],
)
def test_every_common_wav_flavour_is_read_as_16k_mono(
    speak: Speak, tmp_path: Path, sox_options: list[str]
) -> None:
    source = speak("turn your head slowly to the left")
    expected = load_wav(source)
    converted = tmp_path / "flavour.wav"
    subprocess.run(["sox", str(source), *sox_options, str(converted)], check=True)
    chunk = load_wav(converted)
    assert (chunk.rate, chunk.width, chunk.channels) == (16000, 2, 1)
    assert chunk.seconds == pytest.approx(expected.seconds, abs=0.01)
    level = np.abs(np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64)).mean()
    assert level > 100  # speech, not silence


@pytest.mark.parametrize(
    ("fmt", "problem"),
    [
        (struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 3), "3 bits per sample"),
        (
            struct.pack("<HHIIHH", 1, 1, 4_000_000_000, 8_000_000_000 % 2**32, 2, 16),
            "sample rate|not a readable audio file",
        ),
        (struct.pack("<HHIIHH", 1, 0, 16000, 0, 0, 16), "not a readable audio file|channels"),
    ],
)
def test_a_header_that_lies_is_a_clear_error(tmp_path: Path, fmt: bytes, problem: str) -> None:
    path = tmp_path / "lies.wav"
    path.write_bytes(riff(fmt, b"\1\0" * 1600))
    with pytest.raises(AudioError, match=problem):
        load_wav(path)


def test_the_suggested_sox_command_quotes_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "my question; touch PWNED.wav"
    path.write_text("not audio")
    with pytest.raises(AudioError) as caught:
        load_wav(path)
    command = str(caught.value).split("Convert it with: ", 1)[1]
    words = shlex.split(command)
    assert words[0] == "sox" and words[1] == str(path) and "touch" not in words


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"nowhere\.wav does not exist"):
        load_wav(tmp_path / "nowhere.wav")


def test_bad_file_fails_when_read_wav_is_called_not_later(tmp_path: Path) -> None:
    path = tmp_path / "bad.wav"
    path.write_text("nope")
    with pytest.raises(AudioError):
        read_wav(path)
