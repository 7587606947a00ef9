"""The red-flag check: every warning sign in everyday words, sound-alikes, denials and questions
about signs, and certain versus possible over the recognizer's hypotheses.

The phrasings here were written for these tests, apart from the development sets; the floor test
at the end reads the development files ``bench/sets/dev*_red_flags.yaml`` (never the held-out
test sets).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from audio.events import Hypothesis, Transcript
from bench.red_flags_dev import RED_FLAG_SETS as DEV_RED_FLAGS
from skill.safety import PARTIAL_AGREEMENT, Certainty, Source, check
from skill.sign_context import is_about, negated
from skill.sounds import SoundAlike, distance, pronunciations
from skill.warning_signs import SOUND_TARGETS, Sign, normalize

SIGNS: dict[Sign, list[str]] = {
    Sign.WEAKNESS: [
        "my arm feels weak",
        "my arm gave away when i picked up the bag",
        "my left hand feels like it isn't mine",
        "my arm just won't do anything i ask",
        "i can't hold a cup with my left hand",
        "i can't lift my arm above my head",
        "my hand won't grip properly",
        "my grip is going",
        "i keep dropping cups",
        "my arm is heavy and useless",
        "my right hand has no strength",
        "i can barely squeeze anything with my hand",
        "my handwriting has gone all shaky",
        "my fingers won't do up my buttons",
        "my arm just flops",
        "i've lost my grip strength",
        "i can't raise my right arm",
        "i can't make a fist",
        "my legs feel weak as well",
        "the strength has gone from my right arm",
        "i can't unscrew jar lids any more with this hand",
        "my fingers don't work properly",
        "my right arm just won't go up anymore",
        "my hand has forgotten how to hold a pen",
        "my arm feels heavy and kind of useless",
        "i can't hold things for long",
        "my left hand has no power in it",
        "my arm can't bear any weight since yesterday",
        "my left hand isn't doing what i tell it",
        "i can't seem to squeeze anything with my left hand",
        "my wrist has no oomph",
    ],
    Sign.NUMBNESS: [
        "a burning sensation right the way down my arm",
        "my hand has gone numb",
        "i can't feel my fingertips",
        "my fingers feel like they're asleep",
        "tingling down my arm",
        "my thumb and finger feel tingly",
        "pins and needles in my hand",
        "my arm keeps going dead",
        "there's a burning feeling down my arm",
        "shooting pain down my arm",
        "i've lost sensation in my pinky",
        "i get an electric shock feeling when i bend my neck",
        "my arm is all prickly",
        "the pain is spreading into my fingers",
        "i can't feel the ends of my fingers",
        "my fingers feel like they're wrapped in cotton wool",
        "my hand feels like it's full of needles",
        "my fingers feel sort of fuzzy",
    ],
    Sign.FEVER: [
        "i'm boiling and shivering at once",
        "i have a fever",
        "i'm running a temperature",
        "i feel feverish",
        "i've got a high temp",
        "i've been shivering all night",
        "i've got the chills",
        "i'm burning up",
        "my temperature is thirty nine",
        "i have a temp of 101",
        "i feel hot and cold",
        "i've had night sweats",
        "i feel like i have the flu",
        "my son has a fever and a stiff neck",
        "my forehead is boiling",
        "my skin feels hot and clammy",
        "i woke up drenched in sweat",
        "i'm soaked with sweat every night",
    ],
    Sign.INJURY: [
        "i was in a car accident",
        "someone rear-ended me",
        "i fell down the stairs",
        "i slipped in the shower",
        "i tripped over the dog",
        "i hit my head on a cupboard door",
        "i came off my bike",
        "i got tackled playing football",
        "i was thrown from a horse",
        "i had a fall last week",
        "i got whiplash",
        "i dove into a pool and hit my head",
        "i was knocked down by a car",
        "a car hit me",
        "something heavy fell on my head",
        "my head hit the steering wheel",
        "i bumped my head really hard",
        "my neck snapped back when the car stopped suddenly",
        "i took a tumble",
        "i headed a football and felt my neck go",
        "i got whacked on the head by a branch",
        "i had an awkward landing off the trampoline",
        "i cracked my head on the cupboard",
        "i took a ball to the head at cricket",
        "someone pushed me into a door",
        "i had a bump in the car this morning",
        "i got smacked in the neck by a branch",
    ],
    Sign.SEVERE_PAIN: [
        "honestly it's horrific",
        "the pain is unbearable",
        "it's the worst pain i've ever had",
        "the pain is a nine out of ten",
        "it hurts so much i can't sleep",
        "i can't move my neck at all",
        "it's been getting worse for days",
        "the pain won't go away",
        "it's been hurting for a month",
        "painkillers aren't helping",
        "nothing i do makes it better",
        "i'm in agony",
        "it's killing me",
        "i can't get out of bed",
        "the pain keeps me awake",
        "it hurts more every day",
        "i've never had pain this bad",
        "i can't look left or right without screaming",
        "the pain got worse overnight",
        "the ache is getting stronger by the hour",
        "it's stopping me from sleeping",
        "the ache is ramping up every day",
        "the pain is so fierce",
        "it keeps intensifying",
        "it's getting tighter instead of easing",
    ],
}


@pytest.mark.parametrize(
    ("sign", "text"), [(sign, text) for sign, texts in SIGNS.items() for text in texts]
)
def test_everyday_wordings_of_each_sign_are_certain(sign: Sign, text: str) -> None:
    result = check(text)
    assert sign in result.certain, result.summary()


# What the hand or arm fails at, said the long way round, and pain likened to a blade or told by
# the work it costs.
MORE_WORDINGS = [
    (Sign.WEAKNESS, "my arm won't stay up long enough to wash my hair"),
    (Sign.WEAKNESS, "i can barely turn the tap with my right hand"),
    (Sign.WEAKNESS, "i couldn't carry the laundry basket up the stairs with my left arm"),
    (Sign.WEAKNESS, "i can't get my hand up to the top shelf"),
    (Sign.WEAKNESS, "it feels like my arm has been switched off"),
    (Sign.WEAKNESS, "my hand hasn't got the strength to open a door"),
    (Sign.NUMBNESS, "my thumb feels like it's had a jab at the dentist"),
    (Sign.NUMBNESS, "my fingers feel like they've had an anaesthetic"),
    (Sign.INJURY, "we banged heads going for the ball"),
    (Sign.SEVERE_PAIN, "it's like someone's sticking a knife in my neck"),
    (Sign.SEVERE_PAIN, "i had to ring in sick again because of my neck"),
    # The seventh development set's families, in words of these tests.
    (Sign.NUMBNESS, "my thumb feels like it belongs to somebody else"),
    (Sign.NUMBNESS, "i can't feel the keys when i type"),
    (Sign.NUMBNESS, "the tips of my fingers have gone all thick"),
    (Sign.FEVER, "he's hot to the touch and his neck is stiff"),
    (Sign.FEVER, "stiff neck and a hot forehead"),
    (Sign.INJURY, "i came down badly off the climbing wall"),
    (Sign.INJURY, "someone wrecked my car with me in it"),
    (Sign.SEVERE_PAIN, "on sunday it was a three out of ten and today it's a nine"),
    (Sign.SEVERE_PAIN, "every day the ache reaches a little further and bites a little harder"),
    (Sign.SEVERE_PAIN, "the pain is spreading further down my back"),
    (Sign.SEVERE_PAIN, "the soreness keeps increasing day by day"),
    (Sign.SEVERE_PAIN, "i've taken ibuprofen and codeine and they don't even touch it"),
    (Sign.SEVERE_PAIN, "the ache is like nothing i've ever had"),
    (Sign.SEVERE_PAIN, "the stiffness has been there for well over a year"),
    (Sign.SEVERE_PAIN, "it hurts constantly"),
    (Sign.SEVERE_PAIN, "the spasm has woken me up every night this week"),
]


@pytest.mark.parametrize(("sign", "text"), MORE_WORDINGS)
def test_more_everyday_wordings_are_certain(sign: Sign, text: str) -> None:
    result = check(text)
    assert sign in result.certain, result.summary()


DENIALS = [
    "i don't have a fever",
    "no pins and needles or tingling, only a stiff neck",
    "no numbness or tingling",
    "i didn't fall",
    "there's no weakness",
    "i haven't been in an accident",
    "the pain isn't severe",
    "it isn't getting worse",
    "i have no pins and needles",
    "no weakness no numbness",
    "i wasn't hurt in any crash it's just tension",
    "i'm not running a temperature",
    "no chills or sweats",
    "i took my temperature and it was perfectly normal",
    "my doctor said to keep an eye out for any numbness",
]


ABOUT = [
    "what does numbness in the arm mean",
    "what if i get a temperature with a stiff neck",
    "should i worry about a fever",
    "when should i see a doctor about arm weakness",
    "can whiplash cause neck spasms",
    "could a car accident cause neck pain",
    "what if my neck pain gets worse",
    "how long does it take to recover from whiplash",
    "is it serious if your hand goes weak",
    "is it bad if i get tingling with neck pain",
    "should tingling in the fingers worry me",
    # The recognizer lost "is": still a question about the sign.
    "his fever a warning sign",
    "if i ever had tingling all the way down to my fingertips would that matter",
    "out of interest what happens if my hand goes weak",
    "my daughter asked me why a fever with a stiff neck is so serious",
]


@pytest.mark.parametrize("text", ABOUT)
def test_questions_about_signs_raise_nothing(text: str) -> None:
    result = check(text)
    assert not result.certain and not result.possible, result.summary()
    assert is_about(normalize(text))


ORDINARY = [
    "i had a weak moment and skipped my stretches",
    "i knocked off work early because my neck hurt",
    "my neck went into spasm when i reached for the top shelf",
    "i slept funny and my neck is stiff",
    "i've been sitting at my desk all week",
    "my neck's been sore for a week",
    "i fell asleep on the sofa and woke up with a crick",
    "tingling at the base of my neck",
    "i have a headache and a stiff neck",
    "is it worth seeing a doctor",
    "it hurts a bit when i turn my head",
    "can a slipped disc cause neck spasms",
    "okay so i keep getting spasms in my neck every few weeks",
    "it gets worse when i look down at my phone",
    # The article lists trouble focusing among an ordinary spasm's effects.
    "i can't concentrate at work because of my neck",
    "i can't sleep on my side",
    "my shoulders are wrecked after moving house",
    "i'm constantly looking over my shoulder when i reverse the car",
    "my neck has hurt on and off for years",
    "i've been gaming for ages and now my neck is stiff",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_neck_talk_raises_nothing(text: str) -> None:
    result = check(text)
    assert not result.certain and not result.possible, result.summary()


REPORTS_WITH_QUESTIONS = [
    "i have a fever and neck spasms is that a warning sign",
    "numbness in my left hand plus neck cramps is that a warning sign",
    "what causes neck spasms, my arm is numb",
    "does a numb hand mean anything, mine is numb",
    "how long will this go on for, it's been getting worse all week",
    "is this whiplash if i got shunted at the lights on friday",
    # Who asked what comes after the fall: the fall is told.
    "my neck hurts since i fell off a wall and my physio wants to know what caused it",
]


@pytest.mark.parametrize("text", REPORTS_WITH_QUESTIONS)
def test_a_report_inside_a_question_is_still_a_report(text: str) -> None:
    assert check(text).certain


def test_a_denial_reaches_only_across_words_that_carry_it() -> None:
    text = "it won't need a car accident"
    assert not negated(text, text.index("accident"))
    text = "i wasn't hurt in any crash"
    assert negated(text, text.index("crash"))


# Each form a denial takes: before the sign, inside the phrase right before the word that names
# it, a bare "no" or "fine" after it, across small words, and through "i don't think".
DENIAL_FORMS = [
    "my arm isn't weak",
    "my hand doesn't feel numb",
    "my fingers aren't going numb",
    "my hands aren't tingling",
    "i haven't fallen",
    "numbness no just stiffness",
    "any fever nope",
    "my grip's fine",
    "my temperature is normal",
    "nothing like a fall or an accident",
    "nothing like numbness or weakness",
    "i don't think i've got a fever",
    "i've never had any weakness in my arms",
    "without any pins and needles",
    "i haven't had any sort of fall",
    "i don't feel hot or shivery",
    "nothing's gone numb it's only stiff",
    "honestly it's nowhere near the worst ache i've had",
]


@pytest.mark.parametrize("text", [*DENIALS, *DENIAL_FORMS])
def test_denied_signs_raise_nothing(text: str) -> None:
    result = check(text)
    assert not result.certain and not result.possible, result.summary()


# A denial of one sign leaves another the same sentence reports.
DENIAL_AND_REPORT = [
    ("i didn't fall but my arm has gone numb", Sign.NUMBNESS),
    ("no fever but my hand is weak", Sign.WEAKNESS),
    ("my arm isn't weak but my fingers are tingling", Sign.NUMBNESS),
    ("i haven't been in an accident but the pain is unbearable", Sign.SEVERE_PAIN),
    ("i don't know why but my hand keeps going numb", Sign.NUMBNESS),
    ("i can't stop shivering", Sign.FEVER),
    ("i haven't slept a wink the pain is that bad", Sign.SEVERE_PAIN),
    ("the painkillers aren't touching it", Sign.SEVERE_PAIN),
]


@pytest.mark.parametrize(("text", "sign"), DENIAL_AND_REPORT)
def test_a_reported_sign_still_counts_beside_a_denial(text: str, sign: Sign) -> None:
    result = check(text)
    assert result.certain == (sign,), result.summary()


@pytest.mark.parametrize(
    "text",
    [
        "what if my arm goes numb",
        "is it bad if my fingers tingle",
        "what should i do if i get a temperature",
        "if i had a fall should i see a doctor",
        "say my hand went weak would that be serious",
    ],
)
def test_a_short_condition_in_a_question_supposes(text: str) -> None:
    assert is_about(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "got rear ended at a junction and my neck is serious",
        "had a fall off my bike is that serious",
        "fell down the stairs yesterday is that a warning sign",
    ],
)
def test_an_accident_told_without_the_i_is_a_report(text: str) -> None:
    assert not is_about(normalize(text))
    assert check(text).certain == (Sign.INJURY,), check(text).summary()


def test_a_long_condition_in_a_question_may_report() -> None:
    text = "what should i do if i turn my head and my arm goes numb"
    assert check(text).certain == (Sign.NUMBNESS,)


# -- sound-alikes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("week", "weak"),
        ("weeks", "weak"),
        ("worth", "worse"),
        ("num", "numb"),
        ("fevers", "fever"),
        ("chill", "chills"),
        ("injuries", "injury"),
    ],
)
def test_a_word_that_sounds_like_a_sign_word_is_respelled(heard: str, meant: str) -> None:
    assert SoundAlike(SOUND_TARGETS).target_for(heard) == meant


@pytest.mark.parametrize(
    "word", ["feel", "full", "were", "none", "walk", "pains", "false", "wheres"]
)
def test_common_words_near_a_sign_word_are_left_alone(word: str) -> None:
    assert SoundAlike(SOUND_TARGETS).target_for(word) is None


def test_a_sign_word_run_into_the_next_is_split_where_it_can_be_an_adjective() -> None:
    sounds = SoundAlike(SOUND_TARGETS)
    assert sounds.target_for_split("weekend") == "weak and"
    assert sounds.target_for_split("weakened") is None  # a form of the word, judged as spelled
    assert (
        sounds.respell(["my", "arms", "are", "weekend", "shaky"]).text
        == "my arms are weak and shaky"
    )
    assert sounds.respell(["at", "the", "weekend"]).text == "at the weekend"
    assert sounds.respell(["last", "weekend"]).text == "last weekend"


def test_a_split_word_is_put_back_together() -> None:
    respelled = SoundAlike(SOUND_TARGETS).respell(["i", "had", "whip", "lash"])
    assert respelled.text == "i had whiplash"


def test_the_dictionary_gives_every_pronunciation_of_a_word_and_none_of_another() -> None:
    assert pronunciations("read") == (("R", "EH", "D"), ("R", "IY", "D"))
    assert pronunciations("Weak") == pronunciations("week") == (("W", "IY", "K"),)
    assert pronunciations("tingly") == (("T", "IH", "NG", "G", "L", "IY"),)  # added by hand
    assert pronunciations("zzxq") == ()


def test_phoneme_distance_weighs_near_sounds_less() -> None:
    worse, worth, word = (pronunciations(w)[0] for w in ("worse", "worth", "word"))
    assert distance(worse, worth) < distance(worse, word)
    assert distance(worse, worse) == 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("my hand feels week", Sign.WEAKNESS),
        ("my legs feel weeks", Sign.WEAKNESS),
        ("the pain is getting worth every day", Sign.SEVERE_PAIN),
        ("my fingers are num", Sign.NUMBNESS),
        ("i had whip lash last year", Sign.INJURY),
        ("my left arms are weekend shaky", Sign.WEAKNESS),
        ("someone showed me into a wall", Sign.INJURY),
    ],
)
def test_a_sign_heard_only_by_sound_is_possible_not_certain(text: str, sign: Sign) -> None:
    result = check(text)
    assert result.possible == (sign,) and not result.certain, result.summary()
    assert all(f.by_sound for f in result.findings)


@pytest.mark.parametrize(
    "text",
    [
        "i've had this for a week",
        "is it worth it",
        "all week my neck has been tight",
        "at the weekend my arm was sore",
        "i hurt my neck over the weekend and my arm aches",
        "i was weekend shaky",
        "the physio showed me how to stretch my neck",
        "she showed me the routine",
    ],
)
def test_a_sound_alike_alone_raises_nothing(text: str) -> None:
    result = check(text)
    assert not result.certain and not result.possible, result.summary()


# -- hypotheses: certain and possible ------------------------------------------------------------


def heard(text: str, *alternatives: str, partials: tuple[str, ...] = ()) -> Transcript:
    readings = (text, *alternatives)
    return Transcript(
        text,
        source="microphone",
        alternatives=tuple(Hypothesis(t, 100.0 - i) for i, t in enumerate(readings)),
        partials=partials,
    )


def test_a_sign_in_the_chosen_transcript_is_certain() -> None:
    transcript = heard("my fingers are tingling", "my fingers are tickling")
    result = check(transcript.text, transcript)
    assert result.certain == (Sign.NUMBNESS,) and result.possible == ()
    assert result.findings[0].source is Source.TRANSCRIPT


def test_a_sign_only_in_a_weaker_alternative_is_possible() -> None:
    transcript = heard("i feel of a ladder", "i fell off a ladder")
    result = check(transcript.text, transcript)
    assert result.certain == () and result.possible == (Sign.INJURY,)
    finding = result.findings[0]
    assert finding.source is Source.ALTERNATIVE and finding.certainty is Certainty.POSSIBLE


def test_a_sign_only_in_a_partial_is_possible() -> None:
    transcript = heard("and now my neck hurts", partials=("i fell off", "i fell of a"))
    result = check(transcript.text, transcript)
    assert result.possible == (Sign.INJURY,)
    assert result.findings[0].source is Source.PARTIAL


def test_a_sign_in_one_partial_only_is_a_guess_the_recognizer_took_back() -> None:
    # The language model expects "my shoulders are really tingly" before "tight" is heard out.
    transcript = heard(
        "my shoulders are really tight after work",
        partials=("my shoulders", "my shoulders are really tingly", "my shoulders are tight"),
    )
    result = check(transcript.text, transcript)
    assert not result.possible, result.summary()
    held = heard(
        "my shoulders are really tight after work",
        partials=("my shoulders are really tingly", "my shoulders are really tingly after"),
    )
    assert check(held.text, held).possible == (Sign.NUMBNESS,)
    assert PARTIAL_AGREEMENT == 2


def test_a_sign_the_chosen_transcript_denies_is_not_raised_by_a_weaker_one() -> None:
    transcript = heard("i don't have a fever", "i do have a fever")
    result = check(transcript.text, transcript)
    assert not result.certain and not result.possible, result.summary()


def test_a_certain_sign_is_not_also_possible() -> None:
    transcript = heard("i have a fever", "i have a fever too", partials=("i have a fev",))
    result = check(transcript.text, transcript)
    assert result.certain == (Sign.FEVER,) and result.possible == ()


def test_typed_text_has_no_other_hypotheses() -> None:
    assert check("what causes neck spasms").findings == ()


def test_the_rest_is_what_else_was_asked() -> None:
    assert check("my arm is numb, what causes neck spasms").rest == "what causes neck spasms"
    assert check("what causes neck spasms my hand feels week").rest == "what causes neck spasms"


# -- the typed floor over the development set -----------------------------------------------------


@pytest.mark.parametrize("path", DEV_RED_FLAGS, ids=lambda path: path.name)
def test_typed_recall_and_false_cautions_on_the_development_set(path: Path) -> None:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    flags = [i for i in items if i["sign"] != "none"]
    controls = [i for i in items if i["sign"] == "none"]
    caught = [i for i in flags if Sign(i["sign"]) in check(i["text"]).certain]
    false = [i for i in controls if check(i["text"]).certain or check(i["text"]).possible]
    recall = len(caught) / len(flags)
    false_rate = len(false) / len(controls)
    print(
        f"\ntyped red flags: recall {recall:.1%} ({len(caught)}/{len(flags)}), "
        f"false caution or confirm {false_rate:.1%} ({len(false)}/{len(controls)})"
    )
    assert recall == 1.0, [i["text"] for i in flags if i not in caught]
    assert false_rate <= 0.03, [i["text"] for i in false]


def test_a_partial_cut_short_is_not_read_as_the_end_of_the_utterance() -> None:
    transcript = heard(
        "it gets worse when i look down",
        partials=("it gets", "it gets worse", "it gets worse when"),
    )
    result = check(transcript.text, transcript)
    assert not result.certain and not result.possible, result.summary()


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("kim whiplash cause neck pain", False),  # "can whiplash cause neck pain", "can" lost
        ("in falling over hurt your neck", False),  # "can falling over hurt your neck"
        ("fever and neck pain what causes that", True),
        ("a car accident caused my neck pain", True),
    ],
)
def test_what_a_sign_causes_is_asked_about_unless_it_points_back(text: str, flagged: bool) -> None:
    assert bool(check(text).certain) is flagged, check(text).summary()
