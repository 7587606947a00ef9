"""Audio files in and out: the one place a WAV (or any file libsndfile reads) is opened.

Reading goes through libsndfile (the ``soundfile`` package), which knows every WAV flavour
people produce: integer PCM of any width, the extensible header that sox and ffmpeg write for
24-bit, 32-bit and multichannel audio, 32/64-bit float (Audacity's default export), a-law and
mu-law, and FLAC/OGG besides. Whatever the file holds comes out as 16 kHz 16-bit mono through
``audio.convert``, the path the microphone takes too. A file that cannot be audio (a lying
header, no samples, an absurd rate) raises ``AudioError`` saying what is wrong and the ``sox``
command that would fix it, with the file name quoted for the shell.
"""

from __future__ import annotations

import logging
import shlex
import struct
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import numpy.typing as npt

from .convert import chunks, convert_all
from .errors import AudioError
from .events import AudioChunk

_LOGGER = logging.getLogger(__name__)

DEFAULT_SAMPLES_PER_CHUNK = 4000  # 0.25 s at 16 kHz: the block size in Vosk's own examples
# Rates outside this range are not speech recordings but broken headers.
MIN_RATE = 1000
MAX_RATE = 768_000
MAX_CHANNELS = 64
# Longest file read in one go: an hour of audio; longer recordings should be split.
MAX_SECONDS = 3600.0

Int16Samples = npt.NDArray[np.int16]


def fix_hint(path: Path) -> str:
    """The sox command that turns ``path`` into a 16 kHz 16-bit mono WAV, quoted for a shell."""
    fixed = path.with_name(f"{path.stem}-16k.wav")
    quoted, quoted_fixed = shlex.quote(str(path)), shlex.quote(str(fixed))
    return f"Convert it with: sox {quoted} -r 16000 -c 1 -b 16 {quoted_fixed}"


def _soundfile() -> ModuleType:
    try:
        import soundfile
    except (ImportError, OSError) as error:  # OSError: libsndfile itself is missing
        raise AudioError(f"The audio file library cannot be loaded ({error}).") from error
    module: ModuleType = soundfile
    return module


def read_native(path: str | Path) -> tuple[Int16Samples, int]:
    """The file's samples as 16-bit integers, shape (frames, channels), and its sample rate."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"{path} does not exist or is not a file. Check the path.")
    soundfile = _soundfile()
    try:
        # An open file rather than a name: libsndfile cannot open names that are not UTF-8.
        with path.open("rb") as file:
            info = soundfile.info(file)
    except (RuntimeError, soundfile.LibsndfileError, OSError, ValueError) as error:
        raise _unreadable(path, error) from error
    problem = _wav_header_problem(path) or _header_problem(
        info.samplerate, info.channels, info.frames
    )
    if problem is not None:
        raise AudioError(f"{path} has a broken header: {problem}. {fix_hint(path)}")
    try:
        # Read as float so float files keep their level (libsndfile does not scale float to
        # integer reads), then quantize once.
        with path.open("rb") as file:
            floats, rate = soundfile.read(file, dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError, OSError, ValueError, MemoryError) as error:
        raise _unreadable(path, error) from error
    samples = np.clip(np.round(floats * 32768.0), -32768, 32767).astype(np.int16)
    if len(samples) == 0:
        raise AudioError(f"{path} contains no audio (0 samples). Record or synthesize it again.")
    if len(samples) < info.frames:
        _LOGGER.warning(
            "%s is truncated: the header promises %d frames, the file holds %d",
            path,
            info.frames,
            len(samples),
        )
    return np.ascontiguousarray(samples), int(rate)


def _unreadable(path: Path, error: BaseException) -> AudioError:
    return AudioError(f"{path} is not a readable audio file ({error}). {fix_hint(path)}")


# WAV format tags whose sample layout the header must describe consistently.
_PCM, _FLOAT, _ALAW, _MULAW, _EXTENSIBLE = 1, 3, 6, 7, 0xFFFE


def _wav_header_problem(path: Path) -> str | None:
    """For a RIFF WAV, whether its format chunk contradicts itself (libsndfile guesses instead)."""
    with path.open("rb") as file:
        head = file.read(4096)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    at = 12
    while at + 8 <= len(head):
        chunk, size = head[at : at + 4], int.from_bytes(head[at + 4 : at + 8], "little")
        if chunk == b"fmt " and at + 24 <= len(head):
            tag, channels, _, _, align, bits = struct.unpack_from("<HHIIHH", head, at + 8)
            if tag in (_PCM, _FLOAT, _EXTENSIBLE) and (bits == 0 or bits % 8):
                return f"{bits} bits per sample (audio uses whole bytes: 8, 16, 24 or 32)"
            if tag in (_PCM, _FLOAT, _ALAW, _MULAW) and align != channels * bits // 8:
                return f"{channels} channel(s) of {bits} bits do not make frames of {align} bytes"
            return None
        at += 8 + size + size % 2
    return None


def _header_problem(rate: int, channels: int, frames: int) -> str | None:
    if not MIN_RATE <= rate <= MAX_RATE:
        return f"a sample rate of {rate} Hz (audio is {MIN_RATE} to {MAX_RATE} Hz)"
    if not 1 <= channels <= MAX_CHANNELS:
        return f"{channels} channels (audio has 1 to {MAX_CHANNELS})"
    if frames > MAX_SECONDS * rate:
        return f"{frames / rate / 60:.0f} minutes of audio (at most {MAX_SECONDS / 60:.0f} minutes)"
    return None


def load_wav(path: str | Path) -> AudioChunk:
    """The whole file as one 16 kHz 16-bit mono chunk."""
    samples, rate = read_native(path)
    channels = samples.shape[1]
    chunk = AudioChunk(samples.astype("<i2").tobytes(), rate=rate, width=2, channels=channels)
    return convert_all(chunk)


def read_wav(
    path: str | Path, samples_per_chunk: int = DEFAULT_SAMPLES_PER_CHUNK
) -> Iterator[AudioChunk]:
    """The file as a stream of 16 kHz mono chunks; a bad file raises here, not while iterating."""
    whole = load_wav(path)
    return chunks(whole.audio, samples_per_chunk=samples_per_chunk)


def write_wav(path: str | Path, samples: Int16Samples, rate: int) -> Path:
    """Write mono 16-bit ``samples`` at ``rate`` as a plain PCM WAV."""
    import wave

    path = Path(path)
    try:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    except OSError as error:
        raise AudioError(f"Cannot write the WAV file {path}: {error}") from error
    return path
