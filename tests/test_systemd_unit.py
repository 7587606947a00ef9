"""The systemd unit example (docs/neck-coach.service): it runs ``neck-coach serve`` on localhost
as a dedicated user, restarts on failure, counts the SIGTERM exit as clean, and
``systemd-analyze verify`` finds nothing to say about it (when systemd's tools are installed)."""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.app.settings import parse_uri

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "docs" / "neck-coach.service"


def sections(text: str) -> dict[str, dict[str, list[str]]]:
    """Section -> key -> values (a key may repeat), as systemd reads a unit file."""
    parsed: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = parsed.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return parsed


def test_the_unit_serves_on_localhost_as_its_own_user_and_restarts_on_failure() -> None:
    unit = sections(UNIT.read_text(encoding="utf-8"))
    service = unit["Service"]
    (command,) = service["ExecStart"]
    argv = shlex.split(command)
    assert Path(argv[0]).name == "neck-coach" and Path(argv[0]).is_absolute()
    assert argv[1] == "serve"
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--uri", type=parse_uri)
    assert options.parse_args(argv[2:]).uri.loopback
    assert service["Restart"] == ["on-failure"]
    assert service["User"] != ["root"] and service["User"] == service["Group"]
    assert "143" in service["SuccessExitStatus"][0].split()
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    # verify checks that ExecStart's program exists: point it at this checkout's neck-coach.
    here = Path(sys.executable).parent / "neck-coach"
    text = UNIT.read_text(encoding="utf-8").replace("/opt/neck-coach/bin/neck-coach", str(here))
    copy = tmp_path / "neck-coach.service"
    copy.write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stderr
