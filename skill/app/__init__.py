"""The face: the command line, the session loop, the terminal, the keyboard and the voice wiring.

The only code that prints, exits or reads options. It builds the brain (``skill``) and the ears
and mouth (``audio``) from the settings and plugs them together through ``skill.ports``.
"""
