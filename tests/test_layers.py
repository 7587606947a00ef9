"""The layers run one way: ``audio`` at the bottom, the brain (``skill``) above it, the face
(``skill.app``) on top. The imports are read from the source (ast), so an arrow that points
upward fails here before anyone trips over it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each layer may import from the project; everything else it imports is a library.
LAYERS = {
    "audio": ("audio",),
    "skill": ("audio", "skill"),  # the brain: never skill.app
    "skill.app": ("audio", "skill", "skill.app"),
}
# Libraries that belong to the face only: options, the terminal, keys, the Wyoming protocol.
FACE_ONLY = {"argparse", "rich", "termios", "tty", "wyoming"}


def modules() -> Iterator[tuple[str, Path]]:
    for package in ("audio", "skill"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(p for p in parts if p != "__init__"), path


def layer_of(module: str) -> str:
    if module.startswith("skill.app"):
        return "skill.app"
    return module.split(".")[0]


def imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield name, node.lineno


def project_layer(name: str) -> str | None:
    top = name.split(".")[0]
    if top not in ("audio", "skill"):
        return None
    return layer_of(name)


@pytest.mark.parametrize(("module", "path"), list(modules()), ids=lambda v: str(v))
def test_no_module_imports_from_a_layer_above_it(module: str, path: Path) -> None:
    allowed = LAYERS[layer_of(module)]
    upward = [
        (name, line)
        for name, line in imports(module, path)
        if (target := project_layer(name)) is not None and target not in allowed
    ]
    assert upward == [], f"{path.relative_to(ROOT)} imports from a layer above it"


@pytest.mark.parametrize(("module", "path"), list(modules()), ids=lambda v: str(v))
def test_only_the_face_reads_options_draws_the_terminal_or_prints(module: str, path: Path) -> None:
    if layer_of(module) == "skill.app":
        return
    face = [(n, line) for n, line in imports(module, path) if n.split(".")[0] in FACE_ONLY]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prints = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in {"print", "exit", "input"})
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "exit")
        )
    ]
    assert face == [] and prints == []


def test_the_rule_is_checked_on_every_module() -> None:
    names = {module for module, _ in modules()}
    assert {"audio.events", "skill.dialogue", "skill.app.cli"} <= names
