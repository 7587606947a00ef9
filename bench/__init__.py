"""Neck Coach's benchmark: spoken questions in several voices and noise levels, through the same
endpointer, recognizers and dialogue as the microphone path, against peer matchers.

Run it with ``make bench`` (``python -m bench``; ``--help`` for the options). Results go to
``bench/out/`` (results.json, results.md, accuracy_vs_snr.png); a full run also copies the chart
to ``docs/``.
"""
