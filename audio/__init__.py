"""Neck Coach's ears and mouth: recognition, microphone, synthesis and playback.

Nothing here knows about intents or dialogue; the boundary with ``skill`` is ``audio.events``.
"""
