"""The domain language model: an interpolated Kneser-Ney trigram of the skill's sentences as an
acceptor over the stock model's word ids, and its union with the stock language model.

The lowest order backs off to the stock unigram distribution instead of a uniform one, so inside
the domain branch every word of the stock vocabulary stays possible (open vocabulary), just
dearer than the domain's own words. The union enters the domain branch at an extra cost.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from .errors import GraphBuildError
from .fst import INFINITY, Graph, sorted_graph

ORDER = 3
_BOS = -1  # <s>: only ever a history, never a label
_EOS = -2  # </s>: a final weight, never a label


@dataclass(frozen=True)
class _Counts:
    """Kneser-Ney counts: order 3 raw, lower orders by distinct left context (raw after <s>)."""

    by_history: tuple[dict[tuple[int, ...], Counter[int]], ...]  # per order: history -> counts


def _count(sentences: list[list[int]]) -> _Counts:
    trigrams: dict[tuple[int, ...], Counter[int]] = defaultdict(Counter)
    raw_bigrams: set[tuple[int, int]] = set()
    start_bigrams: Counter[int] = Counter()
    for ids in sentences:
        padded = [_BOS, *ids, _EOS]
        start_bigrams[padded[1]] += 1
        for i in range(1, len(padded)):
            raw_bigrams.add((padded[i - 1], padded[i]))
            if i >= 2:
                trigrams[(padded[i - 2], padded[i - 1])][padded[i]] += 1
    bigrams: dict[tuple[int, ...], Counter[int]] = defaultdict(Counter)
    for (_, v), following in trigrams.items():
        for w in following:
            bigrams[(v,)][w] += 1  # one per distinct left word
    bigrams[(_BOS,)] = start_bigrams  # nothing precedes <s>: raw counts
    unigrams: Counter[int] = Counter()
    for _, w in raw_bigrams:
        unigrams[w] += 1
    return _Counts(({(): unigrams}, dict(bigrams), dict(trigrams)))


def domain_graph(
    sentences: list[list[int]],
    stock: Graph,
    stock_unigram: int,
    discount: float,
) -> Graph:
    """The interpolated Kneser-Ney trigram of ``sentences`` as an acceptor; state 0 is the
    null history, and words the sentences lack loop on it at the stock unigram cost."""
    counts = _count(sentences)
    histories = [h for level in counts.by_history for h in level]
    state_of = {h: i for i, h in enumerate(histories)}  # () first: state 0

    # The stock unigram distribution, the lowest order's backoff.
    first = np.searchsorted(stock.src, stock_unigram)
    last = np.searchsorted(stock.src, stock_unigram, side="right")
    stock_labels = stock.label[first:last]
    keep = stock_labels != 0
    stock_labels = stock_labels[keep]
    stock_costs = stock.weight[first:last][keep].astype(np.float64)
    stock_eos = float(stock.final[stock_unigram])

    def destination(history: tuple[int, ...], w: int) -> int:
        extended = (*history, w)[-(ORDER - 1) :]
        while extended and extended not in state_of:
            extended = extended[1:]
        return state_of[extended]

    src: list[int] = []
    label: list[int] = []
    cost: list[float] = []
    dest: list[int] = []
    final = np.full(len(histories), INFINITY, dtype=np.float32)
    # p(w | h) for the current and lower orders, computed top-down from the null history.
    unigram = counts.by_history[0][()]
    total = sum(unigram.values())
    gamma = discount * len(unigram) / total
    lower: dict[int, float] = {w: max(c - discount, 0.0) / total for w, c in unigram.items()}
    # Domain words and </s> get their own share plus the backoff share of the stock unigram.
    stock_p = dict(zip(stock_labels.tolist(), np.exp(-stock_costs).tolist(), strict=True))
    stock_p[_EOS] = math.exp(-stock_eos)
    p1 = {w: lower.get(w, 0.0) + gamma * stock_p.get(w, 0.0) for w in unigram}
    final[0] = -math.log(p1[_EOS]) if p1.get(_EOS, 0.0) > 0 else INFINITY
    domain_words = np.array([w for w in unigram if w != _EOS], dtype=np.int64)
    in_domain = np.isin(stock_labels, domain_words)
    # Open vocabulary: every other stock word loops on the null history.
    other = stock_labels[~in_domain]
    src.extend([0] * len(other))
    label.extend(other.tolist())
    cost.extend((stock_costs[~in_domain] - math.log(gamma)).tolist())
    dest.extend([0] * len(other))
    for w in domain_words.tolist():
        src.append(0)
        label.append(w)
        cost.append(-math.log(p1[w]))
        dest.append(destination((), w))

    probabilities: dict[tuple[int, ...], dict[int, float]] = {(): p1}
    for level in counts.by_history[1:]:
        for history, following in level.items():
            below = probabilities[history[1:]]
            total = sum(following.values())
            gamma = discount * len(following) / total
            state = state_of[history]
            p = {
                w: max(c - discount, 0.0) / total + gamma * _backed_off(below, w, p1, stock_p)
                for w, c in following.items()
            }
            probabilities[history] = p
            for w, value in p.items():
                if w == _EOS:
                    final[state] = -math.log(value)
                    continue
                src.append(state)
                label.append(w)
                cost.append(-math.log(value))
                dest.append(destination(history, w))
            src.append(state)  # the backoff arc
            label.append(0)
            cost.append(-math.log(gamma))
            dest.append(state_of[history[1:]])
    return sorted_graph(
        start=state_of[(_BOS,)],
        final=final,
        src=np.array(src, dtype=np.int64),
        label=np.array(label, dtype=np.int64),
        weight=np.array(cost, dtype=np.float32),
        dest=np.array(dest, dtype=np.int64),
    )


def _backed_off(
    below: dict[int, float], w: int, unigram: dict[int, float], stock: dict[int, float]
) -> float:
    """p(w | shorter history): listed there, or (for the null history only) never listed."""
    value = below.get(w)
    if value is not None:
        return value
    # A word seen after a longer history was seen, so it is always in the unigram level.
    return unigram.get(w, stock.get(w, 0.0))


def unigram_state(graph: Graph) -> int:
    """The null-history state: follow backoff (epsilon) arcs from the start."""
    state = graph.start
    for _ in range(ORDER + 8):
        first = int(np.searchsorted(graph.src, state))
        if first >= len(graph.src) or graph.src[first] != state or graph.label[first] != 0:
            return state
        state = int(graph.dest[first])
    raise GraphBuildError("Gr.fst has no null-history (unigram) state")


def union(stock: Graph, domain: Graph, domain_cost: float) -> Graph:
    """A new start state with epsilon arcs into ``stock`` (free) and ``domain`` (at a cost)."""
    shift_domain = 1 + stock.num_states
    return sorted_graph(
        start=0,
        final=np.concatenate([[INFINITY], stock.final, domain.final]).astype(np.float32),
        src=np.concatenate([[0, 0], stock.src + 1, domain.src + shift_domain]),
        label=np.concatenate([[0, 0], stock.label, domain.label]),
        weight=np.concatenate(
            [np.array([0.0, domain_cost], dtype=np.float32), stock.weight, domain.weight]
        ).astype(np.float32),
        dest=np.concatenate(
            [
                [stock.start + 1, domain.start + shift_domain],
                stock.dest + 1,
                domain.dest + shift_domain,
            ]
        ),
    )
