"""The intent classifier (scikit-learn, trained on the real templates): its numpy answers equal
scikit-learn's, it rescues paraphrases the matcher alone would not answer and never off-topic
questions, statements of a symptom or a routine's controls, it vetoes answers to questions it
reads as off-topic, and its disk cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from skill import classifier as classifying
from skill.classifier import ClassifierRescorer, IntentClassifier
from skill.data import SkillData
from skill.dialogue import DialogueManager
from skill.matcher import EXACT, THRESHOLD, VETOED, IntentMatch, Matcher
from skill.matcher_cache import read_classifier, train_classifier
from skill.response import Kind

# Written for these tests (none of them is in a development or test set): paraphrases that the
# matcher and the semantic blend leave unanswered or undecided.
RESCUED = [
    ("ta very much that was useful", "thanks"),
    ("lovely thanks a lot", "thanks"),
]
OFF = classifying.OFF_TOPIC
# Near-domain and everyday questions that no answer of the skill fits.
OFF_TOPIC = [
    "how do i know if i have covid",
    "what's the meaning of life",
    "how do i get rid of a wart on my finger",
    "can you recommend a good film tonight",
]


@pytest.fixture(scope="module")
def trained(matcher: Matcher) -> IntentClassifier:
    rescorer = matcher.rescorer
    assert isinstance(rescorer, ClassifierRescorer), "the product's matcher has the classifier"
    return rescorer.classifier


@pytest.fixture(scope="module")
def without(matcher: Matcher) -> Matcher:
    """The product's matcher without the classifier: what the classifier has to improve on."""
    rescorer = matcher.rescorer
    assert isinstance(rescorer, ClassifierRescorer)
    return matcher.with_rescorer(rescorer.inner)


def test_numpy_answers_equal_scikit_learns(data: SkillData, matcher: Matcher) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier

    # A small model (two intents and the off-topic class) trained both ways.
    canonical = matcher.index.canonical
    texts, labels = classifying.training_data(data.intents, canonical, data.off_topic)
    keep = {"spasm_causes", "treatments", classifying.OFF_TOPIC, classifying.STATEMENT}
    texts, labels = zip(
        *[(t, label) for t, label in zip(texts, labels, strict=True) if label in keep],
        strict=True,
    )
    ours = classifying.train(texts, labels)
    vectorizer = TfidfVectorizer(analyzer=classifying.features, sublinear_tf=True)
    model = SGDClassifier(
        loss="log_loss",
        alpha=classifying.ALPHA,
        max_iter=classifying.EPOCHS,
        tol=1e-3,
        class_weight="balanced",
        random_state=classifying.SEED,
    ).fit(vectorizer.fit_transform(texts), labels)
    for text in ["why do my neck muscles tighten up", "how do you ease a spasm", "play jazz"]:
        expected = model.predict_proba(vectorizer.transform([canonical(text)]))[0]
        np.testing.assert_allclose(ours.probabilities(canonical(text)), expected, atol=1e-5)


@pytest.mark.parametrize(("text", "intent"), RESCUED)
def test_paraphrases_left_unanswered_are_rescued(
    data: SkillData, matcher: Matcher, without: Matcher, text: str, intent: str
) -> None:
    before = DialogueManager(data, without).handle(text)
    assert before.kind in {Kind.FALLBACK, Kind.CLARIFY}
    top = matcher.rank(text)[0]
    assert (top.intent, top.rescued) == (intent, True)
    assert top.confidence >= THRESHOLD
    assert DialogueManager(data, matcher).handle(text).intent == intent


def sure_of(label: str, word: str) -> IntentClassifier:
    """A classifier sure that any text with ``word`` in it means ``label``."""
    other = "greet" if label == classifying.OFF_TOPIC else classifying.OFF_TOPIC
    return IntentClassifier(
        labels=(other, label),
        terms={word: 0},
        idf=np.ones(1, dtype=np.float32),
        weights=np.array([[-10.0], [10.0]], dtype=np.float32),
        intercepts=np.array([-10.0, 10.0], dtype=np.float32),
    )


def test_a_rescued_intent_takes_the_slot_value_the_classifier_read(matcher: Matcher) -> None:
    sure = sure_of(classifying.label_of("ask_cause", (("cause", "heavy_bag"),)), "bag")
    ranked = [
        IntentMatch("pain_causes", 0.45),
        IntentMatch("ask_cause", 0.44, {"cause": "computer_sitting"}),
    ]
    top = ClassifierRescorer(sure, matcher.index).rescore("is it my bag", ranked)[0]
    assert (top.intent, dict(top.slots), top.rescued) == (
        "ask_cause",
        {"cause": "heavy_bag"},
        True,
    )
    assert top.confidence == pytest.approx(THRESHOLD + classifying.RESCUED_LEAD)


def test_the_product_matcher_asks_the_classifier_what_is_off_topic(
    matcher: Matcher, trained: IntentClassifier
) -> None:
    assert matcher.off_topic_judge is trained


