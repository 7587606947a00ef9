"""The audio layer's own exceptions: each message says what failed and what the user can do.

``audio`` does not import ``skill``, so new audio-side code raises these; the caller decides how
to fall back (the stock model when the domain graph cannot be built, the keyboard when there is
no sound).
"""

from __future__ import annotations


class AudioError(Exception):
    """Sound in or out, or speech recognition, is not available as asked."""


class ModelError(AudioError):
    """A speech model is missing, incomplete, damaged or cannot be loaded."""


class GraphBuildError(ModelError):
    """The domain-biased language-model graph could not be built from the stock model."""
