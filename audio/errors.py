"""The audio layer's exceptions: sound in or out, audio files, the speech model.

Each message says what is wrong in terms of sound and files; it never names a command of the
program above, which adds its own hint (how to get a model, how to list voices) where it shows
the error.
"""

from __future__ import annotations


class AudioError(Exception):
    """Sound in or out is not available (no device, PortAudio missing), or an audio file is bad."""


class UnknownVoiceError(AudioError):
    """No installed speech voice matches the one asked for."""


class ModelError(AudioError):
    """The speech recognition model is missing, incomplete, damaged or cannot be loaded."""


class GraphBuildError(ModelError):
    """The domain-biased language model graph could not be built."""


class AudioFormatError(AudioError):
    """Streamed audio names a sample rate, width or channel count that cannot be converted."""
