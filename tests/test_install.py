"""A plain ``pip install`` (not editable) works anywhere: the data ships inside the package.

A fresh virtual environment outside the checkout, the project installed from a copy of the
source, and the command run from yet another folder: ``--version``, an answer and the routine
list must all work without the source tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    # Only what git tracks would be in a clone: skip the venv, the model and caches.
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", "models", ".git", "*_cache", "bench", "*.egg-info"),
    )
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(source)]
    subprocess.run(pip, check=True, timeout=900)
    shutil.rmtree(source)  # nothing may still read from the source folder
    home = base / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NECK_COACH", "PYTHON"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    return venv / "bin" / "neck-coach", env


def run(installed: tuple[Path, dict[str, str]], *args: str) -> subprocess.CompletedProcess[str]:
    command, env = installed
    elsewhere = command.parent.parent.parent / "home"
    return subprocess.run(
        [str(command), *args], capture_output=True, text=True, env=env, cwd=elsewhere, timeout=120
    )


def test_version_comes_from_the_package_metadata(installed: tuple[Path, dict[str, str]]) -> None:
    result = run(installed, "--version")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("neck-coach 0.")


def test_ask_answers_from_the_packaged_data(installed: tuple[Path, dict[str, str]]) -> None:
    result = run(installed, "ask", "--json", "what causes neck spasms")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["intent"] == "spasm_causes" and record["sources"]


def test_routines_are_listed_from_the_packaged_data(
    installed: tuple[Path, dict[str, str]],
) -> None:
    result = run(installed, "routines")
    assert result.returncode == 0, result.stderr
    assert "desk_break" in result.stdout and "bedtime" in result.stdout
