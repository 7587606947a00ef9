"""Which utterances the benchmark makes: the listening conditions and the sampling design.

Conditions (``CONDITIONS``):

* ``clean``: the voice alone.
* ``babble-20/10/5``, ``pink-20/10/5``, ``brown-20/10/5``: noise at 20, 10 and 5 dB SNR, the SNR
  taken on the active speech (``bench.noise``). Babble is eight talkers at once (at least four
  of them talking in 99% of 10 ms frames) made from voices that are not test talkers
  (``bench.voices.BABBLE_VOICES``), saying unrelated Harvard sentences (``bench/babble.txt``),
  never a test item.
* ``reverb``: a reverberant room, sox ``reverb 50 50 70 100 10 0`` (reverberance 50%, HF damping
  50%, room scale 70%, 10 ms pre-delay, dry plus wet at 0 dB: a hard-walled kitchen-sized room,
  the talker a metre or two from the microphone), then a quiet pink-noise floor at 25 dB SNR.

Saying every item by every voice in every condition would be 66 utterances an item, several
hours on the 2-core benchmark machine. The design gives every item, in order of the file:

1. **Clean, every near-human family** (piper, festival-hts, flite): 3 utterances. Flite's three
   voices take turns from item to item.
2. **Each noise type once** (babble, pink, brown): 3 utterances. The SNR and the near-human
   family rotate as a Latin square over blocks of 9 consecutive items: within a block every
   (SNR, family) pair occurs once for each noise type, and each noise type gives an item a
   different SNR. So every (type, SNR) cell holds a third of the items, every family and every
   section of the file alike, and every SNR holds all of them once.
3. **Reverb once**: 1 utterance, the near-human family rotating.
4. **espeak-ng, the hard row**: every item clean, and every other item in ``HARD_NOISY``
   (pink at 10 dB): 1.5 utterances.

That is 8.5 utterances an item (about 2,200 for 260 items). ``every_snr`` makes step 2 every
(type, SNR) pair (9 utterances, 14.5 in all) for a denser, slower run. Choosing voices or
conditions keeps the same rotation over what is left. The design depends only on the items'
order, so it is the same on every run and machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .sets import Question
from .voices import ESPEAK, NEAR_HUMAN, Voice

NOISE_TYPES = ("babble", "pink", "brown")
SNRS = (20, 10, 5)
CLEAN = "clean"
REVERB = "reverb"
# The reverberant room's noise floor (dB SNR on active speech).
REVERB_NOISE_SNR = 25
# The espeak-ng row's one noisy condition, for every ``HARD_NOISY_EVERY``-th item.
HARD_NOISY = "pink-10"
HARD_NOISY_EVERY = 2


@dataclass(frozen=True)
class Condition:
    """How an utterance is heard: noise type and SNR, or the reverberant room."""

    name: str
    noise: str  # "none", "babble", "pink" or "brown"
    snr: int | None = None  # dB on active speech; None: no noise
    reverb: bool = False

    @property
    def family(self) -> str:
        """``clean``, a noise type, or ``reverb``: the lines of the accuracy chart."""
        if self.reverb:
            return REVERB
        return CLEAN if self.noise == "none" else self.noise


CONDITIONS = (
    Condition(CLEAN, "none"),
    *(Condition(f"{kind}-{snr}", kind, snr) for kind in NOISE_TYPES for snr in SNRS),
    Condition(REVERB, "pink", REVERB_NOISE_SNR, reverb=True),
)
BY_NAME = {c.name: c for c in CONDITIONS}


def select_conditions(spec: str | None) -> list[Condition]:
    """Conditions from a comma list of names (``pink-10``), noise types (``babble``: all its
    SNRs), SNRs (``5``: every type at 5 dB), ``clean``, ``reverb``, ``noise`` or ``all``."""
    if spec is None or spec.strip() == "all":
        return list(CONDITIONS)
    wanted: set[str] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part in BY_NAME:
            wanted.add(part)
        elif part in NOISE_TYPES:
            wanted |= {f"{part}-{snr}" for snr in SNRS}
        elif part.isdigit() and int(part) in SNRS:
            wanted |= {f"{kind}-{part}" for kind in NOISE_TYPES}
        elif part == "noise":
            wanted |= {c.name for c in CONDITIONS if c.snr is not None and not c.reverb}
        else:
            names = ", ".join(BY_NAME)
            raise ValueError(f"unknown condition {part!r}; use {names}, a noise type or an SNR")
    return [c for c in CONDITIONS if c.name in wanted]


@dataclass(frozen=True)
class Planned:
    """One utterance to make and run: an item, said by a voice, heard in a condition."""

    question: Question
    voice: Voice
    condition: Condition


def _families(voices: Sequence[Voice]) -> list[list[Voice]]:
    """The near-human voices grouped by family, in ``NEAR_HUMAN`` order."""
    groups = [[v for v in voices if v.family == family] for family in NEAR_HUMAN]
    return [g for g in groups if g]


def _turn(group: Sequence[Voice], turn: int) -> Voice:
    return group[turn % len(group)]


def plan(
    items: Sequence[Question],
    voices: Sequence[Voice],
    conditions: Sequence[Condition],
    every_snr: bool = False,
) -> list[Planned]:
    """The utterances of the design above for these items, voices and conditions."""
    chosen = {c.name for c in conditions}
    families = _families(voices)
    hard = [v for v in voices if v.family == ESPEAK]
    others = [v for v in voices if not v.near_human and v.family != ESPEAK]
    if others:
        raise ValueError(f"voices of no known family: {', '.join(v.id for v in others)}")
    out: list[Planned] = []
    for position, item in enumerate(items):
        out += _near_human(item, position, families, chosen, every_snr)
        out += _hard(item, position, hard, chosen)
    return out


def _near_human(
    item: Question, position: int, families: list[list[Voice]], chosen: set[str], every_snr: bool
) -> list[Planned]:
    if not families:
        return []
    out: list[Planned] = []
    if CLEAN in chosen:
        out += [Planned(item, _turn(g, position), BY_NAME[CLEAN]) for g in families]
    for k, kind in enumerate(NOISE_TYPES):
        snrs = [snr for snr in SNRS if f"{kind}-{snr}" in chosen]
        if not snrs:
            continue
        block = len(snrs) * len(families)
        picks = range(len(snrs)) if every_snr else [(position + k) % len(snrs)]
        for i in picks:
            family = families[(position // len(snrs) + k + (i if every_snr else 0)) % len(families)]
            voice = _turn(family, position // block + k)
            out.append(Planned(item, voice, BY_NAME[f"{kind}-{snrs[i]}"]))
    if REVERB in chosen:
        family = families[position % len(families)]
        out.append(Planned(item, _turn(family, position // len(families)), BY_NAME[REVERB]))
    return out


def _hard(item: Question, position: int, hard: list[Voice], chosen: set[str]) -> list[Planned]:
    if not hard:
        return []
    voice = _turn(hard, position)
    out: list[Planned] = []
    if CLEAN in chosen:
        out.append(Planned(item, voice, BY_NAME[CLEAN]))
    if HARD_NOISY in chosen and position % HARD_NOISY_EVERY == 0:
        out.append(Planned(item, voice, BY_NAME[HARD_NOISY]))
    return out
