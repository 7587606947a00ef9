"""The mouth the skill talks through: sentences are synthesized and played in turn.

``Speech`` owns turn-taking on the output side: ``speaking`` is set while it talks so the
microphone side can ignore what it hears (half-duplex), and ``stop()`` cuts it short from
any thread.
"""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from .playback import Player
from .synthesis import Pcm, Synthesizer

_LOGGER = logging.getLogger(__name__)

# A sentence ends at . ! ? (optionally followed by closing quotes or brackets) before
# whitespace, or at a line break; "e.g. this" is rare enough in spoken answers to accept.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"')\]])\s+|\s*\n\s*")


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


class Speech:
    """Speaks text with one synthesizer and one player; safe to use from several threads."""

    def __init__(self, synthesizer: Synthesizer, player: Player) -> None:
        self.synthesizer = synthesizer
        self.player = player
        self._speaking = threading.Event()
        # One utterance at a time: a second say() waits rather than talking over the first.
        self._turn = threading.Lock()
        self._cancel_lock = threading.Lock()
        self._cancel = threading.Event()

    @property
    def speaking(self) -> threading.Event:
        """Set while speech is playing; the microphone side ignores input meanwhile."""
        return self._speaking

    def stop(self) -> None:
        """Interrupt what is being said and anything already waiting to be said."""
        with self._cancel_lock:
            # Each say() holds the event current when it was called, so setting it reaches
            # exactly the calls made before this stop(); later calls get a fresh event.
            self._cancel.set()
            self._cancel = threading.Event()

    def say(self, text: str) -> bool:
        """Speak ``text``; return True if it was all said, False if ``stop()`` interrupted."""
        return self._say_sentences(split_sentences(text))

    def _say_sentences(self, sentences: list[str]) -> bool:
        with self._cancel_lock:
            cancel = self._cancel
        with self._turn:
            if cancel.is_set():
                return False
            self._speaking.set()
            try:
                return self._pipeline(sentences, cancel)
            finally:
                self._speaking.clear()

    def _pipeline(self, sentences: list[str], cancel: threading.Event) -> bool:
        # Sentence n+1 is synthesized while sentence n plays, so there is no gap between them.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="synthesis") as pool:
            upcoming: Future[Pcm] | None = None
            for index, sentence in enumerate(sentences):
                if upcoming is None:
                    upcoming = pool.submit(self.synthesizer.synthesize, sentence)
                pcm = upcoming.result()
                upcoming = None
                if index + 1 < len(sentences):
                    upcoming = pool.submit(self.synthesizer.synthesize, sentences[index + 1])
                if cancel.is_set() or not self.player.play(pcm, cancel=cancel):
                    _LOGGER.debug("stopped during sentence %d of %d", index + 1, len(sentences))
                    if upcoming is not None:
                        upcoming.cancel()
                    return False
        return True
