"""Reading WAV files as recognizer-ready audio (16 kHz, 16-bit, mono).

Any uncompressed PCM WAV is accepted and converted through ``audio.convert``, the same path the
microphone uses. Anything else raises ``AudioError`` saying what is wrong and the sox command
that would fix the file.
"""

from __future__ import annotations

import logging
import wave
from collections.abc import Iterator
from pathlib import Path

from skill.errors import AudioError

from .convert import SUPPORTED_WIDTHS, chunks, convert_all
from .events import AudioChunk

log = logging.getLogger(__name__)

DEFAULT_SAMPLES_PER_CHUNK = 4000  # 0.25 s at 16 kHz: the block size in Vosk's own examples


def _fix_hint(path: Path) -> str:
    fixed = path.with_name(f"{path.stem}-16k.wav")
    return f"Convert it with: sox {path} -r 16000 -c 1 -b 16 {fixed}"


def load_wav(path: str | Path) -> AudioChunk:
    """The whole file as one 16 kHz 16-bit mono chunk."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"{path} does not exist or is not a file. Check the path.")
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            width = wav.getsampwidth()
            channels = wav.getnchannels()
            frames = wav.getnframes()
            compression = wav.getcomptype()
            audio = wav.readframes(frames)
    except (wave.Error, EOFError, OSError, ValueError) as error:
        # wave raises wave.Error for non-PCM formats (e.g. "unknown format: 3" for float).
        raise AudioError(
            f"{path} is not a readable PCM WAV file ({error}). {_fix_hint(path)}"
        ) from error
    if compression != "NONE":
        raise AudioError(
            f"{path} is compressed ({compression}); only PCM WAV is supported. {_fix_hint(path)}"
        )
    if width not in SUPPORTED_WIDTHS or channels < 1 or rate <= 0:
        raise AudioError(
            f"{path} has an unsupported format ({width * 8}-bit, {channels} channel(s), "
            f"{rate} Hz). "
            f"{_fix_hint(path)}"
        )
    frame_bytes = width * channels
    if len(audio) < frames * frame_bytes:
        log.warning(
            "%s is truncated: header promises %d frames, file holds %d",
            path,
            frames,
            len(audio) // frame_bytes,
        )
    if len(audio) < frame_bytes:
        raise AudioError(f"{path} contains no audio (0 samples). Record or synthesize it again.")
    return convert_all(AudioChunk(audio, rate, width, channels))


def read_wav(
    path: str | Path, samples_per_chunk: int = DEFAULT_SAMPLES_PER_CHUNK
) -> Iterator[AudioChunk]:
    """The file as a stream of 16 kHz mono chunks; a bad file raises here, not while iterating."""
    whole = load_wav(path)
    return chunks(whole.audio, samples_per_chunk=samples_per_chunk)
