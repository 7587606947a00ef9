"""Meaning, not wording: a second opinion on the matcher's ranking from sentence embeddings.

The matcher scores how much of the user's wording the templates share, so a paraphrase with few
template words ("how many days until this cramp eases off") falls short of the threshold. This
module compares meanings: a text becomes a vector (the mean of WordLlama's static token vectors,
which ship inside the ``wordllama`` package and are read directly, never downloaded), and an
intent's similarity is the best cosine between the text and the intent's exemplar sentences (the
plainest sentence of each template and a few others as unlike it as possible).

``SemanticRescorer`` blends that similarity with the matcher's confidence and maps the blend so
that ``Blend.threshold`` lands on the dialogue's threshold (``matcher.THRESHOLD``): the fallback,
the clarify margin and the recognition strategies keep their meaning. Embeddings alone accept far
more off-topic questions than the matcher, which is why they only ever blend. Off-topic exemplars
(``content/off_topic.yaml``) are a further guard: a text closer to one of them than to every
intent loses the difference.

Exemplar vectors are cached on disk, keyed by the intent files, the off-topic examples, this code
and the embedding package's version, so a start reads them back in a few milliseconds. The
vectors themselves come from ``skill.embedding``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from . import matcher as matching
from .cache_files import remove_others
from .embedding import SemanticError, StaticEmbedder, Vectors
from .intents import IntentSet, Slots
from .matcher import IntentMatch
from .text import normalize

_LOGGER = logging.getLogger(__name__)

# Exemplars: each template's plainest sentence plus this many others, picked far apart from a
# random pool of at most POOL_SIZE (a template with slots: per slot value, fewer).
PER_TEMPLATE = 4
PER_SLOT_VALUE = 1
POOL_SIZE = 300
SEED = 0


@dataclass(frozen=True)
class Blend:
    """How the matcher's confidence and the semantic similarity combine (tuned on half of the
    development data, checked on the other half: see ``bench/semantic_eval.py``)."""

    matcher_weight: float = 0.5
    # The blended score that counts as the dialogue's threshold.
    threshold: float = 0.6
    # A text whose off-topic similarity beats its best intent similarity by more than
    # ``off_topic_margin`` loses ``off_topic_weight`` times the excess from its blended score.
    off_topic_margin: float = 0.0
    off_topic_weight: float = 1.0

    def score(self, confidence: float, similarity: float, off_topic_gap: float) -> float:
        blended = self.matcher_weight * confidence + (1 - self.matcher_weight) * similarity
        blended -= self.off_topic_weight * max(0.0, off_topic_gap - self.off_topic_margin)
        return self.calibrate(blended)

    def calibrate(self, blended: float) -> float:
        """Map the blended score onto the matcher's scale: ``threshold`` -> ``THRESHOLD``,
        linear on either side, so confidences the dialogue compares keep their meaning."""
        target, t = matching.THRESHOLD, self.threshold
        if blended < t:
            value = target * blended / t
        else:
            value = target + (1 - target) * (blended - t) / (1 - t)
        return min(max(value, 0.0), 0.99)


@dataclass(frozen=True)
class Exemplar:
    """One sentence standing for an intent in the semantic index."""

    intent: str
    text: str
    slots: Slots = ()


def choose_exemplars(
    intents: IntentSet,
    per_template: int = PER_TEMPLATE,
    per_slot_value: int = PER_SLOT_VALUE,
    pool_size: int = POOL_SIZE,
    seed: int = SEED,
) -> list[Exemplar]:
    """A few sentences per template: its first (plainest) sentence and others picked to be as
    unlike the ones already chosen as possible; per slot value for templates with slots, so every
    cause and treatment is represented. Deterministic for given intents."""
    rng = random.Random(seed)
    chosen: dict[str, Exemplar] = {}
    for intent in intents.intents.values():
        for template in intent.templates:
            groups: dict[Slots, list[str]] = defaultdict(list)
            for text, slots in intents.expand_template(template):
                groups[tuple(sorted(slots))].append(text)
            extra = per_template if len(groups) == 1 else per_slot_value
            for slots, texts in groups.items():
                for text in _far_apart(texts, extra, pool_size, rng):
                    words = normalize(text)
                    if words:
                        chosen.setdefault(words, Exemplar(intent.name, words, slots))
    return sorted(chosen.values(), key=lambda e: (e.intent, e.text))


def _far_apart(texts: list[str], extra: int, pool_size: int, rng: random.Random) -> list[str]:
    """The first text, then ``extra`` more, each the least like those already picked."""
    picked, pool = [texts[0]], texts[1:]
    if len(pool) > pool_size:
        pool = rng.sample(pool, pool_size)
    while len(picked) <= extra and pool:
        best = min(pool, key=lambda t: max(fuzz.ratio(t, p) for p in picked))
        picked.append(best)
        pool.remove(best)
    return picked


@dataclass(frozen=True)
class Similarities:
    """How close one text is to each intent, and to the nearest off-topic example."""

    by_intent: Mapping[str, float]
    off_topic: float

    @property
    def best(self) -> float:
        return max(self.by_intent.values(), default=0.0)


class SemanticIndex:
    """Exemplar vectors grouped by intent, and off-topic vectors."""

    def __init__(
        self,
        embedder: StaticEmbedder,
        names: Sequence[str],
        starts: npt.NDArray[np.int64],
        vectors: Vectors,
        off_topic: Vectors,
    ) -> None:
        self.embedder = embedder
        # Exemplar rows starts[i] up to starts[i + 1] belong to intent names[i].
        self.names = list(names)
        self._starts = starts
        self._vectors = vectors
        self._off_topic = off_topic

    @classmethod
    def build(
        cls, embedder: StaticEmbedder, exemplars: Sequence[Exemplar], off_topic: Sequence[str]
    ) -> SemanticIndex:
        ordered = sorted(exemplars, key=lambda e: e.intent)
        names = sorted({e.intent for e in ordered})
        owners = np.array([names.index(e.intent) for e in ordered], dtype=np.int64)
        starts = np.searchsorted(owners, np.arange(len(names))).astype(np.int64)
        vectors = embedder.embed([e.text for e in ordered])
        others = embedder.embed([normalize(t) for t in off_topic]) if off_topic else None
        if others is None:
            others = np.zeros((0, embedder.dimension), dtype=np.float32)
        return cls(embedder, names, starts, vectors, others)

    def similarities(self, text: str) -> Similarities:
        """Best cosine per intent, and to any off-topic example (-1 when there are none)."""
        words = normalize(text)
        if not words or not self.names:
            return Similarities({}, -1.0)
        query = self.embedder.embed([words])[0]
        best = np.maximum.reduceat(self._vectors @ query, self._starts)
        off = float((self._off_topic @ query).max()) if len(self._off_topic) else -1.0
        return Similarities(dict(zip(self.names, best.tolist(), strict=True)), off)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(
            partial,
            names=np.array(self.names),
            starts=self._starts,
            vectors=self._vectors,
            off_topic=self._off_topic,
        )
        partial.replace(path)

    @classmethod
    def read(cls, embedder: StaticEmbedder, path: Path) -> SemanticIndex:
        with np.load(path, allow_pickle=False) as saved:
            vectors = saved["vectors"].astype(np.float32)
            if vectors.shape[1] != embedder.dimension:
                raise ValueError(f"cached vectors have {vectors.shape[1]} dimensions")
            return cls(
                embedder,
                [str(n) for n in saved["names"]],
                saved["starts"].astype(np.int64),
                vectors,
                saved["off_topic"].astype(np.float32),
            )


def load_index(
    intents: IntentSet,
    off_topic: Sequence[str],
    embedder: StaticEmbedder | None = None,
    cache_dir: Path | None = None,
) -> SemanticIndex:
    """The index for ``intents`` and the ``off_topic`` examples, read from the user's cache when
    its key matches, else built (about half a second) and cached."""
    from platformdirs import user_cache_dir

    embedder = embedder or StaticEmbedder()
    folder = cache_dir or Path(user_cache_dir("neck-coach"))
    path = folder / f"semantic-{_fingerprint(intents, off_topic, embedder)}.npz"
    try:
        return SemanticIndex.read(embedder, path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, EOFError) as error:
        _LOGGER.info("rebuilding the semantic cache %s: %s", path, error)
    index = SemanticIndex.build(embedder, choose_exemplars(intents), off_topic)
    try:
        index.save(path)
    except OSError as error:
        _LOGGER.info("cannot write the semantic cache %s: %s", path, error)
    else:
        remove_others(path)
    return index


def _fingerprint(intents: IntentSet, off_topic: Sequence[str], embedder: StaticEmbedder) -> str:
    digest = hashlib.sha256(embedder.identity.encode())
    here = Path(__file__)
    # text.py: ``normalize`` shapes every exemplar; intents.py: the template expansion.
    code = (here, here.with_name("text.py"), here.with_name("intents.py"))
    for path in (*sorted(intents.sources), *code):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update("\n".join(off_topic).encode())
    return digest.hexdigest()[:20]


class SemanticRescorer:
    """Blends the semantic similarity into the matcher's ranking (a ``matcher.Rescorer``)."""

    def __init__(self, index: SemanticIndex, blend: Blend | None = None) -> None:
        self.index = index
        self.blend = blend or Blend()

    def rescore(self, text: str, ranked: list[IntentMatch]) -> list[IntentMatch]:
        # An exact template sentence needs no second opinion.
        if not ranked or ranked[0].confidence >= 1.0:
            return ranked
        similar = self.index.similarities(text)
        if not similar.by_intent:
            return ranked
        gap = similar.off_topic - similar.best
        blended = [
            replace(
                match,
                confidence=self.blend.score(
                    match.confidence, similar.by_intent.get(match.intent, 0.0), gap
                ),
            )
            for match in ranked
        ]
        return sorted(blended, key=lambda m: -m.confidence)


def load_rescorer(
    intents: IntentSet,
    off_topic: Sequence[str],
    cache_dir: Path | None = None,
    blend: Blend | None = None,
) -> SemanticRescorer | None:
    """The semantic second opinion for ``intents``; ``None`` (the matcher alone, with a warning
    in the log) when the embedding package cannot be loaded."""
    try:
        index = load_index(intents, off_topic, cache_dir=cache_dir)
    except SemanticError as error:
        _LOGGER.warning("semantic matching is off: %s", error)
        return None
    return SemanticRescorer(index, blend)
