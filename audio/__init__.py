"""The ears and the mouth: capture, conversion, endpointing, recognition, synthesis, playback.

The bottom layer: it imports nothing from ``skill``. Everything arrives at the recognizer as
16 kHz 16-bit mono (``audio.events``); errors are the layer's own (``audio.errors``).
"""
