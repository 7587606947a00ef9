"""Bad input of every kind gets a clear message and the right exit code, never a traceback.

Each test here stands for a defect found when the program was tried as a new user would, then
attacked with faults: it failed before the fix. The command runs in a subprocess with a fresh
HOME, as a user would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from damage import truncated_graph_copy

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NECK_COACH")}
    environment.update(HOME=str(home), COLUMNS="250", PYTHONIOENCODING="utf-8")
    return environment


def run(
    env: dict[str, str], *args: str | bytes, stdin: str = "", cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill.app.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",  # the output must be valid UTF-8
        env=env,
        cwd=cwd,
        timeout=120,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def ask(env: dict[str, str], text: str) -> dict[str, Any]:
    result = run(env, "ask", "--json", text)
    assert result.returncode == 0, result.stderr
    record: dict[str, Any] = json.loads(result.stdout)
    return record


# -- numeric and other options: checked at parse time, exit 2 with a usage message -------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--time-scale", "0"),
        ("--time-scale", "-1"),
        ("--time-scale", "nan"),
        ("--time-scale", "inf"),
        ("--time-scale", "1e300"),
        ("--time-scale", "fast"),
        ("--rate", "5"),
        ("--rate", "9999"),
        ("--rate", "1.5"),
        ("--volume", "2"),
        ("--volume", "-0.5"),
        ("--volume", "nan"),
        ("--model", ""),
        ("--device", " "),
    ],
)
def test_a_bad_option_value_is_a_usage_error(env: dict[str, str], option: str, value: str) -> None:
    result = run(env, "chat", "--mute", option, value, stdin="quit\n")
    assert result.returncode == 2
    no_traceback(result)
    assert "usage:" in result.stderr and option in result.stderr


def test_an_unknown_voice_is_a_usage_error_naming_the_voices_command(env: dict[str, str]) -> None:
    result = run(env, "chat", "--voice", "klingon-warrior", stdin="quit\n")
    assert result.returncode == 2
    no_traceback(result)
    assert "klingon-warrior" in result.stderr and "neck-coach voices" in result.stderr


# -- filler, greetings and noise -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["the", "so", "and", "go", "um the", "???", "12345", "ñ ü"])
def test_an_utterance_with_no_content_word_changes_nothing(env: dict[str, str], text: str) -> None:
    record = ask(env, text)
    assert record["intent"] == "empty" and record["routine"] is None
    assert record["control"] is None and not record["end_session"]
    assert "didn't catch" in record["answer"]


@pytest.mark.parametrize("text", ["hi", "hello", "good morning"])
def test_a_greeting_gets_a_greeting(env: dict[str, str], text: str) -> None:
    record = ask(env, text)
    assert record["intent"] == "greet" and record["answer"].startswith("Hello")


def test_typed_escape_sequences_and_nuls_never_reach_the_terminal(env: dict[str, str]) -> None:
    hostile = "what causes \x1b[31mneck\x1b[0m spasms\x00\x07\n"
    result = run(env, "chat", "--mute", stdin=hostile)
    assert result.returncode == 0
    no_traceback(result)
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout
    assert "\x07" not in result.stdout


# -- files: one JSON line per input, valid UTF-8 whatever the name --------------------------------


@pytest.mark.model
def test_ask_audio_keeps_one_json_line_per_input_even_for_a_missing_file(
    env: dict[str, str], tmp_path: Path, vosk_model: Any
) -> None:
    good = tmp_path / "good.wav"
    subprocess.run(["espeak-ng", "-w", str(good), "how long do neck spasms last"], check=True)
    missing = tmp_path / "missing.wav"
    result = run(env, "ask", "--json", "--audio", str(missing), str(good))
    assert result.returncode == 1
    no_traceback(result)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == [str(missing), str(good)]
    assert "does not exist" in records[0]["error"] and "error" not in records[1]
    assert records[1]["transcript"] and "intent" in records[1]


@pytest.mark.model
def test_json_is_valid_utf8_for_a_file_name_with_undecodable_bytes(
    env: dict[str, str], tmp_path: Path, vosk_model: Any
) -> None:
    odd = os.fsencode(tmp_path) + b"/caf\xe9-question.wav"
    subprocess.run([b"espeak-ng", b"-w", odd, b"what causes neck pain"], check=True)
    result = run(env, "ask", "--json", "--audio", os.fsdecode(odd))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["input"].endswith("caf\ufffd-question.wav")


@pytest.mark.model
def test_kaldi_log_lines_stay_out_of_the_terminal_unless_verbose(
    env: dict[str, str], tmp_path: Path, vosk_model: Any
) -> None:
    wav = tmp_path / "q.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "what causes neck spasms"], check=True)
    quiet = run(env, "transcribe", "--strategy", "constrained", str(wav))
    assert quiet.returncode == 0, quiet.stderr
    assert "VoskAPI" not in quiet.stderr and "LOG (" not in quiet.stderr


# -- data files: precise messages with file and line -------------------------------------------


def data_copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "data"
    for folder in ("intents", "content", "routines"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def test_validate_accepts_a_data_folder_given_as_its_argument(
    env: dict[str, str], tmp_path: Path
) -> None:
    root = data_copy(tmp_path)
    result = run(env, "validate", str(root))
    assert result.returncode == 0 and "OK:" in result.stderr


def test_validate_dot_in_a_folder_without_data_says_what_it_needs(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = run(env, "validate", ".", cwd=tmp_path)
    assert result.returncode == 1
    no_traceback(result)
    assert "no intent files" in result.stderr


def test_a_rule_that_refers_to_itself_is_reported_with_file_and_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    root = data_copy(tmp_path)
    (root / "intents" / "loop.yaml").write_text(
        'expansion_rules:\n  a: "x <b>"\n  b: "y <a>"\nintents:\n'
        '  looping:\n    response: difference\n    sentences: ["say <a>"]\n',
        encoding="utf-8",
    )
    result = run(env, "--data-dir", str(root), "validate")
    assert result.returncode == 1
    no_traceback(result)
    assert "loop.yaml:2: rule <a> refers to itself: <a> -> <b> -> <a>" in result.stderr
    assert f"--data-dir {root} validate" in result.stderr


def test_a_template_that_expands_too_far_is_refused_before_expanding(
    env: dict[str, str], tmp_path: Path
) -> None:
    root = data_copy(tmp_path)
    group = "(" + "|".join(f"w{i}" for i in range(10)) + ")"
    (root / "intents" / "huge.yaml").write_text(
        f'intents:\n  huge:\n    response: difference\n    sentences: ["{group * 8}"]\n',
        encoding="utf-8",
    )
    result = run(env, "--data-dir", str(root), "validate")
    assert result.returncode == 1
    no_traceback(result)
    assert "huge.yaml:4: this template makes 100,000,000 sentences" in result.stderr


def test_yaml_nested_thousands_deep_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    root = data_copy(tmp_path)
    (root / "intents" / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    result = run(env, "--data-dir", str(root), "validate")
    assert result.returncode == 1
    no_traceback(result)
    assert "deep.yaml:1: nested more than" in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("intents:\n  123:\n    response: difference\n    sentences: [x]\n", "must be text"),
        ("intents:\n  odd:\n    response: difference\n    sentences: [42]\n", "not int"),
        ("intents:\n  odd:\n    response: difference\n    sentences: [[a, b]]\n", "not a list"),
    ],
)
def test_malformed_intent_files_get_a_precise_message(
    env: dict[str, str], tmp_path: Path, body: str, message: str
) -> None:
    root = data_copy(tmp_path)
    (root / "intents" / "odd.yaml").write_text(body, encoding="utf-8")
    result = run(env, "--data-dir", str(root), "validate")
    assert result.returncode == 1
    no_traceback(result)
    assert "odd.yaml:" in result.stderr and message in result.stderr


def test_a_fifo_named_yaml_does_not_hang(env: dict[str, str], tmp_path: Path) -> None:
    root = data_copy(tmp_path)
    os.mkfifo(root / "intents" / "pipe.yaml")
    result = run(env, "--data-dir", str(root), "validate")
    assert result.returncode == 1
    assert "pipe.yaml: cannot read the file: it is not a regular file" in result.stderr


def test_an_unknown_routine_in_the_routine_list_names_its_file_and_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    root = data_copy(tmp_path)
    path = root / "intents" / "rules.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("out: desk_break", "out: desk_brake"), encoding="utf-8")
    # The list entry starts on the line before its "out:".
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "desk_brake" in t) - 1
    result = run(env, "--data-dir", str(root), "validate")
    assert f"rules.yaml:{line}: list 'routine' names unknown routine 'desk_brake'" in (
        result.stderr
    )


# -- the model: a damaged one is found at once, and voice mode falls back ------------------------


@pytest.fixture(scope="module")
def damaged_model(tmp_path_factory: pytest.TempPathFactory, vosk_model: Any) -> Path:
    from audio.model import check_model, locate_model

    return truncated_graph_copy(check_model(locate_model()), tmp_path_factory.mktemp("damaged"))


@pytest.mark.model
def test_model_check_finds_a_truncated_graph(env: dict[str, str], damaged_model: Path) -> None:
    result = run(env, "--model", str(damaged_model), "model", "check")
    assert result.returncode == 1
    no_traceback(result)
    assert "damaged" in result.stderr or "cannot recognize" in result.stderr


@pytest.mark.model
def test_transcribe_with_a_damaged_model_is_a_clear_error(
    env: dict[str, str], damaged_model: Path, tmp_path: Path
) -> None:
    wav = tmp_path / "q.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "what causes neck pain"], check=True)
    for args in (["transcribe", str(wav)], ["ask", "--audio", str(wav)]):
        result = run(env, "--model", str(damaged_model), *args)
        assert result.returncode == 1
        no_traceback(result)
        assert "Error:" in result.stderr


@pytest.mark.model
def test_voice_mode_with_a_damaged_model_falls_back_to_the_keyboard(
    env: dict[str, str], damaged_model: Path
) -> None:
    result = run(env, "--mute", "--model", str(damaged_model), stdin="what causes neck pain\n")
    assert result.returncode == 0
    no_traceback(result)
    assert "Keyboard mode:" in result.stderr
    assert "neck pain" in result.stdout.lower()


@pytest.mark.model
def test_decoding_a_long_file_reports_its_progress(tmp_path: Path, vosk_model: Any) -> None:
    from skill.app.ears import transcribe_files
    from skill.app.recognition import load_recognition
    from skill.app.settings import ListeningSettings
    from skill.data import load_skill_data
    from skill.matcher_cache import load_matcher

    speech = tmp_path / "q.wav"
    subprocess.run(["espeak-ng", "-w", str(speech), "what causes neck spasms"], check=True)
    long = tmp_path / "long.wav"  # seventy seconds: speech, then a long silence
    subprocess.run(["sox", str(speech), str(long), "pad", "0", "70"], check=True)
    seen: list[tuple[float, float]] = []
    data = load_skill_data()
    settings = ListeningSettings(strategy="open")
    recognition = load_recognition(settings, data, load_matcher(data), print)
    (result,) = transcribe_files(recognition, [long], lambda p, d, t: seen.append((d, t)))
    assert not isinstance(result, Exception) and "what causes" in result.text
    assert len(seen) > 100 and seen == sorted(seen)
    assert seen[-1][0] == pytest.approx(seen[-1][1]) and seen[-1][1] > 70


@pytest.mark.model
def test_memory_stays_flat_over_many_audio_files(tmp_path: Path, vosk_model: Any) -> None:
    """One ``ask --audio`` call over many files: the resident size after the last file stays
    within 10% of what it was after the tenth (a recognizer fed file after file kept growing)."""
    from skill.app.ears import transcribe_files
    from skill.app.recognition import load_recognition
    from skill.app.settings import ListeningSettings
    from skill.data import load_skill_data
    from skill.dialogue import DialogueManager
    from skill.matcher_cache import load_matcher

    questions = [
        "what causes neck spasms",
        "how long do neck spasms last",
        "should i use ice or heat",
        "when should i see a doctor",
        "who is doctor chang",
        "can stress cause neck pain",
    ]
    files = []
    for index, text in enumerate(questions):
        path = tmp_path / f"q{index}.wav"
        subprocess.run(["espeak-ng", "-w", str(path), text], check=True)
        files.append(path)
    data = load_skill_data()
    matcher = load_matcher(data)
    recognition = load_recognition(ListeningSettings(strategy="open"), data, matcher, print)

    def resident_mb() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    sizes = {}
    paths = [files[i % len(files)] for i in range(150)]
    for count, heard in enumerate(transcribe_files(recognition, paths), start=1):
        assert not isinstance(heard, Exception)
        DialogueManager(data, matcher).handle(heard.text, heard=heard)
        if count in (10, 150):
            sizes[count] = resident_mb()
    print(f"\nresident: {sizes[10]:.0f} MB after 10 files, {sizes[150]:.0f} MB after 150")
    assert sizes[150] <= 1.1 * sizes[10]
