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
formats, read and written by ``audio.fst``; the model itself is ``audio.domain_lm``), so the
build needs no OpenFst tools, no network and no compiler; it takes a few seconds. The result is
an FST of type ``const`` with the stock symbol tables copied byte for byte, which Vosk loads
like the stock one.

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
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .domain_lm import ORDER, domain_graph, unigram_state, union
from .errors import GraphBuildError
from .fst import read_graph, write_const

_LOGGER = logging.getLogger(__name__)

# Bump whenever the output for the same inputs changes: older cached builds then count as stale.
BUILDER_VERSION = 1
# Cost (negative natural log) of entering the domain branch; 0 weighs it like the stock one.
DEFAULT_DOMAIN_COST = 1.0
# Kneser-Ney absolute discount, the same at every order.
DEFAULT_DISCOUNT = 0.7
MANIFEST = "domain.json"
GRAPH = "graph/Gr.fst"
HCL = "graph/HCLr.fst"
SUFFIX = "+domain-"

_WORD = re.compile(r"[^a-z0-9' ]+")


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
    domain = domain_graph(ids, stock, unigram_state(stock), discount)
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
