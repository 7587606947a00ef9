"""The peers Neck Coach's matcher is compared with, on the same transcripts.

* ``hassil``: Home Assistant's template matcher, strict (hassil 3.12 has no fuzzy matching): the
  text must be one of the sentences the templates produce. It gets the same intents, lists and
  expansion rules, converted from ``intents/*.yaml`` to hassil's own format, and the transcript
  after Neck Coach's normalization and synonym table (the templates are written in canonical
  words, so without it hassil could not match "sore" to "pain" at all).
* ``fuzzy``: what Rhasspy and the Home Assistant Vosk add-on do with an open-vocabulary
  transcript: snap it to the nearest expanded template sentence with rapidfuzz's ``fuzz.ratio``
  when the score reaches the cutoff, then look that sentence's intent up strictly.

Neither peer has a safety layer, so on red-flag questions they are scored on the intent alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hassil.intents import Intents
from hassil.recognize import recognize
from rapidfuzz import fuzz, process

from audio.strategies import CORRECTION_CUTOFF
from skill.intents import IntentSet
from skill.matcher import Matcher

FALLBACK = "fallback"


@dataclass(frozen=True)
class PeerAnswer:
    intent: str  # "fallback" when nothing matched
    slots: dict[str, str] = field(default_factory=dict)


def hassil_dict(intents_dir: Path) -> dict[str, Any]:
    """``intents/*.yaml`` in hassil's format: intents with their sentences, lists, rules."""
    out: dict[str, Any] = {"language": "en", "intents": {}, "lists": {}, "expansion_rules": {}}
    for path in sorted(intents_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, body in (data.get("intents") or {}).items():
            out["intents"][name] = {"data": [{"sentences": list(body["sentences"])}]}
        for name, body in (data.get("lists") or {}).items():
            values = [
                value if isinstance(value, str) else {"in": value["in"], "out": value["out"]}
                for value in body["values"]
            ]
            out["lists"][name] = {"values": values}
        out["expansion_rules"].update(data.get("expansion_rules") or {})
    return out


class HassilPeer:
    """hassil's strict ``recognize`` over Neck Coach's templates."""

    name = "hassil"

    def __init__(self, intents_dir: Path, matcher: Matcher) -> None:
        self._intents = Intents.from_dict(hassil_dict(intents_dir))
        self._canonical = matcher.canonical

    def __call__(self, text: str) -> PeerAnswer:
        query = self._canonical(text)
        result = recognize(query, self._intents) if query else None
        if result is None:
            return PeerAnswer(FALLBACK)
        slots = {name: str(entity.value) for name, entity in result.entities.items()}
        return PeerAnswer(result.intent.name, slots)


class FuzzyPeer:
    """Nearest expanded sentence by ``fuzz.ratio`` (if >= cutoff), then its intent."""

    name = "fuzzy"

    def __init__(self, intents: IntentSet, matcher: Matcher, cutoff: float = CORRECTION_CUTOFF):
        self._canonical = matcher.canonical
        self.cutoff = cutoff
        table: dict[str, tuple[str, dict[str, str]]] = {}
        for intent, sentence, slots in intents.samples():
            table.setdefault(matcher.canonical(sentence), (intent, dict(slots)))
        table.pop("", None)
        self._table = table
        self._sentences = list(table)

    def __call__(self, text: str) -> PeerAnswer:
        query = self._canonical(text)
        if not query:
            return PeerAnswer(FALLBACK)
        best = process.extractOne(
            query, self._sentences, scorer=fuzz.ratio, score_cutoff=self.cutoff
        )
        if best is None:
            return PeerAnswer(FALLBACK)
        intent, slots = self._table[best[0]]
        return PeerAnswer(intent, dict(slots))
