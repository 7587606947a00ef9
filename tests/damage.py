"""Test helper: a copy of the speech model whose lexicon graph is cut short, the damage that
loads without complaint and only fails when a recognizer is made."""

from __future__ import annotations

from pathlib import Path


def truncated_graph_copy(stock: Path, folder: Path) -> Path:
    """``folder`` as the model at ``stock`` (links to its files) with ``graph/HCLr.fst`` cut to
    its first 4 KiB."""
    for path in stock.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(stock)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    hclr = folder / "graph" / "HCLr.fst"
    hclr.unlink()
    hclr.write_bytes((stock / "graph" / "HCLr.fst").read_bytes()[:4096])
    return folder
