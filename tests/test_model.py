"""Finding, checking and loading the speech model, and telling a usable model from a damaged one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from damage import truncated_graph_copy

from audio import model as model_module
from audio.errors import ModelError
from audio.model import (
    GRAPHS,
    MODEL_NAME,
    REQUIRED_FILES,
    check_model,
    load_model,
    locate_model,
)

NAME = "vosk-model-tiny-test"


def fake_model(folder: Path, graph: tuple[str, ...] = GRAPHS[0], skip: str = "") -> Path:
    for name in (*REQUIRED_FILES, *graph):
        if name != skip:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text("x")
    return folder


def test_explicit_path_wins_over_everything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NECK_COACH_MODEL", str(tmp_path / "from-env"))
    assert locate_model(tmp_path / "given") == tmp_path / "given"


def test_environment_variable_comes_next(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NECK_COACH_MODEL", str(tmp_path / "from-env"))
    assert locate_model() == tmp_path / "from-env"


def test_repository_model_comes_before_user_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NECK_COACH_MODEL", raising=False)
    (tmp_path / MODEL_NAME).mkdir()
    monkeypatch.setattr(model_module, "checkout_models_dir", lambda: tmp_path)
    assert locate_model() == tmp_path / MODEL_NAME


def test_user_data_folder_is_the_last_resort(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NECK_COACH_MODEL", raising=False)
    monkeypatch.setattr(model_module, "checkout_models_dir", lambda: tmp_path / "absent")
    located = locate_model()
    assert located == model_module.user_models_dir() / MODEL_NAME
    assert "neck-coach" in str(located)


def test_checkout_models_folder_is_beside_the_audio_package() -> None:
    expected = Path(model_module.__file__).resolve().parent.parent / "models"
    assert model_module.checkout_models_dir() == expected


def test_complete_model_folder_passes(tmp_path: Path) -> None:
    assert check_model(fake_model(tmp_path)) == tmp_path.resolve()


def test_static_graph_model_passes(tmp_path: Path) -> None:
    assert check_model(fake_model(tmp_path, graph=GRAPHS[1]))


@pytest.mark.parametrize("missing", ["am/final.mdl", "conf/mfcc.conf", "ivector/final.ie"])
def test_a_missing_file_is_named_and_the_model_folder_is_to_be_fetched_again(
    tmp_path: Path, missing: str
) -> None:
    with pytest.raises(ModelError, match=missing) as caught:
        check_model(fake_model(tmp_path, skip=missing))
    assert "Delete that model folder and get it again" in str(caught.value)


@pytest.mark.parametrize("where", ["home", "cwd"])
def test_a_folder_that_is_no_model_is_never_to_be_deleted(
    where: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelError) as caught:
        check_model("~" if where == "home" else ".")
    assert "not a speech model folder" in str(caught.value)
    assert "Delete" not in str(caught.value)


def test_an_empty_path_or_unknown_user_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="empty"):
        locate_model("")
    with pytest.raises(ModelError, match="home folder"):
        locate_model("~nosuchuser-neckcoach/x")


def test_missing_graph_names_both_kinds(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"graph/HCLr\.fst.*graph/HCLG\.fst"):
        check_model(fake_model(tmp_path, graph=()))


def test_absent_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="No speech model at"):
        check_model(tmp_path / "nothing")


def test_real_model_loads_once_per_process(vosk_model: Any) -> None:
    assert load_model() is vosk_model
    assert vosk_model.vosk_model_find_word("neck") >= 0


def test_damaged_model_files_raise_model_error_not_crash(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="could not load"):
        load_model(fake_model(tmp_path))


def test_a_truncated_graph_fails_when_loaded_not_later(vosk_model: Any, tmp_path: Path) -> None:
    """A damaged HCLr.fst lets Vosk load the model; only a recognizer finds the damage."""
    damaged = truncated_graph_copy(check_model(locate_model()), tmp_path / "damaged")
    # In a process of its own: Kaldi's failed read of the damaged graph leaves state behind that
    # changes what later recognizers in the same process hear.
    probe = (
        "import sys\n"
        "from audio.errors import ModelError\n"
        "from audio.model import load_model\n"
        "try:\n"
        "    load_model(sys.argv[1])\n"
        "except ModelError as error:\n"
        "    print(f'ModelError: {error}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(damaged)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert re.match(r"ModelError: .*(cannot recognize speech|could not load)", done.stdout)
