"""The semantic layer with the real embeddings (WordLlama's vectors from the installed package):
what it finds similar, how the blend changes the dialogue's decisions, and its disk cache."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import yaml
from judging import caution_opening, resolved

from skill import embedding, semantic
from skill import matcher as matching
from skill.classifier import ClassifierRescorer
from skill.data import SkillData, load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.matcher_cache import load_matcher
from skill.text import content_stems
from skill.vocabulary import ROUTINE_ONLY as ROUTINE_CONTROLS

ROOT = Path(__file__).resolve().parent.parent
PARAPHRASES = ROOT / "tests" / "data" / "paraphrases.yaml"
# The paraphrase regression set's product floor holds with the blend on, and the blend never
# accepts more off-topic paraphrases than the matcher alone.
PARAPHRASE_FLOOR = 0.95


@pytest.fixture(scope="module")
def embedder() -> embedding.StaticEmbedder:
    return embedding.StaticEmbedder()


@pytest.fixture(scope="module")
def index(
    data: SkillData, embedder: embedding.StaticEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> semantic.SemanticIndex:
    return semantic.load_index(
        data.intents,
        data.off_topic,
        embedder=embedder,
        cache_dir=tmp_path_factory.mktemp("semantic"),
    )


@pytest.fixture()
def blended(matcher: Matcher, index: semantic.SemanticIndex) -> Iterator[Matcher]:
    """The session's matcher with this module's blend."""
    yield matcher.with_rescorer(semantic.SemanticRescorer(index))


def test_embeddings_are_unit_vectors_that_put_paraphrases_close(
    embedder: embedding.StaticEmbedder,
) -> None:
    vectors = embedder.embed(
        [
            "how long do neck spasms last",
            "how many days until my neck cramp goes away",
            "what is the capital of france",
            "",
        ]
    )
    assert vectors.shape == (4, embedder.dimension)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3].any()
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert np.array_equal(vectors[:1], embedder.embed(["how long do neck spasms last"]))


def test_every_intent_has_exemplars_and_each_cause_is_represented(data: SkillData) -> None:
    exemplars = semantic.choose_exemplars(data.intents)
    assert {e.intent for e in exemplars} == set(data.intents.intents)
    causes = {dict(e.slots).get("cause") for e in exemplars if e.intent == "ask_cause"}
    assert set(data.intents.slot_values("cause")) <= causes
    assert len({e.text for e in exemplars}) == len(exemplars)
    assert exemplars == semantic.choose_exemplars(data.intents)


def test_similarities_name_the_intent_a_paraphrase_means(index: semantic.SemanticIndex) -> None:
    similar = index.similarities("how many days until this cramp in my neck eases off")
    best = max(similar.by_intent, key=lambda name: similar.by_intent[name])
    assert best == "spasm_duration"
    assert similar.off_topic < similar.best
    off = index.similarities("will i need an umbrella today")
    assert off.off_topic > off.best


def test_a_paraphrase_in_words_the_templates_lack_reaches_its_intent_through_the_blend(
    data: SkillData, matcher: Matcher, index: semantic.SemanticIndex
) -> None:
    text = "what is doctor chang famous for"
    # "famous" is no word of any about_doctor template; alone the matcher falls back.
    alone = matcher.with_rescorer(None)
    words = set(content_stems(alone.canonical(text)))
    assert words - alone.index.vocabularies["about_doctor"] == {"famous"}
    assert DialogueManager(data, alone).handle(text).kind == "fallback"
    blend = matcher.with_rescorer(semantic.SemanticRescorer(index))
    response = DialogueManager(data, blend).handle(text)
    assert (response.intent, response.kind) == ("about_doctor", "answer")


@pytest.mark.parametrize(
    "text",
    [
        "what causes pain in the ball of my foot",
        "how do i fix a flat bicycle tyre",
        "can you recommend a good podcast",
    ],
)
def test_off_topic_questions_stay_below_the_threshold(
    data: SkillData, blended: Matcher, text: str
) -> None:
    top = blended.rank(text)[0]
    assert top.confidence < matching.THRESHOLD, top
    assert DialogueManager(data, blended).handle(text).kind == "fallback"


def test_an_exact_template_sentence_keeps_its_certainty(blended: Matcher) -> None:
    (match,) = blended.rank("what causes neck spasms")
    assert (match.intent, match.confidence) == ("spasm_causes", 1.0)


def test_the_blend_maps_its_threshold_onto_the_matchers() -> None:
    blend = semantic.Blend(matcher_weight=0.5, threshold=0.6)
    assert blend.calibrate(0.6) == pytest.approx(matching.THRESHOLD)
    assert blend.calibrate(0.0) == 0.0
    assert blend.calibrate(1.0) == 0.99
    assert blend.calibrate(0.3) < blend.calibrate(0.59) < matching.THRESHOLD < blend.calibrate(0.61)
    # Closer to an off-topic example than to any intent: the excess comes off the blend.
    assert blend.score(0.8, 0.6, 0.2) == pytest.approx(blend.calibrate(0.7 - 0.2))


@pytest.mark.slow
def test_paraphrase_accuracy_with_the_blend_meets_the_floor(
    data: SkillData, matcher: Matcher, index: semantic.SemanticIndex
) -> None:
    items = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    caution = caution_opening(data)

    def right(used: Matcher, item: dict[str, object]) -> bool:
        response = DialogueManager(data, used).handle(
            str(item["text"]), in_routine=item["intent"] in ROUTINE_CONTROLS
        )
        return resolved(item, response, caution)

    off_topic = [i for i in items if i["intent"] == "fallback"]
    alone = [right(matcher.with_rescorer(None), i) for i in items]
    blend = matcher.with_rescorer(semantic.SemanticRescorer(index))
    mixed = [right(blend, i) for i in items]
    n = len(items)
    wrong_off = [
        sum(not ok for ok, i in zip(results, items, strict=True) if i in off_topic)
        for results in (alone, mixed)
    ]
    print(
        f"\nparaphrases: matcher alone {sum(alone)}/{n} = {sum(alone) / n:.1%}, "
        f"blend {sum(mixed)}/{n} = {sum(mixed) / n:.1%}; off-topic accepted: "
        f"{wrong_off[0]}/{len(off_topic)} alone, {wrong_off[1]}/{len(off_topic)} blended"
    )
    assert sum(mixed) / n >= PARAPHRASE_FLOOR
    assert wrong_off[1] <= wrong_off[0]


def test_the_cache_is_reused_and_rebuilt_when_the_intents_change(
    tmp_path: Path, embedder: embedding.StaticEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "intents", data_dir / "intents")
    shutil.copytree(ROOT / "content", data_dir / "content")
    shutil.copytree(ROOT / "routines", data_dir / "routines")
    cache = tmp_path / "cache"
    off_topic = data_dir / "content" / "off_topic.yaml"

    def load() -> semantic.SemanticIndex:
        data = load_skill_data(data_dir)
        return semantic.load_index(data.intents, data.off_topic, embedder=embedder, cache_dir=cache)

    first = load()
    (saved,) = cache.glob("semantic-*.npz")
    builds = []
    real_build = semantic.SemanticIndex.build

    def counting_build(*args: object, **kwargs: object) -> semantic.SemanticIndex:
        builds.append(1)
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(semantic.SemanticIndex, "build", counting_build)
    again = load()
    assert builds == []
    assert again.similarities("what helps a stiff neck") == first.similarities(
        "what helps a stiff neck"
    )

    conversation = data_dir / "intents" / "conversation.yaml"
    conversation.write_text(
        conversation.read_text().replace(
            '      - "i need help"', '      - "i need help"\n      - "what are you for"'
        ),
        encoding="utf-8",
    )
    load()
    assert len(builds) == 1
    # The new build replaced the old one's file: nothing stale is left behind.
    assert list(cache.glob("semantic-*.npz")) != [saved]
    assert len(list(cache.glob("semantic-*.npz"))) == 1

    off_topic.write_text(off_topic.read_text() + "  - how do i tune a piano\n", encoding="utf-8")
    changed = load()
    assert len(builds) == 2
    assert changed.similarities("how do i tune a piano").off_topic == pytest.approx(1.0, abs=1e-5)

    saved.write_bytes(b"not a cache")
    for stale in cache.glob("semantic-*.npz"):
        stale.write_bytes(b"not a cache")
    load()
    assert len(builds) == 3


def test_the_matcher_works_alone_without_the_embedding_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(embedding.SemanticError, match="not installed"):
        embedding.StaticEmbedder("no_such_embedding_package")

    def missing(*args: object, **kwargs: object) -> semantic.SemanticIndex:
        raise embedding.SemanticError("the embedding package 'x' is not installed")

    monkeypatch.setattr(semantic, "load_index", missing)
    alone = load_matcher(load_skill_data(), cache_dir=tmp_path, train=True)
    # The classifier's rescue stays, with no semantic blend under it.
    assert isinstance(alone.rescorer, ClassifierRescorer) and alone.rescorer.inner is None
    assert alone.rank("what causes neck pain")[0].intent == "pain_causes"
    assert "semantic matching is off" in caplog.text
