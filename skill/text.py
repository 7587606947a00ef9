"""Text as the matcher compares it: normalization, stems and the word lists that carry no meaning.

``normalize`` is applied alike to template sentences and to what a person said or typed: lower
case, no punctuation, filler dropped, spoken contractions spelled out, and the recognizer's usual
mangling of the domain's hardest words repaired ("spas ems" -> "spasms"). ``stem`` is a light
stemmer that makes "spasms", "spasming" and "spasm" one word.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no meaning for intent choice; recognizers and people add them freely.
FILLER = _words(
    "um uh er erm hmm ah oh so like well hey hi hello okay ok just actually basically "
    "really please kindly"
)
# Function words: kept for sentence similarity, ignored for word coverage.
STOPWORDS = _words(
    "a an the i me my mine you your it its is are was were be been am do does did to of in on "
    "at for with and or but that this these those there what how why when which who can could "
    "should would will if from about by as up any some get got have has had im ive dont "
    "we us our they them their he she his her not no so than then too very "
    "youre theyre thats whats ill id whether into out over off being"
)
# Other body parts: a question about them is not about the neck, even when the rest of it
# ("what causes ... pain") is. They weigh like unknown words and no template covers them.
OTHER_BODY_PARTS = _words(
    "knee knees ankle ankles wrist wrists foot feet toe toes hip hips leg legs hamstring "
    "hamstrings elbow elbows stomach belly chest heart tooth teeth eye eyes hand hands finger "
    "fingers thumb calf calves shin shins lower"
)
# Parts of the body a neck problem never shows in (hands and fingers do: a trapped nerve in the
# neck is felt there), and the words that bring a question back to the neck.
_FAR_BODY_PARTS = OTHER_BODY_PARTS - _words("hand hands finger fingers thumb")
_NECK_WORDS = _words("neck necks nape spine spinal cervical vertebra vertebrae")
_RESTED_ON = _words("stomach belly hip hips feet")
# What the article says nothing about, whatever part of the body: what is safe in pregnancy is a
# question for a midwife or a doctor, not the general advice of a neck-pain article.
_BEYOND_THE_ARTICLE = _words("pregnant pregnancy breastfeeding trimester")
_NON_WORD = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")
# Common ways a recognizer splits or mangles the domain's hardest words.
_REPAIRS = (
    (re.compile(r"\bspas+ ?(?:e?ms?|ums?|ems?|ming|mming)\b"), "spasms"),
    (re.compile(r"\bspaz+ ?(?:ms?|ums?|ming|mming|zing)?\b"), "spasms"),
    (re.compile(r"\bnex\b|\bnext spasm|\bnecklace\b"), "neck"),
    # In noise the recognizer hears "my neck" as "my next" (35 times in one noisy development
    # run, never meaning "next"); "my next stretch" is still the routine's next one.
    (
        re.compile(
            r"\b(my|your|which|this) next\b(?! (?:stretch|step|exercise|one|routine|move|set|"
            r"bit|part|position|time|day|week|appointment)\b)"
        ),
        r"\1 neck",
    ),
    (
        re.compile(r"\bspawn ?d[aei]l?osis\b|\bspondy ?losis\b|\bspond[aei]losis\b"),
        "spondylosis",
    ),
    (re.compile(r"\bsten+o ?sis\b|\bstenos[ie]s\b"), "stenosis"),
    (re.compile(r"\bhernia ?(?:a?ted|ed)\b"), "herniated"),
    (re.compile(r"\bmenin ?g[ae]?itis\b|\bmeningitus\b"), "meningitis"),
    (re.compile(r"\bx rays?\b|\bxrays?\b"), "xray"),
    (re.compile(r"\bdr\b"), "doctor"),
    (re.compile(r"^(?:hey |ok |okay )?neck coach\b"), ""),  # the skill's name, said as a wake word
    # "The back of my neck" is where most neck pain is: the neck, as the templates say it.
    (re.compile(r"\b(?:the )?back of (my|your|the) neck\b"), r"\1 neck"),
    # "back pain" is another body part's problem; keep "go back" and "coming back" apart.
    (re.compile(r"\bback (?=pain|ache|spasm)"), "back_"),
    # "my back", "a stiff back": the body part (not "the back of my neck", "lying on my back", or
    # an upper back, which a stiff neck often shares).
    (
        re.compile(
            r"(?<!\bon )\b((?:my|a|your|his|her|lower|bad|sore|stiff|achy|aching|painful|tight|"
            r"bent|put|hurt) )back\b(?! (?:of|to|and forth|up|again|home|into|from|together|"
            r"around|round|then|on track|to normal|in time)\b)"
        ),
        r"\1back_",
    ),
)
# Spoken contractions, spelled out so "whats" and "what is" match alike.
_CONTRACTIONS = {
    "whats": "what is",
    "whos": "who is",
    "wheres": "where is",
    "hows": "how is",
    "whens": "when is",
    "thats": "that is",
    "theres": "there is",
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "shouldnt": "should not",
}
# Words the stemmer must leave alone ("evening" is not "even" + "ing").
_NO_STEM = frozenset(
    ["evening", "morning", "during", "bring", "thing", "something", "anything", "nothing"]
)
# One pass to see whether any repair applies at all (most text, and every template, needs none).
_ANY_REPAIR = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _REPAIRS))


def normalize(text: str) -> str:
    """Lower-case words only, filler removed, apostrophes dropped ("what's" -> "whats")."""
    text = _NON_WORD.sub(" ", text.lower().replace("’", "'")).replace("'", "")
    if _ANY_REPAIR.search(text):
        for pattern, replacement in _REPAIRS:
            text = pattern.sub(replacement, text)
    words = [w for w in _SPACES.split(text) if w]
    meaningful = [w for w in words if w not in FILLER]
    # "okay" alone is an answer (yes); only around other words is it filler.
    return " ".join(_CONTRACTIONS.get(w, w) for w in (meaningful or words))


def stem(word: str) -> str:
    """A light stemmer: enough to make "spasms", "spasming" and "spasm" one word, and
    "causes", "caused" and "causing" another."""
    if len(word) <= 3 or word in _NO_STEM:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "stopping" -> "stop"
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


BODY_STEMS = frozenset(stem(w) for w in OTHER_BODY_PARTS)


def about_elsewhere(normalized: str) -> bool:
    """Whether a question is about another part of the body and not the neck ("is heat or ice
    better for a twisted ankle", "a spasm in my leg"), or about what the article does not cover
    ("is massage safe when you're pregnant"): someone else's question, however much of its
    wording the skill knows."""
    words = normalized.split()
    if set(words) & _BEYOND_THE_ARTICLE:
        return True
    if set(words) & _NECK_WORDS:
        return False
    # What something rests on is a cause of neck pain ("sleeping on my stomach", "a toddler on
    # my hip"), not the place that hurts.
    resting = {i + 2 for i, word in enumerate(words[:-2]) if word == "on"}
    return any(
        word in _FAR_BODY_PARTS and not (i in resting and word in _RESTED_ON)
        for i, word in enumerate(words)
    )


def content_stems(text: str) -> list[str]:
    """Stems of the words that matter for word coverage."""
    return [stem(w) for w in text.split() if w not in STOPWORDS]


# Words that ask for nothing on their own: a lone "the", "and" or "so" (often a recognizer's
# guess at a cough or a breath) is noise, not a request. Short answers and greetings are kept.
_NO_CONTENT = (STOPWORDS | FILLER | {"go", "um"}) - {
    "no",
    "not",
    "okay",
    "ok",
    "hi",
    "hello",
    "hey",
}
# Three words or more are said on purpose ("what can you do"), whatever they are.
_DELIBERATE_WORDS = 3
_WORD = re.compile(r"[a-z][a-z']*")


def has_content(text: str) -> bool:
    """Whether ``text`` could be a request: some word that means something, or a whole phrase."""
    words = [w.replace("'", "") for w in _WORD.findall(text.lower().replace("’", "'"))]
    if len(words) >= _DELIBERATE_WORDS:
        return True
    return any(w not in _NO_CONTENT for w in words)


# -- a question after a story ------------------------------------------------------------------

# Words that open a question. People often tell what happened first and ask at the end ("my mate
# reckons it's a spasm but i think it's just a stiff neck how do you tell them apart"); the
# whole then reads less like any question the skill knows than its last part does.
QUESTION_OPENERS = _words(
    "what whats how hows why whys when where which is are can could does do should would will"
)
_STORY_WORDS = 5  # words before an opener for them to be a story rather than the question
_QUESTION_WORDS = 4  # words from the opener on: "should i worry" alone says too little
# "could that be why my neck hurts" asks about what the story told (a fall, a heavy bag): cut
# from it ("that be why ..." or "why ..."), the question would lose what it asks about.
_BACK_TO_THE_STORY = _words("that this thats")
_MOST_TAILS = 3
# The skill's own topic, in canonical words: a story about a knee keeps its question its own.
TOPIC_WORDS = _words("neck necks spasm pain")


def question_tails(normalized: str) -> list[str]:
    """The questions a long ``normalized`` utterance may end with after a story: the words from
    each of its last three question openers to the end, longest first."""
    words = normalized.split()
    starts = [
        i
        for i in range(_STORY_WORDS, len(words) - _QUESTION_WORDS + 1)
        if words[i] in QUESTION_OPENERS
        and words[i - 1] not in QUESTION_OPENERS
        and words[i + 1] not in _BACK_TO_THE_STORY
        and not (words[i] == "why" and _BACK_TO_THE_STORY & set(words[i - 3 : i]))
    ]
    return [" ".join(words[i:]) for i in starts[-_MOST_TAILS:]]
