"""The article's five warning signs in the words people use for them.

Each ``Sign`` has patterns written from how people describe it, not from textbook terms: what
the hand or arm can no longer do, how numbness feels, what a fever feels like, every way an
accident, fall or blow is told, and pain by its intensity, its course over days or what it
stops you doing. Patterns run on ``normalize``d text: lower case, apostrophes dropped ("can't"
is "cant", "neck's" is "necks"), everything else that is not a letter or digit a space.

A pattern is ``loose`` when one word alone raises it ("fever", "numb"): those count only as
spelled. The others need a phrase around the word, so they also run on a text respelled by
sound (``skill.sounds``), where a lone word would be too easy to hear by accident ("a week"
is not "a weak"). Negation and questions about a sign are judged in ``skill.sign_context``.
"""

from __future__ import annotations

import re

from .sign_words import BECOME, CANT, FEEL, LIMB, MY, VERY, Pattern, Sign, any_of, gap, normalize
from .signs_injury_pain import INJURY, SEVERE_PAIN

__all__ = ["PATTERNS", "SOUND_TARGETS", "Pattern", "Sign", "normalize"]


# -- weakness -------------------------------------------------------------------------------

_WEAK = any_of("weak weaker weakest weakly feeble")
_GRIP_VERBS = any_of(
    "grip grasp hold squeeze pinch clench make_a_fist button do_up open write lift raise "
    "carry pick_up pick pull push twist turn_the_key turn_a_key unscrew use reach"
)
_HAND_VERBS = any_of("grip grasp hold squeeze pinch open unscrew undo twist turn pick_up lift")
# Everyday things a weak hand fails to hold, open or carry ("i can't open jars", "i dropped a
# plate"): with them, no limb need be named.
_OBJECT = any_of(
    "cup cups mug mugs glass glasses plate plates bowl bowls jar jars lid lids bottle bottles "
    "tin tins can cans kettle pan pans pot teapot cutlery fork forks knife knives spoon spoons "
    "pen pens pencil phone keys key remote toothbrush hairbrush brush book books bag bags "
    "shopping tray drink drinks tea coffee pint shirt_buttons buttons zip door_handle handle "
    "door_knob doorknob tap taps "
    "things stuff anything"
)
_WEAKNESS = (
    # Not a weak moment, spot or cup of tea.
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            rf"\b(?:{_WEAK}|weakness|weakening|weakened)\b"
            r"(?! (?:moment|moments|spot|spots|point|points|link|signal|tea|coffee|joke|excuse|"
            r"argument|wifi|willed)\b)"
        ),
        True,
    ),
    Pattern(Sign.WEAKNESS, re.compile(rf"\b{LIMB} {gap(3)}{_WEAK}\b")),
    Pattern(Sign.WEAKNESS, re.compile(rf"\b{_WEAK} {gap(2)}{LIMB}\b")),
    Pattern(Sign.WEAKNESS, re.compile(rf"\b(?:{BECOME}|{FEEL}) {VERY}{_WEAK}\b")),
    Pattern(Sign.WEAKNESS, re.compile(rf"\bweakness (?:in|of|down) {gap(2)}{LIMB}\b")),
    # What the hand or arm can no longer do.
    Pattern(Sign.WEAKNESS, re.compile(rf"\b{CANT} {gap(1)}{_GRIP_VERBS}\b {gap(6)}{LIMB}\b")),
    # The limb named as the means, however long the thing: "i couldn't lift the baby out of her
    # cot with my left arm".
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            rf"\b{CANT} {gap(1)}{_GRIP_VERBS}\b {gap(10)}(?:with|in|using) {MY} {gap(1)}{LIMB}\b"
        ),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(rf"\b{CANT} {gap(1)}{any_of('grip grasp grab pinch clench make_a_fist')}\b"),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            rf"\b{LIMB} {gap(2)}(?:wont|doesnt|dont|cant|wouldnt|didnt|isnt|arent|will not|"
            r"does not|do not) (?:\w+ )?(?:work|working|grip|hold|do what|respond|cooperate|"
            r"close|straighten|lift|do up|obey|listen|go|go up|move|doing what|do anything|"
            r"stay up|stay raised|stay there|stay in the air|keep up)\b"
            # A limb that feels like someone else's: "my arm isn't mine".
            rf"|\b{LIMB} {gap(3)}(?:isnt|arent|doesnt feel like|dont feel like|not|feels? like "
            r"(?:it|they) (?:isnt|arent)) (?:mine|my own|part of me)\b"
            rf"|\b{LIMB} {gap(2)}(?:has |have |s )?(?:forgotten|forgot|forgets) how to\b"
            rf"|\b{LIMB} {gap(3)}(?:had|has|have|got) (?:nothing|no strength|no power) in "
            r"(?:it|them)\b"
            rf"|\b{LIMB} {gap(2)}(?:couldnt|cant|cannot|wouldnt|wont) (?:take|bear|hold|support) "
            r"(?:the |its |any |my )?weight\b"
            r"|\bhandwriting (?:\w+ ){0,3}(?:messy|shaky|wobbly|bad|worse|terrible|awful|"
            r"illegible|a mess)\b"
            rf"|\b{LIMB} {gap(2)}(?:flops|flopping|drops|droops|drooping|hangs)\b"
        ),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            rf"\b{CANT} {gap(1)}(?:lift|raise|move|hold up|use) {MY} {gap(1)}{LIMB}\b"
            # "i can't get my arm up high enough to put a shirt on".
            rf"|\b{CANT} {gap(1)}get {MY} {gap(1)}{LIMB} (?:up|above|over|high)\b"
            # "my arm's switched off": it no longer answers.
            rf"|\b{LIMB} {gap(2)}(?:switched|shut|turned|cut) (?:off|out|down)\b"
        ),
    ),
    # A hand that fails at everyday things: "i can't open jars", "i dropped a plate".
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            rf"\b{CANT} {gap(1)}{_HAND_VERBS} {gap(2)}{_OBJECT}\b"
            # Dropping as a habit, or again and again; one slip of a cup is not a sign.
            rf"|\bdropping (?:a|my|the|his|her|another|every|each) (?:\w+ )?{_OBJECT}\b"
            rf"|\bdrop(?:ped|s)? (?:a|my|the|his|her|it|them) (?:\w+ )?(?:{_OBJECT} )?{gap(2)}"
            r"(?:again|twice|\w+ times|all the time|every time)\b"
        ),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            r"\b(?:keep|keeps|kept|always|constantly|been|im|i am|started|start) "
            r"(?:on )?(?:dropping|fumbling|losing my grip)\b"
            r"|\bdropping (?:things|stuff|everything|my \w+|cups|the \w+)\b"
            r"|\bdrop(?:ped|s)? (?:things|stuff|everything)\b"
            r"|\bfumbl\w*\b|\bclumsy\b|\bbutterfingers\b"
        ),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            # "gave away" is how a recognizer often writes "gave way".
            rf"\b{LIMB} {gap(3)}(?:gave|gives|giving|give) (?:out|way|away)\b"
            rf"|\b{LIMB} {gap(3)}(?:just )?(?:let|lets|letting) go\b"
            r"|\b(?:keeps|kept|keep) letting go\b"
            rf"|\b{LIMB} {gap(5)}(?:useless|limp|floppy|like jelly|dead weight|wobbl\w*|"
            r"like (?:a )?(?:wet )?(?:noodle|spaghetti|lettuce|rag|rag doll|rubber))\b"
            # "my hand just went": it gave up, said at the end.
            rf"|\b{LIMB} (?:\w+ )?(?:just )?(?:went|gave up|gives up|packed up|packed in)"
            r"(?= on me\b|$)"
            rf"|\b{LIMB} {gap(3)}(?:buckl\w*|collaps\w*)\b"
        ),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            r"\b(?:no|lost|losing|lose|loses|lack of|less|not much|zero|without any) "
            r"(?:\w+ ){0,2}(?:strength\w*|power|grip|control|oomph)\b"
            # "my arm hasn't got the strength to do my bra up".
            r"|\b(?:hasnt|havent|doesnt have|dont have|not got|aint got) (?:got )?(?:the |any |"
            r"enough |much )?(?:strength|power|grip)\b"
            rf"|\b(?:grips?|strength) {gap(2)}(?:gone|going|weak\w*|failing|fading|not what)\b"
            rf"|\b(?:grips?|strength|power) (?:has |have )?(?:gone|drained|vanished) "
            rf"(?:out of|from) {MY} {gap(1)}{LIMB}\b"
            rf"|\bwithout it wobbling\b|\bwobbl\w* {gap(3)}{LIMB}\b"
        ),
    ),
)

