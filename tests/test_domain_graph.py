"""The domain-biased language-model graph, built from the real Vosk model and the skill's
sentences, decoding real espeak-ng speech.

The full graph is built once per test session (a few seconds); the cache tests use small
sentence lists in their own folders.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from audio import domain_graph
from audio.domain_graph import (
    MANIFEST,
    build_domain_model,
    domain_model_status,
    read_graph,
    write_const,
)
from audio.errors import GraphBuildError
from audio.model import check_model
from audio.recognizer import Recognizer
from audio.wavfile import read_wav
from skill.data import SkillData
from skill.index import recognizer_sentences
from skill.matcher import Matcher

Speak = Callable[..., Path]

SMALL = ["what causes neck spasms", "how do i stretch my neck", "next stretch"]


@pytest.fixture(scope="session")
def sentences(data: SkillData, matcher: Matcher) -> list[str]:
    """What the skill passes: every expanded template sentence, raw and normalized, and the
    statements."""
    return recognizer_sentences(data.intents, matcher.index)


def heard(model: Any, wav: Path) -> str:
    return Recognizer(model, source="file").transcribe(read_wav(wav)).text


def test_the_built_folder_is_a_complete_model_with_a_new_const_graph(
    domain_path: Path, stock_path: Path
) -> None:
    assert check_model(domain_path) == domain_path
    graph = (domain_path / "graph" / "Gr.fst").read_bytes()
    assert graph[8:13] == b"const"  # after the magic number and the type's length
    assert (domain_path / "am").resolve() == (stock_path / "am").resolve()
    assert (domain_path / "graph" / "HCLr.fst").resolve() == (stock_path / "graph/HCLr.fst")
    assert (domain_path / MANIFEST).is_file()


@pytest.mark.parametrize(
    ("text", "voice", "speed"),
    [
        ("can stress cause a neck spasm", "en-us+f3", 150),
        ("can sleeping wrong give me a crick in my neck", "en-us+m3", 165),
        ("is a heating pad good for a neck spasm", "en-us+m3", 165),
    ],
)
def test_domain_sentences_come_out_as_said(
    domain_model: Any, vosk_model: Any, speak: Speak, text: str, voice: str, speed: int
) -> None:
    wav = speak(text, voice, speed)
    assert heard(vosk_model, wav) != text  # the stock graph mishears these
    assert heard(domain_model, wav) == text


def test_domain_graph_hears_the_skill_better_than_the_stock_one(
    domain_model: Any, vosk_model: Any, speak: Speak
) -> None:
    import jiwer

    said = [
        "what does the term neck spasm mean",
        "does a neck spasm show up on an mri",
        "how do i know if my neck pain is serious",
        "what stretches help a stiff neck",
        "can sleeping wrong give me a crick in my neck",
        "is a heating pad good for a neck spasm",
        "what causes neck spasms",
        "how can i prevent a crick in my neck",
    ]
    references = said * 2
    wavs = [speak(text, "en-us", 150) for text in said] + [
        speak(text, "en-us+f3", 140) for text in said
    ]
    stock = jiwer.wer(references, [heard(vosk_model, wav) or "-" for wav in wavs])
    domain = jiwer.wer(references, [heard(domain_model, wav) or "-" for wav in wavs])
    print(f"espeak WER on {len(wavs)} domain questions: stock {stock:.3f}, domain {domain:.3f}")
    assert domain < 0.7 * stock


@pytest.mark.parametrize(
    ("text", "sign_words"),
    [
        ("my left hand feels weak", {"hand", "weak"}),
        ("i have pins and needles in my fingers", {"pins", "needles", "fingers"}),
        ("i was in a car accident", {"car", "accident"}),
        ("the pain is getting worse every day", {"worse"}),
    ],
)
def test_warning_signs_told_in_everyday_words_come_out_with_their_words(
    domain_model: Any, speak: Speak, text: str, sign_words: set[str]
) -> None:
    # The statements (intents/statements.yaml) are in the language model, so a warning sign
    # is not pulled toward a question the skill knows.
    assert sign_words <= set(heard(domain_model, speak(text, "en-us", 150)).split())


@pytest.mark.parametrize(
    ("text", "key_words"),
    [
        ("what is the capital of france", {"capital"}),
        ("play some jazz music in the kitchen", {"jazz", "music", "kitchen"}),
        ("how far away is the moon", {"far", "moon"}),
    ],
)
def test_speech_about_something_else_is_not_forced_into_domain_words(
    domain_model: Any, vosk_model: Any, speak: Speak, text: str, key_words: set[str]
) -> None:
    wav = speak(text)
    assert key_words <= set(heard(vosk_model, wav).split())  # what the stock graph hears
    words = set(heard(domain_model, wav).split())
    assert key_words <= words
    assert not words & {"neck", "spasm", "spasms", "stretch", "pain", "doctor", "routine"}


def test_the_domain_branch_is_a_distribution_with_open_vocabulary(domain_path: Path) -> None:
    graph, header = read_graph(domain_path / "graph" / "Gr.fst")
    start_arcs = graph.src == graph.start
    assert graph.label[start_arcs].tolist() == [0, 0]
    domain_start = int(graph.dest[start_arcs][1])
    # The domain's null history: where the backoff arcs from the start of the branch lead.
    state = domain_start
    while True:
        arcs = (graph.src == state) & (graph.label == 0)
        if not arcs.any():
            break
        state = int(graph.dest[arcs][0])
    arcs = graph.src == state
    mass = np.exp(-graph.weight[arcs].astype(np.float64)).sum() + math.exp(-graph.final[state])
    assert mass == pytest.approx(1.0, abs=1e-3)
    # Every word of the vocabulary can be said there, off-topic ones included.
    labels = set(graph.label[arcs].tolist())
    assert {header.words["capital"], header.words["france"], header.words["neck"]} <= labels


def test_stock_graph_survives_a_round_trip_through_the_const_format(
    stock_path: Path, tmp_path: Path
) -> None:
    stock, header = read_graph(stock_path / "graph" / "Gr.fst")
    write_const(tmp_path / "Gr.fst", stock, header.symbols, header.flags)
    again, again_header = read_graph(tmp_path / "Gr.fst")
    assert again.start == stock.start
    assert again_header.words == header.words
    for name in ("final", "src", "label", "weight", "dest"):
        assert np.array_equal(getattr(again, name), getattr(stock, name)), name


def test_the_cache_is_reused_and_a_changed_sentence_list_rebuilds(
    stock_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert domain_model_status(stock_path, SMALL, tmp_path).state == "missing"
    first = build_domain_model(stock_path, SMALL, tmp_path)
    assert domain_model_status(stock_path, reversed(SMALL), tmp_path).state == "current"

    def no_rebuild(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rebuilt although the inputs did not change")

    with monkeypatch.context() as patch:
        patch.setattr(domain_graph, "_write_graph", no_rebuild)
        # Same sentence set in another order and wording case: the same build.
        assert build_domain_model(stock_path, [s.upper() for s in SMALL[::-1]], tmp_path) == first

    changed = [*SMALL, "repeat that please"]
    status = domain_model_status(stock_path, changed, tmp_path)
    assert (status.state, status.stale) == ("stale", (first,))
    second = build_domain_model(stock_path, changed, tmp_path)
    assert second != first
    assert not first.exists()  # the stale build is removed
    assert domain_model_status(stock_path, changed, tmp_path).state == "current"
    assert build_domain_model(stock_path, changed, tmp_path, domain_cost=2.5) not in (first, second)


def test_a_failed_build_leaves_nothing_behind(
    stock_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_written(path: Path, *args: Any) -> None:
        path.write_bytes(b"\xd6\xfd\xb2\x7e")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(domain_graph, "write_const", half_written)
    with pytest.raises(GraphBuildError, match="No space left"):
        build_domain_model(stock_path, SMALL, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_sentences_the_model_cannot_say_are_an_error(stock_path: Path, tmp_path: Path) -> None:
    with pytest.raises(GraphBuildError, match="vocabulary"):
        build_domain_model(stock_path, ["xyzzyq plugh", "kaliq spondylosis"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_model_without_a_dynamic_graph_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "model" / "graph").mkdir(parents=True)
    (tmp_path / "model" / "graph" / "HCLG.fst").write_bytes(b"")
    with pytest.raises(GraphBuildError, match=r"graph/Gr\.fst"):
        build_domain_model(tmp_path / "model", SMALL, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_a_graph_of_another_type_is_refused(tmp_path: Path) -> None:
    def text(value: str) -> bytes:
        return struct.pack("<i", len(value)) + value.encode()

    path = tmp_path / "Gr.fst"
    header = struct.pack("<i", 2125659606) + text("vector") + text("standard")
    path.write_bytes(header + struct.pack("<iiQqqq", 2, 0, 0, 0, 0, 0))
    with pytest.raises(GraphBuildError):
        read_graph(path)
