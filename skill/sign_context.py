"""Whether a warning sign a pattern found is reported, or denied or only asked about.

``skill.safety`` finds signs with the patterns of ``skill.warning_signs``; this module judges the
words around a match, on ``normalize``d text:

* a denial rules a sign out: a negation before it ("no numbness", "i haven't had a fever",
  "never any weakness", "nothing like a fall"), one inside the match right before the word
  that names the sign ("my arm isn't weak", "my hand doesn't feel numb", "my fingers aren't
  tingling"), or a bare "no" after it ("numbness? no");
* a question *about* a sign rules out every sign in the text ("what does tingling in the hands
  mean", "what if my arm goes numb"), unless something ties a sign to the speaker.

A sign that is reported next to a denial of another still counts ("i didn't fall but my arm has
gone numb"): a denial only reaches across words that carry it.
"""

from __future__ import annotations

import re

__all__ = ["denied", "is_about", "negated"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- denials -------------------------------------------------------------------------------------

# Close negations: they cover only the next few words ("no chills or sweats"); what one avoids
# or prevents has not happened ("how do i avoid a fall").
_SHORT_NEGATIONS = _words(
    "no without none nothing nothings never nowhere nor neither free avoid avoiding prevent "
    "preventing"
)
# Negated verbs reach a little further ("i didn't have an accident", "i wasn't hurt in any crash").
_VERB_NEGATIONS = _words(
    "not dont doesnt didnt havent hasnt hadnt isnt arent wasnt werent aint nt "
    "wont wouldnt shouldnt cant cannot couldnt"
)
_SHORT_REACH, _VERB_REACH = 3, 5
_NOT_DENIALS = _words("stop help")
# Right before a sign: "any" only comes with a denial or a question; "know" is a misheard "no".
_RIGHT_BEFORE = _words("any know")
# Words a denial reaches across ("i haven't had any falls", "i wasn't hurt in any crash"); any
# other word ends its reach ("it won't need a car accident" denies nothing).
_CARRY_DENIAL = _words(
    "have has had got get getting gotten feel feeling felt notice noticed noticing seen see "
    "been be being experience experienced experiencing suffer suffered suffering think seem "
    "seems hurt injured involved running run in a an any the my some real really sign signs "
    "of or nor too so very much it that from with by at all even ever once going gone go goes "
    "turning become becoming is are was pain say said "
    "numbness numb tingling weakness weak fever chills sweats sweating pins needles accident "
    "accidents fall falls crash injury injuries temperature temp hot shivery shivering feverish "
    "sweaty clammy tingly kind sort type"
)
# Small words a denial crosses without using up its reach: "nothing like a fall or an accident"
# is as close a denial as "no fall or accident".
_FREE = _words("a an the any or nor and of some my kind sort type")
# Words that carry a denial only after certain others: "nothing like numbness" ("i don't like
# the numbness" reports it), "i don't think i've got a fever" ("no i've got a fever" answers).
_CARRY_AFTER = {
    "like": _words("nothing anything"),
    # "no pins and needles": the "and" is inside the sign's name.
    "and": _words("pins"),
    # "it's nowhere near the worst pain i've had".
    "near": _words("nowhere"),
    **dict.fromkeys(("i", "ive", "im", "id"), _words("think believe reckon suppose say")),
}
_CANNOT = _words("cant cannot couldnt unable")
# "never had pain this bad" is a comparison, not a denial.
_COMPARISON = _words("this that so such as")


# What someone is told to watch for has not happened: "she told me to watch out for weakness in
# my arm", "keep an eye out for any fever".
_WATCH_FOR = re.compile(
    r"\b(?:watch|look|keep an eye|keep your eyes|be on the lookout|on the lookout|be alert|"
    r"keep alert|be wary) (?:out )?(?:for|of)(?: any| a| an| the| signs? of| things like)* $"
)


def negated(text: str, start: int) -> bool:
    """Whether a negation right before ``start`` denies what follows: nothing but words that
    carry a denial over ("have", "any", "been in") may stand between them, or the sign is only
    something to watch for."""
    if _WATCH_FOR.search(text[:start]):
        return True
    before = text[:start].split()
    reach = 0  # words crossed so far, the small ones not counted
    for index in range(len(before) - 1, -1, -1):
        word, between = before[index], before[index + 1 :]
        if word in _RIGHT_BEFORE and not between:
            return True
        if word in _SHORT_NEGATIONS and reach < _SHORT_REACH:
            if word == "never" and _COMPARISON & set(between):
                return False  # "never had pain this bad" compares
            # "can't turn my head without screaming": the screaming happens.
            return not (word == "without" and _CANNOT & set(before[:index]))
        if word in _VERB_NEGATIONS:
            # "can't stop shivering" reports the shivering.
            return not (between and between[0] in _NOT_DENIALS)
        carries = word in _CARRY_DENIAL or (
            index > 0 and before[index - 1] in _CARRY_AFTER.get(word, frozenset())
        )
        if not carries:
            return False
        reach += word not in _FREE
        if reach >= _VERB_REACH:
            return False
    return False


# The word inside a match that names the sign: a negation right before it denies the sign even
# though the match began earlier ("my arm isn't weak", "my hands aren't tingling"). Verbs a
# pattern itself negates ("can't grip", "won't work", "isn't easing") are not among them.
_SIGN_WORD = re.compile(
    r"\b(?:weak\w*|feeble|numb\w*|tingl\w*|dead|asleep|fuzzy|prickl\w*|buzz\w*|fever\w*|hot|"
    r"shivery|temperature|temp|fell|fallen|fall|falls|hurt|injured|worse|severe|unbearable|"
    r"excruciating|agony|painful)\b"
)
# After a sign, a bare "no" answers whether it is there ("numbness no just stiffness"), and
# "fine" or "normal" says it is not ("my temperature is normal", "my grip's fine").
_NO_AFTER = re.compile(
    r"^ (?:no|nope|nah|none|not really|not at all|never|negative)(?: (?:just|only|but|its)\b|$)"
    r"|^ (?:(?:is|was|are|s|seems|looks|feels|has been) )?(?:totally |completely |perfectly |"
    r"absolutely |quite |all )?(?:normal|fine)\b"
    r"|^ (?:is|was|are|s|seems|looks|feels|has been) (?:ok|okay|alright|all right|grand)\b"
)


# A temperature taken and found normal: "i checked my temperature and it's normal".
_TEMPERATURE = re.compile(r"\b(?:temperature|temp|thermometer)\b")
_READ_NORMAL = re.compile(
    r"^ (?:and|but) (?:its|it is|it was|thats|that is|it came back|it reads|it read|it says|it "
    r"said|it shows|it showed) (?:totally |completely |perfectly |absolutely |quite |all |just )?"
    r"(?:normal|fine|ok|okay|alright|all right|grand|bang on normal)\b"
)


def denied(text: str, start: int, end: int) -> bool:
    """Whether the sign matched at ``text[start:end]`` is denied, before, inside or after."""
    if negated(text, start) or _NO_AFTER.match(text[end:]):
        return True
    if _TEMPERATURE.search(text, start, end) and _READ_NORMAL.match(text[end:]):
        return True
    return any(
        negated(text, word.start())
        for word in _SIGN_WORD.finditer(text, start, end)
        if word.start() > start
    )


# -- questions about signs ----------------------------------------------------------------------

# How a question about a sign begins (not "might" or "may": a recognizer makes them of "my").
_QUESTION_START = re.compile(
    r"^(?:what|whats|which|when|whens|why|whys|how|hows|who|where|is|isnt|are|arent|does|"
    r"doesnt|do|can|could|would|should|will|tell me|explain|define|describe|whether|"
    r"in what|at what|according)\b"
)
# First-person words that tie a sign to the speaker ("my arm", "i've got"), unlike "my neck"
# (the topic of every question here) or "should i" (the asker, not a report).
_FIRST_PERSON = re.compile(
    r"\b(?:im|ive|id|mine|myself|me)\b"
    # What has been happening is told, not asked: "how long will this last, it's been getting
    # worse every day".
    r"|\b(?:its|it has|this has|thats|that has) (?:been|gotten)\b"
    # When it happened: "is it whiplash if my neck hurts after being rear ended yesterday".
    r"|\b(?:yesterday|last night|this morning|earlier today|at the weekend|last weekend|"
    r"(?:a|one|two|three|four|five|six|a few|couple of) (?:\w+ )?(?:days|weeks|hours) ago|"
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
    # What happened, told with the "i" left out: "got rear ended and my neck is sore".
    r"|^(?:got|had|took|fell|came|went|hit|banged|slipped|tripped|crashed|been)\b"
    r"|\bmy\b(?! (?:\w+ )?(?:neck|necks|spasm|spasms|pain|posture|doctor|gp|muscles?|"
    r"head|shoulders|back)\b)"
    r"|\bi\b(?! (?:should|need|see|go|do|use|try|take|worry|know|tell|stop|prevent|treat|"
    r"get rid|ask|call|expect|avoid|be|look|put|apply|wait|help)\b)"
)
# The asker, not a report: "should i", "tell me", and a last "me" after "does" (a misheard
# "mean": "what does tingling in the hands me").
_ASKING = re.compile(
    r"\b(?:should|do|can|could|would|will|shall|must|might|may|did) i\b"
    r"|\b(?:tell|give|help|show|let|explain to|remind) me\b"
    r"|\b(?:does|do|did|would|could|can|might|will|should) (?:\w+ ){0,8}me$"
)
# A short condition at the end of a question supposes, it does not report: "what if my arm goes
# numb", "is it bad if my fingers tingle", "what should i do if i get a temperature". A long one
# may tell what happens to the speaker ("what should i do if i turn my head and my arm goes
# numb"), so it keeps its first-person words. A closing word on the neck ("with a stiff neck")
# does not make it long: every question here is about a neck.
_SUPPOSING = re.compile(
    r"\b(?:if|in case|suppose|supposing)\b(?: \w+){1,5}"
    r"(?: (?:with|and|from|on top of) (?:a |my |the )?(?:\w+ )?(?:neck|neck spasm|spasm|"
    r"neck pain|neck ache))?$"
)
# A short condition before the question supposes as well: "if i had a fall should i see a
# doctor", "say my arm went numb would that be serious"; with "ever" it supposes however long
# it is ("if i ever got pins and needles in my arm would that be a reason to see someone").
_SUPPOSING_FIRST = re.compile(
    r"^(?:(?:if|in case|suppose|supposing|say|what if)\b(?: \w+){1,5}?"
    r"|(?:if|in case|what if) (?:\w+ ){1,3}ever(?: \w+){1,9}?) "
    r"(?=(?:should|would|do|does|is|will|can|could|must) (?:i|it|that|you|we|this)\b)"
)
# Words before a question that make it one about the future or out of interest: "just so i
# know for the future what should i do if my arm ever goes weak".
_PREAMBLE = re.compile(
    r"^(?:(?:(?:just )?so i know|just wondering|(?:just )?out of (?:interest|curiosity)|"
    r"hypothetically|for (?:future reference|the future)|in (?:the )?future|"
    r"(?:im|i am|i was|i was just|im just) (?:curious|wondering)|just|and|but|so|okay|ok) )+"
)
# A question someone else asked, told by the speaker: "my teenager asked me why a fall can be so
# dangerous for your neck" asks about a fall. What follows is judged as a question. Only after a
# few words naming who asked: a longer start may tell what happened ("my neck hurts since i fell
# and the physio wants to know what caused it").
_ASKED = re.compile(
    r"^(?:\w+ ){0,4}(?:asked|asks|wondered|wonders|wanted to know|wants to know) (?:me |us |him "
    r"|her )?(?=(?:why|what|how|whether) )"
)

# What a sign means, how much it matters or what it causes: a question about it, even when the
# recognizer lost the question word ("his fever a warning sign", "kim whiplash cause neck pain").
_SIGNIFICANCE = re.compile(
    r"\b(?:warning signs?|a sign of|red flags?|reason to (?:see|worry|call|go)|an emergency|"
    r"(?:is|be|how) (?:\w+ )?(?:serious|dangerous)|worry about|count as|cause|causes|"
    r"a cause of|lead to|leads to)\b|\bmean$"
    # Anyone's body, not the speaker's: "can falling over hurt your neck".
    r"|\byour (?:\w+ )?(?:neck|hand|hands|arm|arms|head|fingers|back|shoulders?|body|spine)\b"
)
# "... is that a warning sign?" asks about what was just told: a report.
_ANAPHORA = re.compile(
    r"\b(?:is|could|does|would|can|might|will) (?:that|this|these|those)\b"
    r"|\b(?:cause|causes|causing|mean|means) (?:that|this|it|these)\b"
)


def is_about(text: str) -> bool:
    """Whether ``text`` (normalized) asks about warning signs rather than reporting one: a
    question, or words about what a sign means, with nothing tying a sign to the speaker."""
    supposed = _SUPPOSING_FIRST.sub("", _ASKED.sub("", _PREAMBLE.sub("", text)))
    question = _QUESTION_START.search(supposed) is not None
    speaker = _ASKING.sub(" ", supposed)
    if question:
        speaker = _SUPPOSING.sub(" ", speaker)
    if _FIRST_PERSON.search(speaker) is not None:
        return False
    if question:
        return True
    return _SIGNIFICANCE.search(text) is not None and _ANAPHORA.search(text) is None