# -- numbness or tingling ---------------------------------------------------------------------

_NUMB = any_of("numb numbness numbed numbing numbish numbly")
_TINGLE = r"tingl\w*|tingles?"
_NUMBNESS = (
    Pattern(Sign.NUMBNESS, re.compile(rf"\b{_NUMB}\b"), True),
    Pattern(Sign.NUMBNESS, re.compile(r"\bpins and needles\b|\bpins needles\b"), True),
    Pattern(
        Sign.NUMBNESS, re.compile(rf"\band needles\b|\bneedles (?:in|down|into) {gap(2)}{LIMB}\b")
    ),
    Pattern(Sign.NUMBNESS, re.compile(rf"\b{LIMB} {gap(3)}(?:{_NUMB})\b")),
    Pattern(Sign.NUMBNESS, re.compile(rf"\b(?:{BECOME}|{FEEL}) {VERY}(?:{_NUMB})\b")),
    # Tingling is a warning sign in the arms or hands; the article lists it at the base of the
    # neck as part of an ordinary spasm.
    Pattern(
        Sign.NUMBNESS,
        re.compile(
            rf"\b(?:{_TINGLE})\b(?! (?:at|in|on|around|near|along|up|over|across|round|by) "
            r"(?:\w+ ){0,4}(?:neck|skull|head|scalp|face|ear|ears|jaw)\b)"
        ),
        True,
    ),
    Pattern(Sign.NUMBNESS, re.compile(rf"\b{LIMB} {gap(3)}(?:{_TINGLE})\b")),
    Pattern(Sign.NUMBNESS, re.compile(rf"\b(?:{_TINGLE}) {gap(3)}{LIMB}\b")),
    Pattern(
        Sign.NUMBNESS,
        re.compile(
            r"\b(?:no|lost|losing|lose|lost all|not much|less|reduced|without any|cant get any) "
            r"(?:the )?(?:feeling|sensation|sense of touch)\b"
            rf"|\b{CANT} {gap(1)}feel {gap(4)}{LIMB}\b"
            rf"|\b{LIMB} {gap(6)}(?:cotton wool|needles)\b"
            rf"|\b{LIMB} {gap(3)}(?:feel|feels|feeling|felt|gone|went|is|are|go|goes|going) "
            r"(?:all |sort of |kind of |kinda |a bit |a little |really |quite )?"
            r"(?:dead|asleep|dull|wooden|rubbery|fuzzy|funny|weird|thick)\b"
            rf"|\b{LIMB} {gap(4)}(?:asleep|to sleep)\b"
            # A hand that feels like someone else's: "my fingers feel like they belong to someone
            # else".
            rf"|\b{LIMB} {gap(4)}(?:belong|belongs|belonged|belonging) to (?:someone|somebody) "
            rf"else\b|\b(?:someone|somebody) elses (?:\w+ )?{LIMB}\b"
            # What the fingers touch is not felt: "i can't feel the buttons on the remote".
            rf"|\b{CANT} {gap(1)}feel (?:the |my |a |any |what )?(?:\w+ )?{_OBJECT}\b"
            # "half my hand feels like it's been given a local anaesthetic".
            rf"|\b{LIMB} {gap(8)}(?:anaesthetic|anesthetic|novocaine|at the dentist)\b"
        ),
    ),
    Pattern(
        Sign.NUMBNESS,
        re.compile(
            r"\belectric\w*\b|\belectricity\b|\bzing\w*\b|\bfizz\w*\b"
            # An odd feeling in a limb: "a buzzing feeling in my fingers".
            r"|\b(?:buzz\w*|prickl\w*|tingl\w*|numb\w*|burning|crawling|dead|weird|funny|strange|"
            r"odd|pins and needles) (?:feeling|feelings|sensation|sensations) "
            rf"(?:\w+ ){{0,3}}(?:in|on|down|through|into|along) {gap(2)}{LIMB}\b"
            r"|\bprickl\w*\b|\bcrawling\b|\blike ants\b"
            rf"|\b{LIMB} {gap(3)}(?:buzz\w*|burn\w*|shoot\w*|zap\w*|jolts?)\b"
            rf"|\b(?:buzz\w*|shooting|shoots|zap\w*|jolts?|shocks?|burning|radiat\w*|spread\w*|"
            rf"travels?|travelling|traveling|runs|running) {gap(3)}(?:down|into|through|along) "
            rf"{gap(2)}{LIMB}\b"
        ),
    ),
)

