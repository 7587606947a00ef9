"""OpenFst's binary files, read and written with numpy alone: the language-model graphs of a
Vosk model.

The small Vosk model's ``graph/Gr.fst`` is an ``ngram`` FST (OpenFst's compact n-gram format:
bit vectors of states and arcs, LOUDS style); a ``const`` FST is plain arrays of states and
arcs. Both are read into ``Graph`` (arrays sorted by source state and label); ``write_const``
writes a ``const`` FST with the symbol tables copied byte for byte, which Vosk loads like the
stock graph. Nothing here needs the OpenFst tools or a compiler.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .errors import GraphBuildError

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
INFINITY = np.float32(np.inf)  # the cost of what cannot happen (a state that is not final)

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

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


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
class Header:
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


def _header(data: bytes) -> Header:
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
    return Header(
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


def _read_ngram(data: bytes, header: Header) -> Graph:
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

    final = np.full(num_states, INFINITY, dtype=np.float32)
    final[final_bits.astype(bool)] = final_probs
    back_src = np.arange(1, num_states, dtype=np.int64)
    return sorted_graph(
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


def _read_const(data: bytes, header: Header) -> Graph:
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
    return sorted_graph(
        start=header.start,
        final=states["final"].astype(np.float32),
        src=src,
        label=arcs["ilabel"].astype(np.int64),
        weight=arcs["weight"].astype(np.float32),
        dest=arcs["nextstate"].astype(np.int64),
    )


def sorted_graph(
    start: int,
    final: FloatArray,
    src: IntArray,
    label: IntArray,
    weight: FloatArray,
    dest: IntArray,
) -> Graph:
    order = np.lexsort((label, src))
    return Graph(start, final, src[order], label[order], weight[order], dest[order])


def read_graph(path: Path) -> tuple[Graph, Header]:
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
