"""Recognition wired from the settings: the speech model, biased toward the skill when the
strategy wants it, and recognizers for files, the microphone and satellites.

The default strategy, ``domain``, listens with a model whose language-model graph also knows
every sentence the intents can make (``audio.domain_graph``). That graph is built once (by the
set-up, or here on first use) and cached, keyed by the intent files and the code; a start only
checks the key. If it cannot be built, recognition goes on with the stock model, saying so once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audio.errors import GraphBuildError
from skill.data import SkillData
from skill.index import recognizer_sentences
from skill.matcher import Matcher
from skill.matcher_cache import cache_key

from .settings import ListeningSettings

if TYPE_CHECKING:
    import vosk

    from audio.strategies import SpeechToText

_LOGGER = logging.getLogger(__name__)

# The strategy whose model is the domain-biased one.
DOMAIN = "domain"


@dataclass(frozen=True)
class Recognition:
    """A loaded model and how to listen with it."""

    model: vosk.Model
    model_path: Path
    strategy: str
    matcher: Matcher

    def recognizer(self, source: str) -> SpeechToText:
        """A fresh recognizer for the strategy, expecting the skill's sentences."""
        from audio.strategies import USES_SENTENCES, make_recognizer

        return make_recognizer(
            self.strategy,
            self.model,
            self.matcher.spoken_sentences if self.strategy in USES_SENTENCES else (),
            source=source,
            judge=self.matcher.judge,
        )


def domain_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("neck-coach")) / "models"


def load_recognition(
    settings: ListeningSettings,
    data: SkillData,
    matcher: Matcher,
    note: Callable[[str], None],
) -> Recognition:
    """The model for ``settings`` (``ModelError`` if there is none usable), built into the
    domain-biased one when the strategy is ``domain``."""
    from audio.model import check_model, load_model, locate_model

    stock = check_model(locate_model(settings.model))
    path = stock
    if settings.strategy == DOMAIN:
        path = domain_model_path(stock, data, matcher, note)
    return Recognition(load_model(path), path, settings.strategy, matcher)


def domain_model_path(
    stock: Path,
    data: SkillData,
    matcher: Matcher,
    note: Callable[[str], None],
    cache: Path | None = None,
) -> Path:
    """The domain-biased model folder for ``stock`` (built now if it is not cached), or
    ``stock`` itself when it cannot be built."""
    from audio.domain_graph import build_domain_model, domain_model_status

    def sentences() -> list[str]:
        return recognizer_sentences(data.intents, matcher.index)

    key = cache_key(data.intents)
    cache = cache or domain_cache_dir()
    try:
        if domain_model_status(stock, sentences, cache, corpus_key=key).state != "current":
            note("Preparing the speech model for Neck Coach's questions (once, about 10 s)…")
        return build_domain_model(stock, sentences, cache, corpus_key=key)
    except GraphBuildError as error:
        note(str(error))
        return stock