# -- fever ---------------------------------------------------------------------------------

_TEMP_NUMBER = any_of(
    "thirty_eight thirty_nine forty a_hundred hundred one_hundred ninety_nine 38 39 40 100 101 "
    "102 103 104"
)
_FEVER = (
    Pattern(Sign.FEVER, re.compile(r"\bfever\w*\b|\bfebrile\b|\bpyrexia\b"), True),
    Pattern(Sign.FEVER, re.compile(r"\bchills\b|\bshivers\b|\bshivering\b|\bshivery\b"), True),
    Pattern(
        Sign.FEVER,
        re.compile(
            r"\b(?:a|my|high|raised|running|run|got|have|has|had|having|with|spiking|spiked|"
            r"his|her|their) (?:\w+ )?(?:temperature|temp)\b"
            rf"|\b(?:temperature|temp)s? {gap(2)}(?:up|high|raised|rising|spiking|"
            rf"{_TEMP_NUMBER})\b"
            rf"|\b(?:fever|temperature|temp) of {gap(1)}{_TEMP_NUMBER}\b"
            r"|\bthermometer (?:\w+ ){0,2}(?:says|said|read|reads|reading|shows|showed|showing|"
            rf"is|was|on|at|gave|gives) {gap(2)}(?:{_TEMP_NUMBER}|high|over)\b"
            # A body temperature read out: "thirty eight point five", "39.2".
            r"|\b(?:thirty (?:seven point (?:five|six|seven|eight|nine)|eight|nine)|forty) "
            r"point \w+\b|\b(?:3[89]|40|10[0-4]) [0-9]\b"
            # Hot to the touch: "my forehead's really hot", "my skin is burning up".
            r"|\b(?:forehead|foreheads|skin|skins|body|bodys) (?:\w+ ){0,2}(?:hot|burning up|"
            r"boiling|roasting|on fire|clammy)\b"
            r"|\bhot to (?:the )?touch\b"
            r"|\b(?:hot|burning|boiling|roasting) (?:forehead|brow|skin)\b"
        ),
    ),
    Pattern(
        Sign.FEVER,
        re.compile(
            rf"\b(?:cold|night|the) sweats\b|\bsweating {gap(1)}(?:a lot|loads|buckets|heavily|"
            r"profusely|through|right through|at night|all night|all day|like mad)\b"
            r"|\bsweat(?:ing|y)? (?:\w+ )?(?:through|thru) (?:my |the )?(?:sheets|bed|pyjamas|"
            r"pajamas|clothes|shirt)\b"
            r"|\bclammy\b|\bburning up\b|\bboiling (?:hot|up)\b|\bfreezing cold\b"
            # Soaked in sweat, often at night: "woke up drenched in sweat".
            r"|\b(?:drenched|soaked|dripping|wringing wet|pouring|swimming) (?:\w+ )?(?:in|with) "
            r"sweat\b|\bwoke up (?:\w+ )?(?:drenched|soaked|sweating|sweaty|in a sweat)\b"
            r"|\bin a cold sweat\b"
            r"|\bhot (?:and|then|one minute) (?:\w+ )?(?:cold|sweaty|clammy|shivery|shaky)\b"
            r"|\bhot all over\b|\bshaking with (?:cold|chills)\b"
            # Hot and cold at once: "i'm sweating and freezing at the same time".
            r"|\b(?:sweating|sweaty|boiling|burning) and (?:freezing|shivering|shaking|cold)\b"
            r"|\b(?:freezing|shivering|cold) and (?:sweating|sweaty|boiling|burning)\b"
            r"|\b(?:cant stop|keep|been) (?:shaking|trembling)\b|\bflu\b|\bflu like\b|\bfluey\b"
            r"|\b(?:i|im|i am|ive been|i have been|i feel|feeling|i felt) (?:so |really |very |"
            r"all |quite )?(?:hot|burning|boiling|shivery|feverish)\b"
            # Hot from something outside, not from a fever: "i'm hot from the shower".
            r"(?! (?:from|after|because|and bothered|under|in here|in the sun|with the heat)\b)"
            r"|\b(?:sick|ill|unwell|poorly|rough|achy|shaky) and (?:hot|feverish|shivery|cold|"
            r"sweaty)\b"
        ),
    ),
)

PATTERNS: tuple[Pattern, ...] = (*_WEAKNESS, *_NUMBNESS, *_FEVER, *INJURY, *SEVERE_PAIN)

# Words whose sound matters: a word that sounds like one of these (and is none of them) is
# respelled before the phrase patterns run again (``skill.sounds``).
SOUND_TARGETS: tuple[str, ...] = tuple(
    re.findall(
        r"\w+",
        "weak weaker weakness numb numbness tingling tingle tingly fever feverish temperature "
        "chills shivering fell fall accident crash whiplash injured injury worse worsening "
        "severe agony excruciating unbearable prickling grip cant buzzes buzzing shoved",
    )
)
