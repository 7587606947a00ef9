"""Shared test fixtures: the real Vosk model, loaded once per session, and espeak-ng speech.

A test that needs the model skips when it is missing, except under CI (CI=true), where a missing
model is a failure: CI must prove recognition works, not quietly skip it.

Tests that need the model, speech, sound devices or whole subprocesses are marked ``slow``;
``make test-fast`` leaves them out for the edit loop, ``make test`` runs everything.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audio.errors import ModelError
from audio.model import load_model
from skill.data import SkillData, load_skill_data
from skill.matcher import Matcher
from skill.matcher_cache import load_matcher

Speak = Callable[..., Path]

# Whole modules that drive real processes, sound devices or synthesis.
SLOW_MODULES = {
    "test_bargein",
    "test_cli",
    "test_matcher_cache",
    "test_microphone",
    "test_paraphrases",
    "test_playback",
    "test_recognizer",
    "test_speech",
    "test_synthesis",
    "test_voice_session",
}
SLOW_FIXTURES = {"vosk_model", "speak", "speak_as"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(getattr(item, "module", None), "__name__", "")
        fixtures = set(getattr(item, "fixturenames", ()))
        if module in SLOW_MODULES or fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def vosk_model() -> Any:
    try:
        return load_model()
    except ModelError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the speech model: {error}")
        pytest.skip(f"speech model not available: {error}")


@pytest.fixture(scope="session")
def speak(tmp_path_factory: pytest.TempPathFactory) -> Speak:
    """``speak(text, voice="en-us", speed=150) -> Path`` of an espeak-ng WAV (22.05 kHz mono)."""
    folder = tmp_path_factory.mktemp("speech")

    def make(text: str, voice: str = "en-us", speed: int = 150) -> Path:
        key = hashlib.sha1(f"{voice}|{speed}|{text}".encode()).hexdigest()[:12]
        path = folder / f"{key}.wav"
        if not path.exists():
            command = ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text]
            subprocess.run(command, check=True, capture_output=True)
        return path

    return make


@pytest.fixture(scope="session")
def speak_as(speak: Speak) -> Speak:
    """``speak_as(text, rate, channels) -> Path``: espeak-ng speech converted by sox to that
    rate and channel count (16-bit), as a satellite's microphone might send it."""

    def make(text: str, rate: int, channels: int) -> Path:
        source = speak(text)
        path = source.with_name(f"{source.stem}-{rate}-{channels}.wav")
        if not path.exists():
            command = ["sox", str(source), "-r", str(rate), "-c", str(channels), "-b", "16"]
            subprocess.run([*command, str(path)], check=True, capture_output=True)
        return path

    return make


@pytest.fixture(scope="session")
def data() -> SkillData:
    """The project's intents, answers and routines, loaded once."""
    return load_skill_data()


@pytest.fixture(scope="session")
def matcher(data: SkillData, tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """The product's matcher (with its semantic layer), built once into a private cache."""
    return load_matcher(data, cache_dir=tmp_path_factory.mktemp("matcher-cache"), train=True)


@pytest.fixture(scope="session")
def stock_path(vosk_model: Any) -> Path:
    """The stock model's folder (``vosk_model`` skips or fails the test when it is missing)."""
    from audio.model import check_model, locate_model

    return check_model(locate_model())


@pytest.fixture(scope="session")
def domain_path(
    stock_path: Path, data: SkillData, matcher: Matcher, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The model biased toward the skill's sentences, built as the product builds it."""
    from skill.app.recognition import domain_model_path

    notes: list[str] = []
    built = domain_model_path(
        stock_path, data, matcher, notes.append, cache=tmp_path_factory.mktemp("domain-cache")
    )
    assert built != stock_path, notes
    return built


@pytest.fixture(scope="session")
def domain_model(domain_path: Path) -> Any:
    """The default strategy's model, loaded once."""
    from audio.model import load_model

    return load_model(domain_path)