def test_a_question_the_judge_reads_as_off_topic_stays_under_the_threshold(
    matcher: Matcher,
) -> None:
    judged = Matcher(matcher.intents, matcher.index, off_topic_judge=sure_of(OFF, "cold"))
    assert judged.off_topic("how long does a cold last")
    assert all(m.confidence <= VETOED for m in judged.rank("how long does a cold last"))
    assert VETOED < THRESHOLD


def test_a_template_sentence_word_for_word_is_never_off_topic(matcher: Matcher) -> None:
    judged = Matcher(matcher.intents, matcher.index, off_topic_judge=sure_of(OFF, "long"))
    assert not judged.off_topic("how long")
    assert judged.rank("how long")[0].confidence == EXACT


def test_off_topic_keeps_the_nearest_answers_for_the_fallback_to_offer(
    data: SkillData, matcher: Matcher
) -> None:
    judged = Matcher(matcher.intents, matcher.index, off_topic_judge=sure_of(OFF, "cold"))
    response = DialogueManager(data, judged).handle("how long does a spasm last if i have a cold")
    assert response.kind is Kind.FALLBACK
    # The fallback offers the nearest question the skill can answer.
    assert "how long" in response.text.lower()


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_questions_are_not_rescued(data: SkillData, matcher: Matcher, text: str) -> None:
    assert not any(match.rescued for match in matcher.rank(text))
    assert DialogueManager(data, matcher).handle(text).kind is Kind.FALLBACK


def test_a_statement_of_a_symptom_is_its_own_class(
    trained: IntentClassifier, matcher: Matcher
) -> None:
    label, _ = trained.best(matcher.index.canonical("my left hand has gone numb and tingly"))
    assert label == classifying.STATEMENT


def test_after_a_caution_only_the_matchers_own_reading_is_answered(
    data: SkillData, matcher: Matcher
) -> None:
    # The words around the symptom read, to the classifier, like "what is a spasm"; the
    # caution comes alone.
    text = "numbness in my arm with a stiff neck what does that mean"
    response = DialogueManager(data, matcher).handle(text)
    assert (response.kind, response.intent, response.red_flags) == (
        Kind.CAUTION,
        "fallback",
        ("numbness",),
    )


def test_routine_controls_are_never_rescued(matcher: Matcher) -> None:
    rescorer = matcher.rescorer
    assert isinstance(rescorer, ClassifierRescorer)
    sure = sure_of("next", "next")
    ranked = [IntentMatch("treatments", 0.5), IntentMatch("next", 0.48)]
    guarded = ClassifierRescorer(sure, matcher.index, never=rescorer.never)
    assert guarded.rescore("next one please", ranked) == ranked
    unguarded = ClassifierRescorer(sure, matcher.index).rescore("next one please", ranked)
    assert (unguarded[0].intent, unguarded[0].rescued) == ("next", True)


@pytest.mark.parametrize(
    ("heard", "command"),
    [
        # Spoken off-topic questions in 10 dB noise, as the domain recognizer heard them.
        ("sounds like cholesterol", "yes"),
        ("what's different yeah", "yes"),
        ("what else is in my brain", "more"),
        ("what the identify can say", "repeat"),
    ],
)
def test_noise_shaped_like_a_conversation_command_is_not_taken_for_it(
    matcher: Matcher, heard: str, command: str
) -> None:
    ranked = matcher.rank(heard)
    assert ranked[0].intent != command or ranked[0].confidence < THRESHOLD
    assert not any(m.rescued for m in ranked if m.intent == command)


def test_help_and_thanks_in_other_words_are_still_rescued(matcher: Matcher) -> None:
    assert matcher.rank("i'm a bit lost how does this work")[0].intent == "help"
    assert matcher.rank("cheers for that mate")[0].intent == "thanks"


def test_the_classifier_is_cached_and_a_damaged_file_is_retrained(
    data: SkillData, matcher: Matcher, trained: IntentClassifier, tmp_path: Path
) -> None:
    path = tmp_path / "classifier-current.npz"
    older = tmp_path / "classifier-older.npz"
    older.write_bytes(b"an older version's classifier")
    trained.save(path)
    again = read_classifier(path)
    assert again is not None and again.labels == trained.labels
    text = matcher.index.canonical("why does my neck keep seizing up")
    np.testing.assert_allclose(again.probabilities(text), trained.probabilities(text))
    path.write_bytes(b"not an archive")
    assert read_classifier(path) is None
    rebuilt = train_classifier(data, matcher.index, path)
    assert rebuilt is not None and rebuilt.labels == trained.labels
    assert IntentClassifier.read(path).labels == trained.labels  # written back whole
    assert not older.exists()  # and the older version's file is gone


def test_a_session_without_a_trained_classifier_starts_without_one(
    data: SkillData, tmp_path: Path
) -> None:
    from skill.matcher_cache import load_matcher

    untrained = load_matcher(data, cache_dir=tmp_path)
    assert not isinstance(untrained.rescorer, ClassifierRescorer)
    assert not list(tmp_path.glob("classifier-*"))
