"""Noise for the benchmark: pink, brown and babble, mixed into speech at a given SNR.

Pure numpy: what the noise is and how it is mixed; ``bench.audio_set`` makes the files.

The SNR is measured on the speech's active samples only (frames within ``ACTIVE_RANGE_DB`` of
the loudest frame), so padding and pauses do not make the speech look quieter than it is. Noise
power is measured over the whole noise segment. Every generator takes a numpy ``Generator`` so a
seed fixes the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float64]

RATE = 16000
FRAME = RATE // 100  # 10 ms frames for the activity measurement
# A frame is active speech when its RMS is within this many dB of the loudest frame.
ACTIVE_RANGE_DB = 35.0
# Highest peak the mixture may reach; louder mixtures are scaled down as a whole (SNR unchanged).
MAX_PEAK = 0.95
# Pause between one babble talker's sentences (s): a breath, so talkers rarely fall silent.
BREATH_S = (0.05, 0.25)


def frame_rms(samples: Samples, frame: int = FRAME) -> Samples:
    """RMS of each whole ``frame``-sample frame."""
    usable = len(samples) - len(samples) % frame
    if usable == 0:
        return np.zeros(0, dtype=np.float64)
    frames = samples[:usable].reshape(-1, frame)
    rms: Samples = np.sqrt(np.mean(frames**2, axis=1))
    return rms


def active_mask(samples: Samples, frame: int = FRAME) -> npt.NDArray[np.bool_]:
    """Which frames hold speech: RMS within ``ACTIVE_RANGE_DB`` of the loudest frame."""
    rms = frame_rms(samples, frame)
    if not len(rms) or float(rms.max()) <= 0.0:
        return np.zeros(len(rms), dtype=np.bool_)
    mask: npt.NDArray[np.bool_] = rms >= rms.max() * 10 ** (-ACTIVE_RANGE_DB / 20)
    return mask


def active_rms(samples: Samples, frame: int = FRAME) -> float:
    """RMS over the active frames only (0.0 for silence)."""
    mask = active_mask(samples, frame)
    if not mask.any():
        return 0.0
    usable = len(mask) * frame
    frames = samples[:usable].reshape(-1, frame)[mask]
    return float(np.sqrt(np.mean(frames**2)))


def trim(samples: Samples, margin_s: float = 0.02) -> Samples:
    """Speech with leading and trailing inactive frames cut (keeping a short margin)."""
    mask = active_mask(samples)
    if not mask.any():
        return samples
    first = int(np.argmax(mask))
    last = len(mask) - int(np.argmax(mask[::-1]))
    margin = int(margin_s * RATE)
    return samples[max(0, first * FRAME - margin) : min(len(samples), last * FRAME + margin)]


def _rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def _shaped(length: int, rng: np.random.Generator, exponent: float) -> Samples:
    """Gaussian noise whose power falls as 1/f**exponent, with no energy below 20 Hz."""
    white = rng.standard_normal(length)
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(length, 1.0 / RATE)
    gain = np.zeros_like(freqs)
    audible = freqs >= 20.0
    gain[audible] = freqs[audible] ** (-exponent / 2.0)
    shaped: Samples = np.fft.irfft(spectrum * gain, n=length)
    rms = _rms(shaped)
    return shaped / rms if rms > 0 else shaped


def pink(length: int, rng: np.random.Generator) -> Samples:
    """Pink noise (power ~ 1/f), unit RMS."""
    return _shaped(length, rng, 1.0)


def brown(length: int, rng: np.random.Generator) -> Samples:
    """Brown noise (power ~ 1/f^2), unit RMS: a low rumble like traffic or a fan."""
    return _shaped(length, rng, 2.0)


def babble_tracks(
    talkers: Sequence[Sequence[Samples]], seconds: float, rng: np.random.Generator
) -> list[Samples]:
    """One track per talker: that talker's utterances in random order with short breaths
    between (``BREATH_S``), starting within the first second; each track at unit RMS."""
    length = int(seconds * RATE)
    tracks = []
    for utterances in talkers:
        track = np.zeros(length, dtype=np.float64)
        at = int(rng.integers(0, RATE))
        while at < length:
            speech = utterances[int(rng.integers(0, len(utterances)))]
            level = _rms(speech)
            piece = speech / level if level > 0 else speech
            end = min(length, at + len(piece))
            track[at:end] += piece[: end - at]
            at = end + int(rng.uniform(*BREATH_S) * RATE)
        tracks.append(track / max(_rms(track), 1e-12))
    return tracks


def babble_bed(
    talkers: Sequence[Sequence[Samples]], seconds: float, rng: np.random.Generator
) -> Samples:
    """Several talkers at once (``babble_tracks`` summed), unit RMS."""
    bed: Samples = np.sum(babble_tracks(talkers, seconds, rng), axis=0)
    rms = _rms(bed)
    return bed / rms if rms > 0 else bed


def overlap(tracks: Sequence[Samples], frame: int = FRAME) -> npt.NDArray[np.int_]:
    """How many tracks are active (``active_mask``) in each frame."""
    masks = [active_mask(track, frame) for track in tracks]
    counts: npt.NDArray[np.int_] = np.sum(masks, axis=0)
    return counts


def segment(bed: Samples, length: int, rng: np.random.Generator) -> Samples:
    """A random ``length``-sample stretch of ``bed`` (looped if the bed is shorter), unit RMS."""
    if len(bed) < length:
        bed = np.tile(bed, length // len(bed) + 1)
    start = int(rng.integers(0, len(bed) - length + 1))
    piece = bed[start : start + length]
    rms = _rms(piece)
    return piece / rms if rms > 0 else piece


def mix(speech: Samples, noise: Samples, snr_db: float, speech_level: float) -> Samples:
    """``speech`` plus ``noise`` scaled so active-speech RMS / noise RMS is ``snr_db``.

    ``speech_level`` is the active RMS of the speech (measured before padding). The sum is scaled
    down as a whole if it would clip, which keeps the SNR.
    """
    if len(noise) != len(speech):
        raise ValueError("speech and noise must have the same length")
    noise_rms = _rms(noise)
    if noise_rms <= 0 or speech_level <= 0:
        return speech.copy()
    target = speech_level / 10 ** (snr_db / 20)
    mixed: Samples = speech + noise * (target / noise_rms)
    peak = float(np.max(np.abs(mixed)))
    if peak > MAX_PEAK:
        mixed *= MAX_PEAK / peak
    return mixed


def measured_snr(speech: Samples, noise: Samples) -> float:
    """The SNR (dB) of ``speech`` against ``noise`` the way ``mix`` defines it."""
    return 20 * float(np.log10(active_rms(speech) / _rms(noise)))
