"""Turning any PCM audio into the one format the recognizer accepts (16 kHz, 16-bit, mono).

Like wyoming's ``AudioChunkConverter`` this sits at the boundary: files and the microphone both
pass through a ``ChunkConverter`` so nothing downstream ever sees another format. Resampling is a
streaming windowed-sinc (Kaiser) filter in numpy: it keeps the input tail between chunks, so a
signal converted chunk by chunk is the same as one converted whole (no clicks at boundaries).
``flush()`` returns the last few milliseconds held back for the filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from math import gcd

import numpy as np
import numpy.typing as npt

from .events import CHANNELS, RATE, WIDTH, AudioChunk

Samples = npt.NDArray[np.float64]

SUPPORTED_WIDTHS = (1, 2, 3, 4)
# Zero crossings of the sinc on each side: 16 keeps aliasing and ripple well below what
# speech recognition can notice while costing ~1 ms of look-ahead.
ZERO_CROSSINGS = 16
# Cut off a little below the lower Nyquist frequency so the Kaiser transition band does not alias.
ROLLOFF = 0.94
KAISER_BETA = 8.6
# Fractional positions are quantised to this many phases for rates with a huge common multiple.
MAX_PHASES = 4096


def decode(audio: bytes, width: int, channels: int) -> Samples:
    """PCM bytes → float samples in [-1, 1), averaged to mono."""
    if width not in SUPPORTED_WIDTHS:
        raise ValueError(f"unsupported sample width {width} bytes; use one of {SUPPORTED_WIDTHS}")
    frame = width * channels
    usable = len(audio) - len(audio) % frame
    raw = audio[:usable]
    if width == 1:
        # 8-bit PCM (WAV, ALSA U8) is unsigned with its zero at 128.
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    elif width == 2:
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    elif width == 3:
        bytes3 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        samples = ints.astype(np.float64) / float(1 << 23)
    else:
        samples = np.frombuffer(raw, dtype="<i4").astype(np.float64) / float(1 << 31)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples


def encode(samples: Samples, width: int, channels: int) -> bytes:
    """Float mono samples → PCM bytes, clipped, with the mono signal copied to every channel."""
    if width not in SUPPORTED_WIDTHS:
        raise ValueError(f"unsupported sample width {width} bytes; use one of {SUPPORTED_WIDTHS}")
    if channels > 1:
        samples = np.repeat(samples, channels)
    scale = float(1 << (8 * width - 1))
    ints = np.clip(np.round(samples * scale), -scale, scale - 1).astype(np.int64)
    if width == 1:
        return (ints + 128).astype(np.uint8).tobytes()
    if width == 2:
        return ints.astype("<i2").tobytes()
    if width == 3:
        as_u32 = (ints & 0xFFFFFF).astype("<u4")
        return as_u32.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    return ints.astype("<i4").tobytes()


@lru_cache(maxsize=16)
def _kernel_table(
    in_rate: int, out_rate: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], int]:
    """Filter taps for every quantised fractional phase, the tap offsets and the phase count."""
    ratio = min(1.0, out_rate / in_rate)
    cutoff = ratio * ROLLOFF
    half = int(np.ceil(ZERO_CROSSINGS / cutoff))
    offsets = np.arange(-half + 1, half + 1, dtype=np.int64)
    up = out_rate // gcd(in_rate, out_rate)
    phases = min(up, MAX_PHASES)
    fractions = np.arange(phases, dtype=np.float64) / phases
    # Distance (in input samples) from each output instant to each tap.
    distance = fractions[:, None] - offsets[None, :].astype(np.float64)
    window = np.i0(KAISER_BETA * np.sqrt(np.clip(1.0 - (distance / half) ** 2, 0.0, None)))
    window /= np.i0(KAISER_BETA)
    taps = cutoff * np.sinc(cutoff * distance) * window
    return taps, offsets, phases


class _Resampler:
    """Streaming mono resampler: keeps just enough input history for the next outputs."""

    def __init__(self, in_rate: int, out_rate: int) -> None:
        divisor = gcd(in_rate, out_rate)
        self.up = out_rate // divisor
        self.down = in_rate // divisor
        self.taps, self.offsets, self.phases = _kernel_table(in_rate, out_rate)
        self.half = int(self.offsets[-1])
        # History starts with zeros so the first outputs have a full window.
        self.buffer: Samples = np.zeros(self.half, dtype=np.float64)
        self.buffer_start = -self.half  # absolute input index of buffer[0]
        self.seen = 0  # input samples received
        self.produced = 0  # output samples emitted

    def process(self, samples: Samples, final: bool = False) -> Samples:
        self.buffer = np.concatenate([self.buffer, samples])
        self.seen += len(samples)
        if final:
            # Everything the input implies, with zeros standing in for the future.
            end = -(-self.seen * self.up // self.down)
            self.buffer = np.concatenate([self.buffer, np.zeros(self.half + 1)])
        else:
            # Output n needs input up to floor(n*down/up) + half, which must already be here.
            end = max(0, -(-(self.seen - self.half) * self.up // self.down))
        if end <= self.produced:
            return np.zeros(0, dtype=np.float64)
        n = np.arange(self.produced, end, dtype=np.int64)
        position = n * self.down
        base = position // self.up
        phase = ((position % self.up) * self.phases) // self.up
        index = base[:, None] + self.offsets[None, :] - self.buffer_start
        out: Samples = np.einsum("ij,ij->i", self.buffer[index], self.taps[phase])
        self.produced = end
        keep_from = (end * self.down) // self.up - self.half + 1
        drop = max(0, keep_from - self.buffer_start)
        self.buffer = self.buffer[drop:]
        self.buffer_start += drop
        return out


class ChunkConverter:
    """Converts chunks of any rate, width (1-4 bytes) and channel count to one target format.

    Keep one converter per stream: it carries resampler state from chunk to chunk. Call
    ``flush()`` at the end of the stream for the last samples.
    """

    def __init__(self, rate: int = RATE, width: int = WIDTH, channels: int = CHANNELS) -> None:
        if width not in SUPPORTED_WIDTHS:
            raise ValueError(
                f"unsupported sample width {width} bytes; use one of {SUPPORTED_WIDTHS}"
            )
        self.rate = rate
        self.width = width
        self.channels = channels
        self._resampler: _Resampler | None = None
        self._in_rate = 0

    def _matches(self, chunk: AudioChunk) -> bool:
        return (chunk.rate, chunk.width, chunk.channels) == (self.rate, self.width, self.channels)

    def convert(self, chunk: AudioChunk) -> AudioChunk:
        if self._matches(chunk) and self._resampler is None:
            return chunk
        samples = decode(chunk.audio, chunk.width, chunk.channels)
        if chunk.rate != self.rate:
            if self._resampler is None or self._in_rate != chunk.rate:
                self._resampler = _Resampler(chunk.rate, self.rate)
                self._in_rate = chunk.rate
            samples = self._resampler.process(samples)
        return self._chunk(samples)

    def flush(self) -> AudioChunk:
        """The samples still held back by the resampler (empty if none); resets the stream."""
        resampler, self._resampler = self._resampler, None
        if resampler is None:
            return self._chunk(np.zeros(0, dtype=np.float64))
        return self._chunk(resampler.process(np.zeros(0, dtype=np.float64), final=True))

    def _chunk(self, samples: Samples) -> AudioChunk:
        return AudioChunk(
            audio=encode(samples, self.width, self.channels),
            rate=self.rate,
            width=self.width,
            channels=self.channels,
        )


def convert_all(
    chunk: AudioChunk, rate: int = RATE, width: int = WIDTH, channels: int = CHANNELS
) -> AudioChunk:
    """Convert one complete piece of audio (a whole file) in one go."""
    converter = ChunkConverter(rate, width, channels)
    head = converter.convert(chunk)
    tail = converter.flush()
    return AudioChunk(head.audio + tail.audio, rate, width, channels)


def chunks(
    audio: bytes,
    rate: int = RATE,
    width: int = WIDTH,
    channels: int = CHANNELS,
    samples_per_chunk: int = 1024,
) -> Iterator[AudioChunk]:
    """Split PCM bytes into chunks of ``samples_per_chunk`` frames (the last may be shorter)."""
    if samples_per_chunk <= 0:
        raise ValueError("samples_per_chunk must be positive")
    step = samples_per_chunk * width * channels
    for start in range(0, len(audio), step):
        yield AudioChunk(audio[start : start + step], rate, width, channels)
