"""Neck Coach's brain: intents, matching, safety, content, dialogue and routines.

It imports from ``audio`` (the layer below) and never from ``skill.app`` (the face above); it
never prints, exits or reads options.
"""
