"""Sentences as vectors: WordLlama's static token vectors, read from inside the installed wheel.

A sentence is the mean of its tokens' vectors, scaled to unit length. Only the rows of the
tokens actually used are read from the weights file, and nothing is ever fetched:
the package's own import (which pulls in pydantic and a hub client) is never run, and the hub
is forced offline besides.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .errors import NeckCoachError

Vectors = npt.NDArray[np.float32]

# WordLlama's 256-dimension "l2_supercat" token vectors (MIT), inside its wheel.
EMBEDDING_PACKAGE = "wordllama"
WEIGHTS_FILE = "weights/l2_supercat_256.safetensors"
TOKENIZER_FILE = "tokenizers/l2_supercat_tokenizer_config.json"


class SemanticError(NeckCoachError):
    """The embedding package is missing or its files cannot be read."""


class StaticEmbedder:
    """WordLlama's static token vectors: a sentence is the mean of its tokens' vectors, unit
    length. Only the rows of the tokens actually used are read from the weights file."""

    def __init__(self, package: str = EMBEDDING_PACKAGE) -> None:
        # Nothing here may reach for a model hub, whatever a library does by default.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        root = _package_dir(package)
        try:
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_file(str(root / TOKENIZER_FILE))
        except Exception as error:  # tokenizers reports a bad file as a plain Exception
            raise SemanticError(f"cannot load the {package} tokenizer: {error}") from error
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._weights = TokenTable(root / WEIGHTS_FILE)
        self.identity = (
            f"{package}=={importlib.metadata.version(package)}:{WEIGHTS_FILE}"
            f":{(root / WEIGHTS_FILE).stat().st_size}"
        )

    @property
    def dimension(self) -> int:
        return int(self._weights.shape[1])

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text (all zeros for a text without tokens)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        last = self._weights.shape[0] - 1
        for row, encoding in enumerate(encodings):
            if not encoding.ids:
                continue
            ids = np.clip(np.asarray(encoding.ids, dtype=np.int64), 0, last)
            vector = self._weights.rows(ids).astype(np.float32).mean(axis=0)
            norm = float(np.linalg.norm(vector))
            if norm > 0:
                out[row] = vector / norm
        return out


def _package_dir(package: str) -> Path:
    """The installed package's folder, found without importing it (wordllama's own import pulls
    in pydantic and toml, which the lookup does not need)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SemanticError(
            f"the embedding package {package!r} is not installed (pip install -e . installs it)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


class TokenTable:
    """The one float16 tensor of a safetensors file, read a row at a time.

    Rows are read with ``os.pread`` rather than through a memory map: a map keeps every page a
    query ever touched in the process's resident memory (tens of megabytes after a while),
    where reads leave them in the system's page cache, shared and reclaimable.
    """

    def __init__(self, path: Path) -> None:
        try:
            with path.open("rb") as file:
                (size,) = struct.unpack("<Q", file.read(8))
                header = json.loads(file.read(size))
            (tensor,) = [v for k, v in header.items() if k != "__metadata__"]
            if tensor["dtype"] != "F16" or len(tensor["shape"]) != 2:
                raise ValueError(f"expected one 2-D F16 tensor, found {tensor['dtype']}")
            rows, columns = (int(n) for n in tensor["shape"])
            start, _ = tensor["data_offsets"]
            self._fd = os.open(path, os.O_RDONLY)
        except (OSError, ValueError, KeyError, struct.error) as error:
            raise SemanticError(f"cannot read the embedding weights {path}: {error}") from error
        self.shape = (rows, columns)
        self._row_bytes = columns * 2
        self._offset = 8 + size + int(start)

    def rows(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float16]:
        """The rows for ``ids`` (in that order, repeats allowed)."""
        wanted = np.unique(ids)
        table = np.empty((len(wanted), self.shape[1]), dtype=np.float16)
        for row, token in enumerate(wanted.tolist()):
            data = os.pread(self._fd, self._row_bytes, self._offset + token * self._row_bytes)
            table[row] = np.frombuffer(data, dtype="<f2")
        return table[np.searchsorted(wanted, ids)]

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)
