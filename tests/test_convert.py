"""ChunkConverter: any PCM in, 16 kHz 16-bit mono out, with clean resampling."""

from __future__ import annotations

import numpy as np
import pytest

from audio.convert import ChunkConverter, chunks, convert_all, decode, encode
from audio.events import AudioChunk


def tone(freq: float, rate: int, seconds: float = 1.0, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def samples_of(chunk: AudioChunk) -> np.ndarray:
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / 32768.0


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def test_audio_already_in_target_format_passes_through_untouched() -> None:
    chunk = AudioChunk(encode(tone(440, 16000, 0.1), 2, 1))
    assert ChunkConverter().convert(chunk) is chunk


def test_44k_stereo_tone_becomes_16k_mono_tone_with_tiny_error() -> None:
    left = tone(440, 44100)
    stereo = np.stack([left, left], axis=1).reshape(-1)
    out = convert_all(AudioChunk(encode(stereo, 2, 1), rate=44100, width=2, channels=2))
    assert (out.rate, out.width, out.channels) == (16000, 2, 1)
    assert len(out.audio) == 2 * 16000
    got = samples_of(out)
    expected = tone(440, 16000)
    assert np.max(np.abs(got[100:-100] - expected[100:-100])) < 0.001


def test_stereo_channels_are_averaged() -> None:
    left, right = tone(300, 16000, 0.1), np.zeros(1600)
    stereo = np.stack([left, right], axis=1).reshape(-1)
    out = convert_all(AudioChunk(encode(stereo, 2, 1), channels=2))
    assert np.allclose(samples_of(out), left / 2, atol=2 / 32768)


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000])
def test_chunked_conversion_is_identical_to_whole_so_boundaries_cannot_click(rate: int) -> None:
    pcm = encode(tone(1000, rate, 0.5), 2, 1)
    whole = convert_all(AudioChunk(pcm, rate=rate))
    converter = ChunkConverter()
    pieces = [converter.convert(c) for c in chunks(pcm, rate=rate, samples_per_chunk=333)]
    pieces.append(converter.flush())
    assert b"".join(p.audio for p in pieces) == whole.audio


def test_upsampling_8k_keeps_the_pitch() -> None:
    out = convert_all(AudioChunk(encode(tone(1000, 8000), 2, 1), rate=8000))
    assert len(out.audio) == 2 * 16000
    assert dominant_frequency(samples_of(out), 16000) == pytest.approx(1000, abs=2)


def test_tone_above_new_nyquist_is_filtered_not_aliased() -> None:
    # 10 kHz cannot exist at 16 kHz; without a low-pass it would fold down to 6 kHz.
    out = convert_all(AudioChunk(encode(tone(10000, 44100), 2, 1), rate=44100))
    assert np.sqrt(np.mean(samples_of(out)[200:-200] ** 2)) < 0.005


def test_8bit_wav_samples_are_unsigned_around_128() -> None:
    assert np.allclose(decode(bytes([128, 128, 0, 255]), 1, 1), [0, 0, -1, 127 / 128])


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_every_width_round_trips(width: int) -> None:
    signal = np.array([0.0, 0.25, -0.5, 0.75, -1.0])
    assert np.allclose(decode(encode(signal, width, 1), width, 1), signal, atol=1 / 64)


def test_24bit_audio_converts_to_16bit() -> None:
    pcm24 = encode(tone(440, 16000, 0.1), 3, 1)
    out = convert_all(AudioChunk(pcm24, width=3))
    assert np.allclose(samples_of(out), tone(440, 16000, 0.1), atol=1 / 16384)


def test_unsupported_width_is_refused() -> None:
    with pytest.raises(ValueError, match="width"):
        ChunkConverter().convert(AudioChunk(b"\0" * 10, width=5))


def test_flush_without_resampling_is_empty() -> None:
    converter = ChunkConverter()
    converter.convert(AudioChunk(b"\0\0" * 100))
    assert converter.flush().audio == b""


def test_chunks_split_on_whole_frames_with_a_short_last_chunk() -> None:
    pieces = list(chunks(bytes(range(20)), width=2, channels=2, samples_per_chunk=2))
    assert [len(p.audio) for p in pieces] == [8, 8, 4]
    assert b"".join(p.audio for p in pieces) == bytes(range(20))
    assert all(p.channels == 2 for p in pieces)
