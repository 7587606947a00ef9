"""A language-model graph biased toward the skill's own sentences, built into a Vosk model folder.

The small Vosk model decodes with two graphs: ``graph/HCLr.fst`` (lexicon, context, HMM; left
alone) and ``graph/Gr.fst`` (the language model, an OpenFst ``ngram`` FST whose embedded output
symbol table is the vocabulary, already in HCLr's word ids). ``build_domain_model`` writes a new
``Gr.fst`` that is the union of

* the stock language model, unchanged, so speech about anything else still comes out as itself;
* a trigram model of the given sentences (interpolated Kneser-Ney with absolute discount ``D``),
  entered at an extra ``domain_cost``. Its lowest order backs off to the stock unigram
  distribution instead of a uniform one, so inside the domain branch every word of the stock
  vocabulary stays possible (open vocabulary), just dearer than the domain's own words.

Sentences with a word the model does not know are dropped: the recognizer could never produce
them. Everything is plain numpy on the files' binary layouts (OpenFst's ``ngram`` and ``const``
formats, read and written here), so the build needs no OpenFst tools, no network and no
compiler; it takes a few seconds. The result is an FST of type ``const`` with the stock symbol
tables copied byte for byte, which Vosk loads like the stock one.

The model folder is ``cache_root/<stock name>+domain-<hash>``: links to every stock file plus the
new ``graph/Gr.fst`` and a ``domain.json`` manifest. The hash covers the stock graph files, the
sentence set, the build parameters and ``BUILDER_VERSION``, so the same inputs reuse the build and
any change rebuilds it. A build happens in a hidden temporary folder renamed into place at the
end; a failed build leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import shutil
import struct
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from .errors import GraphBuildError

_LOGGER = logging.getLogger(__name__)

# Bump whenever the output for the same inputs changes: older cached builds then count as stale.
BUILDER_VERSION = 1
ORDER = 3
# Cost (negative natural log) of entering the domain branch; 0 weighs it like the stock one.
DEFAULT_DOMAIN_COST = 1.0
# Kneser-Ney absolute discount, the same at every order.
DEFAULT_DISCOUNT = 0.7
MANIFEST = "domain.json"
GRAPH = "graph/Gr.fst"
HCL = "graph/HCLr.fst"
SUFFIX = "+domain-"

_FST_MAGIC = 2125659606
_SYMBOLS_MAGIC = 2125658996
_HAS_ISYMBOLS = 1
_HAS_OSYMBOLS = 2
_IS_ALIGNED = 4
_ALIGNMENT = 16
# What is true of the union, in OpenFst's property bits: expanded, acceptor, has (input and
# output) epsilons, input and output label sorted, weighted, cyclic, initial acyclic, not top
# sorted, accessible, coaccessible, not a string. Determinism is left unknown: the start state
# has two epsilon arcs.
_PROPERTIES = 0x25A5_5541_0001
_INFINITY = np.float32(np.inf)
_BOS = -1  # <s>: only ever a history, never a label
_EOS = -2  # </s>: a final weight, never a label

_ARC = np.dtype([("ilabel", "<i4"), ("olabel", "<i4"), ("weight", "<f4"), ("nextstate", "<i4")])
_STATE = np.dtype(
    [
        ("final", "<f4"),
        ("pos", "<u4"),
        ("narcs", "<u4"),
        ("niepsilons", "<u4"),
        ("noepsilons", "<u4"),
    ]
)
_WORD = re.compile(r"[^a-z0-9' ]+")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


# -- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainModelStatus:
    """Whether the domain model for given inputs is built.

    ``path`` is where that build is (or would be); ``stale`` lists builds of the same stock model
    for other inputs (older sentences, parameters or builder).
    """

    path: Path
    current: bool
    stale: tuple[Path, ...] = ()

    @property
    def state(self) -> Literal["current", "stale", "missing"]:
        if self.current:
            return "current"
        return "stale" if self.stale else "missing"


Sentences = Iterable[str] | Callable[[], Iterable[str]]


def build_domain_model(
    stock_model: Path,
    sentences: Sentences,
    cache_root: Path,
    *,
    corpus_key: str | None = None,
    domain_cost: float = DEFAULT_DOMAIN_COST,
    discount: float = DEFAULT_DISCOUNT,
) -> Path:
    """The model folder with the domain-biased graph for ``sentences``, built if not cached.

    ``sentences`` may be a function that makes them: with ``corpus_key`` (a fingerprint of
    whatever the sentences come from, e.g. the intent files) a cached build is found without
    making the sentences at all, which keeps start-up quick. Raises ``GraphBuildError`` (nothing
    left behind) when the stock model has no dynamic graph, none of the sentences is speakable
    with its vocabulary, or the files cannot be read or written; the caller then uses the stock
    model.
    """
    if not 0.0 < discount < 1.0:
        raise ValueError(f"the discount must be between 0 and 1, not {discount}")
    stock_model = Path(stock_model).resolve()
    corpus: list[str] | None = None
    if corpus_key is None:
        corpus = _corpus(_sentences(sentences))
        corpus_key = _corpus_digest(corpus)
    folder = _target(stock_model, corpus_key, Path(cache_root), domain_cost, discount)
    if _is_built(folder):
        return folder
    if corpus is None:
        corpus = _corpus(_sentences(sentences))
    began = time.perf_counter()
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the model folder is not
    try:
        _link_stock(stock_model, work)
        stats = _write_graph(stock_model / GRAPH, corpus, work / GRAPH, domain_cost, discount)
        stats["seconds"] = round(time.perf_counter() - began, 2)
        manifest = {
            "builder_version": BUILDER_VERSION,
            "stock_model": str(stock_model),
            "domain_cost": domain_cost,
            "discount": discount,
            "order": ORDER,
            "key": folder.name,
            **stats,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _move_into_place(work, folder)
    except BaseException as error:
        # Whatever stops the build (a full disk, a damaged file, Ctrl-C), nothing half-built
        # stays; every failure but an interruption becomes the one error the caller handles.
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(error, GraphBuildError) or not isinstance(error, Exception):
            raise
        raise GraphBuildError(
            f"Could not build the domain language model from {stock_model} ({error}); "
            "the stock model is used instead."
        ) from error
    _LOGGER.info("built domain model %s in %.1f s", folder, time.perf_counter() - began)
    _prune(folder)
    return folder


def domain_model_status(
    stock_model: Path,
    sentences: Sentences,
    cache_root: Path,
    *,
    corpus_key: str | None = None,
    domain_cost: float = DEFAULT_DOMAIN_COST,
    discount: float = DEFAULT_DISCOUNT,
) -> DomainModelStatus:
    """Whether ``build_domain_model`` with these inputs would reuse a build (``current``)."""
    stock_model = Path(stock_model).resolve()
    key = corpus_key or _corpus_digest(_corpus(_sentences(sentences)))
    folder = _target(stock_model, key, Path(cache_root), domain_cost, discount)
    current = _is_built(folder)
    others = tuple(p for p in _siblings(folder) if p != folder)
    return DomainModelStatus(folder, current, () if current else others)


# -- cache ---------------------------------------------------------------------------------------


def _corpus(sentences: Iterable[str]) -> list[str]:
    """Each distinct sentence once, as lower-case words joined by single spaces, sorted."""
    cleaned = {
        " ".join(_WORD.sub(" ", sentence.lower().replace("\u2019", "'")).split())
        for sentence in set(sentences)
    }
    cleaned.discard("")
    return sorted(cleaned)


def _sentences(sentences: Sentences) -> Iterable[str]:
    return sentences() if callable(sentences) else sentences


def _corpus_digest(corpus: list[str]) -> str:
    return hashlib.sha256("\n".join(corpus).encode()).hexdigest()


def _stock_identity(stock_model: Path) -> str:
    """What identifies the stock graphs: their sizes and their first and last megabyte (hashing
    all 70 MB at every start would cost more than the rest of the lookup)."""
    digest = hashlib.sha256()
    for name in (GRAPH, HCL):
        path = stock_model / name
        if not path.is_file():
            raise GraphBuildError(
                f"The speech model at {stock_model} has no {name}: the domain language model "
                "needs a model with a dynamic graph (graph/HCLr.fst and graph/Gr.fst). "
                "The stock model is used as it is."
            )
        size = path.stat().st_size
        digest.update(f"{name}:{size}".encode())
        with path.open("rb") as handle:
            digest.update(handle.read(_SAMPLE_BYTES))
            handle.seek(max(0, size - _SAMPLE_BYTES))
            digest.update(handle.read(_SAMPLE_BYTES))
    return digest.hexdigest()


# How much of each end of a stock graph file its identity reads.
_SAMPLE_BYTES = 1 << 20


def _target(
    stock_model: Path,
    corpus_key: str,
    cache_root: Path,
    domain_cost: float,
    discount: float,
) -> Path:
    key = json.dumps(
        {
            "builder": BUILDER_VERSION,
            "stock": _stock_identity(stock_model),
            "sentences": corpus_key,
            "order": ORDER,
            "domain_cost": round(domain_cost, 4),
            "discount": round(discount, 4),
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_root.resolve() / f"{stock_model.name}{SUFFIX}{digest}"


def _is_built(folder: Path) -> bool:
    return (folder / MANIFEST).is_file() and (folder / GRAPH).is_file()


def _siblings(folder: Path) -> list[Path]:
    prefix = folder.name.split(SUFFIX)[0] + SUFFIX
    if not folder.parent.is_dir():
        return []
    return sorted(p for p in folder.parent.iterdir() if p.name.startswith(prefix) and p.is_dir())


def _prune(folder: Path) -> None:
    """Remove older builds of the same stock model (a loaded model no longer needs its files)."""
    for other in _siblings(folder):
        if other != folder:
            _LOGGER.info("removing stale domain model %s", other)
            shutil.rmtree(other, ignore_errors=True)


def _link(target: Path, link: Path) -> None:
    try:
        link.symlink_to(target, target_is_directory=target.is_dir())
    except OSError:
        # Filesystems without symbolic links get copies.
        if target.is_dir():
            shutil.copytree(target, link)
        else:
            shutil.copy2(target, link)


def _link_stock(stock_model: Path, work: Path) -> None:
    for entry in sorted(stock_model.iterdir()):
        if entry.name == "graph":
            (work / "graph").mkdir()
            for inner in sorted(entry.iterdir()):
                if inner.name != "Gr.fst":
                    _link(inner, work / "graph" / inner.name)
        elif entry.name != MANIFEST:
            _link(entry, work / entry.name)


def _move_into_place(work: Path, folder: Path) -> None:
    try:
        work.rename(folder)
    except OSError:
        # Another process finished the same build first: theirs is as good as ours.
        if not _is_built(folder):
            raise
        shutil.rmtree(work, ignore_errors=True)


# -- reading OpenFst files -----------------------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    """A weighted acceptor as arrays; arcs sorted by (source, label), weights are costs."""

    start: int
    final: FloatArray  # per state; inf when not final
    src: IntArray
    label: IntArray
    weight: FloatArray
    dest: IntArray

    @property
    def num_states(self) -> int:
        return len(self.final)


@dataclass(frozen=True)
class _Header:
    fst_type: str
    version: int
    flags: int
    start: int
    num_states: int
    num_arcs: int
    symbols: bytes  # the input and output symbol tables as stored
    words: dict[str, int]
    data_offset: int


class _Cursor:
    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.offset = offset

    def take(self, fmt: str) -> int:
        (value,) = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += struct.calcsize(fmt)
        return int(value)

    def text(self) -> str:
        length = self.take("<i")
        value = self.data[self.offset : self.offset + length].decode("utf-8")
        self.offset += length
        return value


def _symbol_table(cursor: _Cursor) -> dict[str, int]:
    if cursor.take("<i") != _SYMBOLS_MAGIC:
        raise GraphBuildError("Gr.fst holds a symbol table in an unknown format")
    cursor.text()  # the table's name
    cursor.take("<q")  # available key
    size = cursor.take("<q")
    words: dict[str, int] = {}
    data, offset = cursor.data, cursor.offset
    for _ in range(size):
        (length,) = struct.unpack_from("<i", data, offset)
        word = data[offset + 4 : offset + 4 + length].decode("utf-8")
        (key,) = struct.unpack_from("<q", data, offset + 4 + length)
        offset += 12 + length
        words.setdefault(word, int(key))
    cursor.offset = offset
    return words


def _header(data: bytes) -> _Header:
    cursor = _Cursor(data)
    if cursor.take("<i") != _FST_MAGIC:
        raise GraphBuildError("Gr.fst is not an OpenFst file")
    fst_type = cursor.text()
    arc_type = cursor.text()
    if arc_type != "standard":
        raise GraphBuildError(f"Gr.fst has arcs of type {arc_type!r}; 'standard' is needed")
    version = cursor.take("<i")
    flags = cursor.take("<i")
    cursor.take("<Q")  # properties
    start = cursor.take("<q")
    num_states = cursor.take("<q")
    num_arcs = cursor.take("<q")
    symbols_start = cursor.offset
    words: dict[str, int] = {}
    if flags & _HAS_ISYMBOLS:
        words = _symbol_table(cursor)
    if flags & _HAS_OSYMBOLS:
        words = _symbol_table(cursor)
    return _Header(
        fst_type=fst_type,
        version=version,
        flags=flags,
        start=start,
        num_states=num_states,
        num_arcs=num_arcs,
        symbols=data[symbols_start : cursor.offset],
        words=words,
        data_offset=cursor.offset,
    )


def _bits(data: bytes, offset: int, count: int) -> tuple[npt.NDArray[np.uint8], int]:
    """``count`` bits of an OpenFst bitmap (64-bit words, least significant bit first)."""
    words = (count + 63) // 64
    raw = np.frombuffer(data, dtype=np.uint8, count=words * 8, offset=offset)
    return np.unpackbits(raw, bitorder="little")[:count], offset + words * 8


def _block_sizes(bits: npt.NDArray[np.uint8], blocks: int) -> IntArray:
    """Sizes of the runs of ones ended by each of the first ``blocks`` + 1 zeros, after the
    first zero (a LOUDS-style unary encoding: block k is the ones between zeros k and k+1)."""
    zeros = np.flatnonzero(bits == 0)[: blocks + 1]
    sizes: IntArray = (np.diff(zeros) - 1).astype(np.int64)
    return sizes


def _read_ngram(data: bytes, header: _Header) -> Graph:
    """Every arc of an OpenFst ``ngram`` FST (a LOUDS trie of reversed histories), explicitly."""
    offset = header.data_offset
    num_states, num_futures, num_final = struct.unpack_from("<QQQ", data, offset)
    offset += 24
    context_bits, offset = _bits(data, offset, 2 * num_states + 1)
    future_bits, offset = _bits(data, offset, num_futures + num_states + 1)
    final_bits, offset = _bits(data, offset, num_states)
    context_words = np.frombuffer(data, "<i4", num_states + 1, offset).astype(np.int64)
    offset += 4 * (num_states + 1)
    future_words = np.frombuffer(data, "<i4", num_futures, offset).astype(np.int64)
    offset += 4 * num_futures
    # Weights are aligned within the data block, which starts right after the header.
    base = header.data_offset
    offset = base + ((offset - base + 3) & ~3)
    backoff = np.frombuffer(data, "<f4", num_states + 1, offset)
    offset += 4 * (num_states + 1)
    final_probs = np.frombuffer(data, "<f4", num_final, offset)
    offset += 4 * num_final
    future_probs = np.frombuffer(data, "<f4", num_futures, offset)

    # The context trie: bits "10" for a pseudo-root, then per state (breadth first) a one per
    # child and a zero. Children of a state are consecutive state numbers.
    children = _block_sizes(context_bits, num_states)
    if children.sum() != num_states - 1:
        raise GraphBuildError("Gr.fst's n-gram trie is malformed")
    parent = np.full(num_states, -1, dtype=np.int64)
    parent[1:] = np.repeat(np.arange(num_states, dtype=np.int64), children)
    word = context_words[:num_states]  # the oldest word of each state's history
    depth = np.zeros(num_states, dtype=np.int64)
    for state in range(1, num_states):  # parents come first in breadth-first order
        depth[state] = depth[parent[state]] + 1
    max_depth = int(depth.max())
    # History newest word first: the word of each ancestor below the root, top down.
    chain = np.zeros((num_states, max_depth), dtype=np.int64)
    node = np.arange(num_states, dtype=np.int64)
    for level in range(max_depth):
        alive = depth - level >= 1
        chain[alive, depth[alive] - 1 - level] = word[node[alive]]
        node = np.where(alive, parent[node], node)

    futures = _block_sizes(future_bits, num_states)
    src = np.repeat(np.arange(num_states, dtype=np.int64), futures)
    dest = _transitions(parent, word, chain, depth, src, future_words)

    final = np.full(num_states, _INFINITY, dtype=np.float32)
    final[final_bits.astype(bool)] = final_probs
    back_src = np.arange(1, num_states, dtype=np.int64)
    return _sorted_graph(
        start=1,  # the <s> state, always state 1 in this format
        final=final,
        src=np.concatenate([back_src, src]),
        label=np.concatenate([np.zeros(num_states - 1, dtype=np.int64), future_words]),
        weight=np.concatenate([backoff[1:num_states], future_probs]).astype(np.float32),
        dest=np.concatenate([parent[1:], dest]),
    )


def _transitions(
    parent: IntArray,
    word: IntArray,
    chain: IntArray,
    depth: IntArray,
    src: IntArray,
    label: IntArray,
) -> IntArray:
    """Where each arc leads: the longest suffix of (its state's history + its word) that is a
    state, found by walking the trie from the root as the format's own Transition does."""
    keys = parent[1:] * (1 << 32) + (word[1:] & 0xFFFFFFFF)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    child_of = order + 1

    def child(nodes: IntArray, words: IntArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        wanted = nodes * (1 << 32) + (words & 0xFFFFFFFF)
        where = np.minimum(np.searchsorted(sorted_keys, wanted), len(sorted_keys) - 1)
        found = sorted_keys[where] == wanted
        return np.where(found, child_of[where], nodes), found

    dest, active = child(np.zeros(len(src), dtype=np.int64), label)
    for level in range(chain.shape[1]):
        active &= depth[src] > level
        if not active.any():
            break
        moved, found = child(dest, chain[src, level])
        active &= found
        dest = np.where(active, moved, dest)
    return dest


def _read_const(data: bytes, header: _Header) -> Graph:
    offset = header.data_offset
    aligned = header.version == 1 or bool(header.flags & _IS_ALIGNED)
    if aligned:
        offset = -(-offset // _ALIGNMENT) * _ALIGNMENT
    states = np.frombuffer(data, _STATE, header.num_states, offset)
    offset += states.nbytes
    if aligned:
        offset = -(-offset // _ALIGNMENT) * _ALIGNMENT
    arcs = np.frombuffer(data, _ARC, header.num_arcs, offset)
    src = np.repeat(np.arange(header.num_states, dtype=np.int64), states["narcs"])
    return _sorted_graph(
        start=header.start,
        final=states["final"].astype(np.float32),
        src=src,
        label=arcs["ilabel"].astype(np.int64),
        weight=arcs["weight"].astype(np.float32),
        dest=arcs["nextstate"].astype(np.int64),
    )


def _sorted_graph(
    start: int,
    final: FloatArray,
    src: IntArray,
    label: IntArray,
    weight: FloatArray,
    dest: IntArray,
) -> Graph:
    order = np.lexsort((label, src))
    return Graph(start, final, src[order], label[order], weight[order], dest[order])


def read_graph(path: Path) -> tuple[Graph, _Header]:
    """A language-model FST (``ngram`` or ``const``) as arrays, and its header."""
    data = Path(path).read_bytes()
    header = _header(data)
    if header.fst_type not in ("ngram", "const"):
        raise GraphBuildError(
            f"{path} is an FST of type {header.fst_type!r}; the domain build reads 'ngram' or "
            "'const'"
        )
    if not header.words:
        raise GraphBuildError(f"{path} has no word symbol table, so its vocabulary is unknown")
    if header.fst_type == "ngram":
        return _read_ngram(data, header), header
    return _read_const(data, header), header


def write_const(path: Path, graph: Graph, symbols: bytes, symbol_flags: int) -> None:
    """``graph`` as an OpenFst ``const`` FST (unaligned, version 2) with the symbol tables
    ``symbols`` (as read, flagged by ``symbol_flags``) attached."""
    count = graph.num_states
    narcs = np.bincount(graph.src, minlength=count)
    epsilons = np.bincount(graph.src[graph.label == 0], minlength=count)
    states = np.zeros(count, dtype=_STATE)
    states["final"] = graph.final
    states["pos"] = np.concatenate([[0], np.cumsum(narcs)[:-1]])
    states["narcs"] = narcs
    states["niepsilons"] = epsilons
    states["noepsilons"] = epsilons
    arcs = np.zeros(len(graph.src), dtype=_ARC)
    arcs["ilabel"] = graph.label
    arcs["olabel"] = graph.label
    arcs["weight"] = graph.weight
    arcs["nextstate"] = graph.dest

    def text(value: str) -> bytes:
        return struct.pack("<i", len(value)) + value.encode()

    header = (
        struct.pack("<i", _FST_MAGIC)
        + text("const")
        + text("standard")
        + struct.pack("<ii", 2, symbol_flags & (_HAS_ISYMBOLS | _HAS_OSYMBOLS))
        + struct.pack("<Qqqq", _PROPERTIES, graph.start, count, len(arcs))
    )
    with path.open("wb") as out:
        out.write(header)
        out.write(symbols)
        out.write(states.tobytes())
        out.write(arcs.tobytes())


# -- the domain language model -------------------------------------------------------------------


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


def _domain_graph(
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
    final = np.full(len(histories), _INFINITY, dtype=np.float32)
    # p(w | h) for the current and lower orders, computed top-down from the null history.
    unigram = counts.by_history[0][()]
    total = sum(unigram.values())
    gamma = discount * len(unigram) / total
    lower: dict[int, float] = {w: max(c - discount, 0.0) / total for w, c in unigram.items()}
    # Domain words and </s> get their own share plus the backoff share of the stock unigram.
    stock_p = dict(zip(stock_labels.tolist(), np.exp(-stock_costs).tolist(), strict=True))
    stock_p[_EOS] = math.exp(-stock_eos)
    p1 = {w: lower.get(w, 0.0) + gamma * stock_p.get(w, 0.0) for w in unigram}
    final[0] = -math.log(p1[_EOS]) if p1.get(_EOS, 0.0) > 0 else _INFINITY
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
    return _sorted_graph(
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


def _unigram_state(graph: Graph) -> int:
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
    return _sorted_graph(
        start=0,
        final=np.concatenate([[_INFINITY], stock.final, domain.final]).astype(np.float32),
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


def _write_graph(
    stock_path: Path,
    corpus: list[str],
    out: Path,
    domain_cost: float,
    discount: float,
) -> dict[str, object]:
    began = time.perf_counter()
    stock, header = read_graph(stock_path)
    read_s = time.perf_counter() - began
    ids: list[list[int]] = []
    dropped = 0
    for sentence in corpus:
        known = [header.words.get(w, -1) for w in sentence.split()]
        if min(known) <= 0:
            dropped += 1
            continue
        ids.append(known)
    if not ids:
        raise GraphBuildError(
            "None of the skill's sentences can be spoken with the speech model's vocabulary; "
            "the stock model is used as it is."
        )
    missing = sorted({w for s in corpus for w in s.split() if w not in header.words})
    if missing:
        _LOGGER.info(
            "%d of %d sentences use words the speech model lacks (%s) and are left out",
            dropped,
            len(corpus),
            ", ".join(missing[:20]) + (" ..." if len(missing) > 20 else ""),
        )
    domain = _domain_graph(ids, stock, _unigram_state(stock), discount)
    merged = union(stock, domain, domain_cost)
    write_const(out, merged, header.symbols, header.flags)
    return {
        "sentences": len(corpus),
        "sentences_used": len(ids),
        "missing_words": missing,
        "stock_states": stock.num_states,
        "domain_states": domain.num_states,
        "domain_arcs": len(domain.src),
        "states": merged.num_states,
        "arcs": len(merged.src),
        "read_stock_s": round(read_s, 2),
    }
