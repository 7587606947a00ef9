"""Neck Coach's brain: intents, dialogue, article content, stretch routines and the CLI.

Nothing in this package records or plays sound; that lives in ``audio``.
"""

__version__ = "0.1.0"
