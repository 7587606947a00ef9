"""The article's five warning signs in the words people use for them.

Each ``Sign`` has patterns written from how people describe it, not from textbook terms: what
the hand or arm can no longer do, how numbness feels, what a fever feels like, every way an
accident, fall or blow is told, and pain by its intensity, its course over days or what it
stops you doing. Patterns run on ``normalize``d text: lower case, apostrophes dropped ("can't"
is "cant", "neck's" is "necks"), everything else that is not a letter or digit a space.

A pattern is ``loose`` when one word alone raises it ("fever", "numb"): those count only as
spelled. The others need a phrase around the word, so they also run on a text respelled by
sound (``skill.sounds``), where a lone word would be too easy to hear by accident ("a week"
is not "a weak"). Negation and questions about a sign are judged in ``skill.safety``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Sign(StrEnum):
    """The warning signs, in the order a caution names them."""

    WEAKNESS = "weakness"
    NUMBNESS = "numbness"
    FEVER = "fever"
    INJURY = "injury"
    SEVERE_PAIN = "severe_pain"


@dataclass(frozen=True)
class Pattern:
    sign: Sign
    regex: re.Pattern[str]
    loose: bool = False  # one word alone: trusted only as spelled


_APOSTROPHES = re.compile(r"['’‘`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower case words separated by single spaces, apostrophes dropped."""
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()


def _any(words: str) -> str:
    """A group matching any of the space-separated words or ``_``-joined phrases."""
    options = sorted((w.replace("_", " ") for w in words.split()), key=len, reverse=True)
    return "(?:" + "|".join(options) + ")"


def _gap(most: int) -> str:
    """Up to ``most`` words in between."""
    return rf"(?:\w+ ){{0,{most}}}"


# -- shared vocabulary ----------------------------------------------------------------------

LIMB = _any(
    "arm arms hand hands finger fingers fingertip fingertips thumb thumbs wrist wrists forearm "
    "forearms palm palms pinky pinkie knuckles fist elbow elbows leg legs foot feet toes "
    "shoulder_and_arm shoulders_and_arms"
)
MY = _any("my his her their your both one the a")
CANT = _any(
    "cant cannot can_not couldnt could_not unable_to not_able_to struggle_to struggling_to "
    "struggled_to hard_to harder_to difficult_to trouble trouble_with havent_been_able_to "
    "hardly barely cant_even wont_let_me"
)
FEEL = _any("feel feels feeling felt")
BECOME = _any(
    "is are feels feel feeling felt gone going getting got grown growing become becoming "
    "seems seem looks turned turning has_gone have_gone"
)
VERY = r"(?:(?:so|really|very|too|quite|a_bit|a little|kind of|kinda|all|pretty|super) )?".replace(
    "_", " "
)
NUMBER = _any(
    "one two three four five six seven eight nine ten eleven twelve a_few few several many "
    "some couple a_couple_of 1 2 3 4 5 6 7 8 9 10"
)

# -- weakness -------------------------------------------------------------------------------

_WEAK = _any("weak weaker weakest weakly feeble")
_GRIP_VERBS = _any(
    "grip grasp hold squeeze pinch clench make_a_fist button do_up open write lift raise "
    "carry pick_up pick pull push twist turn_the_key turn_a_key unscrew use reach"
)
_WEAKNESS = (
    Pattern(Sign.WEAKNESS, re.compile(rf"\b(?:{_WEAK}|weakness|weakening|weakened)\b"), True),
    Pattern(Sign.WEAKNESS, re.compile(rf"\b{LIMB} {_gap(3)}{_WEAK}\b")),
    Pattern(Sign.WEAKNESS, re.compile(rf"\b{_WEAK} {_gap(2)}{LIMB}\b")),
    Pattern(Sign.WEAKNESS, re.compile(rf"\b(?:{BECOME}|{FEEL}) {VERY}{_WEAK}\b")),
    Pattern(Sign.WEAKNESS, re.compile(rf"\bweakness (?:in|of|down) {_gap(2)}{LIMB}\b")),
    # What the hand or arm can no longer do.
    Pattern(Sign.WEAKNESS, re.compile(rf"\b{CANT} {_gap(1)}{_GRIP_VERBS}\b {_gap(6)}{LIMB}\b")),
    Pattern(
        Sign.WEAKNESS,
        re.compile(rf"\b{CANT} {_gap(1)}{_any('grip grasp grab pinch clench make_a_fist')}\b"),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            rf"\b{LIMB} {_gap(2)}(?:wont|doesnt|dont|cant|wouldnt|didnt|isnt|arent|will not|"
            r"does not|do not) (?:\w+ )?(?:work|working|grip|hold|do what|respond|cooperate|"
            r"close|straighten|lift|do up|obey|listen)\b"
            r"|\bhandwriting (?:\w+ ){0,3}(?:messy|shaky|wobbly|bad|worse|terrible|awful|"
            r"illegible|a mess)\b"
            rf"|\b{LIMB} {_gap(2)}(?:flops|flopping|drops|droops|drooping|hangs)\b"
        ),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(rf"\b{CANT} {_gap(1)}(?:lift|raise|move|hold up|use) {MY} {_gap(1)}{LIMB}\b"),
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
            rf"\b{LIMB} {_gap(3)}(?:gave|gives|giving|give) (?:out|way)\b"
            rf"|\b{LIMB} {_gap(3)}(?:just )?(?:let|lets|letting) go\b"
            r"|\b(?:keeps|kept|keep) letting go\b"
            rf"|\b{LIMB} {_gap(4)}(?:useless|limp|floppy|like jelly|dead weight|wobbl\w*)\b"
            rf"|\b{LIMB} {_gap(3)}(?:buckl\w*|collaps\w*)\b"
        ),
    ),
    Pattern(
        Sign.WEAKNESS,
        re.compile(
            r"\b(?:no|lost|losing|lose|loses|lack of|less|not much|zero|without any) "
            r"(?:\w+ )?(?:strength\w*|power|grip|control)\b"
            rf"|\b(?:grip|strength) {_gap(2)}(?:gone|going|weak\w*|failing|fading|not what)\b"
            rf"|\bwithout it wobbling\b|\bwobbl\w* {_gap(3)}{LIMB}\b"
        ),
    ),
)

# -- numbness or tingling ---------------------------------------------------------------------

_NUMB = _any("numb numbness numbed numbing numbish numbly")
_TINGLE = r"tingl\w*|tingles?"
_NUMBNESS = (
    Pattern(Sign.NUMBNESS, re.compile(rf"\b{_NUMB}\b"), True),
    Pattern(Sign.NUMBNESS, re.compile(r"\bpins and needles\b|\bpins needles\b"), True),
    Pattern(
        Sign.NUMBNESS, re.compile(rf"\band needles\b|\bneedles (?:in|down|into) {_gap(2)}{LIMB}\b")
    ),
    Pattern(Sign.NUMBNESS, re.compile(rf"\b{LIMB} {_gap(3)}(?:{_NUMB})\b")),
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
    Pattern(Sign.NUMBNESS, re.compile(rf"\b{LIMB} {_gap(3)}(?:{_TINGLE})\b")),
    Pattern(Sign.NUMBNESS, re.compile(rf"\b(?:{_TINGLE}) {_gap(3)}{LIMB}\b")),
    Pattern(
        Sign.NUMBNESS,
        re.compile(
            r"\b(?:no|lost|losing|lose|lost all|not much|less|reduced|without any|cant get any) "
            r"(?:the )?(?:feeling|sensation|sense of touch)\b"
            rf"|\b{CANT} {_gap(1)}feel {_gap(2)}{LIMB}\b"
            rf"|\b{LIMB} {_gap(3)}(?:feel|feels|feeling|felt|gone|went|is|are|go|goes|going) "
            r"(?:all )?(?:dead|asleep|dull|like cotton wool|wooden|rubbery|fuzzy|funny|weird)\b"
            rf"|\b{LIMB} {_gap(4)}asleep\b"
        ),
    ),
    Pattern(
        Sign.NUMBNESS,
        re.compile(
            r"\belectric\w*\b|\belectricity\b|\bzing\w*\b|\bfizz\w*\b"
            r"|\bprickl\w*\b|\bcrawling\b|\blike ants\b"
            rf"|\b{LIMB} {_gap(3)}(?:buzz\w*|burn\w*|shoot\w*|zap\w*|jolts?)\b"
            rf"|\b(?:buzz\w*|shooting|shoots|zap\w*|jolts?|shocks?|burning|radiat\w*|spread\w*|"
            rf"travels?|travelling|traveling|runs|running) {_gap(3)}(?:down|into|through|along) "
            rf"{_gap(2)}{LIMB}\b"
        ),
    ),
)

# -- fever ---------------------------------------------------------------------------------

_TEMP_NUMBER = _any(
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
            rf"|\b(?:temperature|temp)s? {_gap(2)}(?:up|high|raised|rising|spiking|"
            rf"{_TEMP_NUMBER})\b"
            rf"|\b(?:fever|temperature|temp) of {_gap(1)}{_TEMP_NUMBER}\b"
            # A body temperature read out: "thirty eight point five", "39.2".
            r"|\b(?:thirty (?:seven point (?:five|six|seven|eight|nine)|eight|nine)|forty) "
            r"point \w+\b|\b(?:3[89]|40|10[0-4]) [0-9]\b"
        ),
    ),
    Pattern(
        Sign.FEVER,
        re.compile(
            rf"\b(?:cold|night|the) sweats\b|\bsweating {_gap(1)}(?:a lot|loads|buckets|heavily|"
            r"profusely|through|right through|at night|all night|all day|like mad)\b"
            r"|\bsweat(?:ing|y)? (?:\w+ )?(?:through|thru) (?:my |the )?(?:sheets|bed|pyjamas|"
            r"pajamas|clothes|shirt)\b"
            r"|\bclammy\b|\bburning up\b|\bboiling (?:hot|up)\b|\bfreezing cold\b"
            r"|\bhot (?:and|then|one minute) (?:\w+ )?(?:cold|sweaty|clammy|shivery|shaky)\b"
            r"|\bhot all over\b|\bshaking with (?:cold|chills)\b"
            r"|\b(?:cant stop|keep|been) (?:shaking|trembling)\b|\bflu\b|\bflu like\b|\bfluey\b"
            r"|\b(?:i|im|i am|ive been|i have been|i feel|feeling|i felt) (?:so |really |very |"
            r"all |quite )?(?:hot|burning|boiling|shivery|feverish)\b"
            r"|\b(?:sick|ill|unwell|poorly|rough|achy|shaky) and (?:hot|feverish|shivery|cold|"
            r"sweaty)\b"
        ),
    ),
)

# -- injury --------------------------------------------------------------------------------

_VEHICLE = _any(
    "car bike bicycle motorbike motorcycle scooter van lorry truck bus train cab taxi horse "
    "quad ski skis snowboard skateboard trampoline"
)
_THING = _any(
    "ladder stairs steps staircase chair stool bed roof wall horse bike bicycle motorbike "
    "scooter table tree trampoline bunk_bed step kerb curb counter desk wagon bench swing "
    "slide skateboard board boat stage platform"
)
_HEAD = _any("head neck back skull face chin spine shoulder")
_INJURY = (
    Pattern(
        Sign.INJURY,
        re.compile(
            r"\baccidents?\b|\bcrash\w*\b|\bcollision\b|\bcollided\b|\bwhiplash\b|\bconcuss\w*\b"
            r"|\binjur\w*\b|\bwreck\w*\b|\bpile up\b|\bfender bender\b"
            r"|\b(?:neck|head|spinal|physical) trauma\b|\btrauma to\b"
        ),
        True,
    ),
    Pattern(
        Sign.INJURY,
        re.compile(r"\bfell\b(?! asleep| apart| for| in love| silent| quiet)"),
        True,
    ),
    Pattern(
        Sign.INJURY,
        re.compile(
            r"\b(?:a|my|the|that|bad|nasty|big|hard|heavy|had|have|any|took|take|since|after|"
            r"from|recent|last) (?:\w+ )?(?:fall|falls|tumble|spill|slip|trip up)\b"
            r"(?! asleep| apart| term| semester| season| colou?rs| leaves| weather| of)"
            r"|\b(?:fall|fallen|falling|falls) (?:off|down|from|over|out of|onto|on) "
            r"(?!asleep)"
            r"|\b(?:have|had|has|ive|just|i|we|he|she|they) fallen\b"
        ),
    ),
    Pattern(
        Sign.INJURY,
        re.compile(
            r"\b(?:i|we|he|she|they|just|was|got|been|had|have|ive|i have|being|get) "
            r"(?:\w+ )?(?:fell|fallen)\b(?! asleep| apart| for| in love)"
            r"|\bfell (?:off|down|from|over|out of|onto|on|backwards|forwards?|hard|badly|"
            r"awkwardly|and|while|when|at|in)\b(?! love)"
        ),
    ),
    Pattern(
        Sign.INJURY,
        re.compile(
            r"\brear ?end\w*\b|\brearended\b|\bended (?:me|us)\b|\bshunt\w*\b|\bsideswip\w*\b"
            r"|\bt boned\b"
            r"|\b(?:ran|run|running|bumped|drove|driven|crashed|smashed|slammed|ploughed|plowed|"
            r"went) into (?:me|my|the back|us|a|the|another)\b"
            r"|\b(?:got|was|been|get|getting|being) (?:\w+ )?(?:hit|struck|knocked|thrown|tackled|"
            r"punched|kicked|attacked|assaulted|beaten|mugged|headbutted|jumped|run over|"
            r"hurt|injured|flung|bucked|tossed)\b"
            r"|\b(?:hit|rammed|smashed into|slammed into|ran into|drove into) (?:me|us|my car|"
            r"our car|the back of)\b"
            r"|\b(?:snapped|jerked|whipped|flung|thrown) (?:back|forward|forwards|backwards)\b"
            rf"|\bbump\w* my {_HEAD}\b"
            r"|\bhit (?:by|in the|on the|from)\b"
            rf"|\bhit (?:my|his|her|the back of my|the side of my) {_HEAD}\b|\b{_HEAD} hit\b"
            r"|\bhit (?:the|a) (?:ground|floor|deck|wall|windscreen|windshield|dashboard|dash|"
            r"bottom|steering wheel|post|tree|pavement|ice)\b"
            r"|\btook a (?:\w+ ){0,3}(?:hit|knock|blow|bang|whack|smack|tumble|fall|spill|header)\b"
            r"|\b(?:knock|blow|bang|whack|smack|bump) (?:on|to|in) (?:the|my) (?:\w+ )?"
            rf"{_HEAD}\b|\bbang\w* my {_HEAD}\b|\bknocked (?:out|over|down|off|unconscious)\b"
        ),
    ),
    Pattern(
        Sign.INJURY,
        re.compile(
            r"\btackl\w*\b|\bscrum\b|\bassault\w*\b|\battacked\b|\bpunched\b|\bbeaten up\b"
            r"|\bmugged\b|\bheadbutt\w*\b|\bcame off (?:my|the|a|his|her) \w+\b"
            rf"|\b(?:thrown|bucked|flung|tossed) (?:off|from|out)\b"
            r"|\b(?:slipped|slipping|tripped|tripping|stumbled|skidded|wiped out|went flying|"
            r"went over|toppled)\b(?! (?:a |my )?dis[ck])"
            rf"|\bwent down (?:hard|badly|heavily)\b|\blanded (?:\w+ )?on (?:my|his|her) "
            rf"{_HEAD}\b|\blanded (?:badly|awkwardly|hard|heavily)\b"
            r"|\b(?:dived|dove|dived head first|jumped) into (?:the |a )?(?:shallow|pool|water|"
            r"lake|sea|river)\b|\bhit the bottom\b"
            rf"|\b(?:fell|dropped|landed|came down|collapsed) on (?:me|my|top of me)\b"
            rf"|\b(?:{_VEHICLE}) (?:accident|crash|wreck|smash|collision|injury)\b"
            r"|\b(?:sports?|rugby|football|hockey|skiing|riding|diving|gym|boxing|wrestling|"
            r"martial arts|judo|karate) (?:injury|accident|collision|crash)\b"
            r"|\bwhiplash\b|\bjarred\b|\bjolted\b|\bwrenched\b|\bcricked\b"
        ),
    ),
)

# -- severe or worsening pain ------------------------------------------------------------------

_SEVERE_PAIN = (
    Pattern(
        Sign.SEVERE_PAIN,
        re.compile(
            r"\bsevere\w*\b|\bexcruciating\w*\b|\bunbearabl\w*\b|\bagony\b|\bagoni[sz]ing\w*\b"
            r"|\bintolerabl\w*\b|\bcrippling\b|\bdebilitating\b|\btortur\w*\b"
            r"|\bworsening\b|\bworsened\b"
        ),
        True,
    ),
    Pattern(
        Sign.SEVERE_PAIN,
        re.compile(
            r"\bworst (?:\w+ ){0,3}(?:pain|ache|spasm|ever|of my life|its been|i have|ive)\b"
            r"|\bmost (?:intense|painful|severe|excruciating)\b"
            r"|\b(?:intense|extreme|terrible|awful|horrible|horrendous|dreadful|shocking|"
            r"insane|crazy|blinding|searing|violent) (?:\w+ )?(?:pain|ache|agony|spasm)\w*\b"
            r"|\bpain (?:is|was|has been|feels) (?:so |really |very |just )?(?:intense|extreme|"
            r"terrible|awful|horrible|unbearable|excruciating|too much|out of this world)\b"
            r"|\bkilling me\b|\bin (?:so much|such) pain\b|\bso much pain\b"
            r"|\b(?:so|too|really really|incredibly|unbelievably|extremely|insanely) painful\b"
            r"|\b(?:so|too) (?:bad|sore) (?:that )?(?:i|it)\b|\bits so bad\b"
            r"|\b(?:screaming|scream|screamed|crying|cry|cried|sobbing|in tears|tears)\b"
        ),
    ),
    Pattern(
        Sign.SEVERE_PAIN,
        re.compile(
            r"\b(?:cant|cannot|can not|couldnt) (?:bear|stand|take|cope with|handle) "
            r"(?:it|this|the pain|the|much more|any more|anymore)\b"
            r"|\b(?:nine|ten|eight|9|10|8) out of (?:ten|10)\b"
            r"|\bscale of (?:one|1|zero|0) to (?:ten|10)\b"
            r"|\bits (?:a|an) (?:nine|ten|9|10|eleven)\b"
        ),
    ),
    # What the pain stops you doing.
    Pattern(
        Sign.SEVERE_PAIN,
        re.compile(
            r"\b(?:cant|cannot|can not|couldnt|unable to|not able to|can barely|can hardly|"
            r"barely|hardly) (?:(?:really|even|properly|get to|go to|actually|ever|get any) )?"
            # Not "concentrate": the article lists that among an ordinary spasm's effects; not
            # sleeping in one position.
            r"(?:sleep|slept|work|function|drive|walk|eat|stand up|sit up|get out of bed|get up|"
            r"get out of|get comfortable|lie down|lift my head|hold my head up|do anything|"
            r"go to work|go out|look after)\b"
            r"(?! on (?:my|the|a|your) (?:\w+ )?(?:side|back|front|stomach|belly|pillow)| in )"
            r"|\b(?:can barely|can hardly|barely|hardly) (?:turn|move|look|bend|lift)\b"
            r"|\b(?:cant|cannot|can not|couldnt|unable to) (?:turn|move|look|bend|lift) "
            r"(?:\w+ ){0,4}(?:at all|whatsoever|an inch|even a little|in any direction|without "
            r"(?:screaming|crying|tears|agony|wincing))\b"
            r"|\b(?:kept|keeps|keep|keeping) me (?:up|awake)\b|\b(?:woke|wakes|waking) me (?:up)?\b"
            r"|\bstuck in bed\b|\bbed ?(?:bound|ridden)\b|\boff work\b|\bcalled in sick\b"
            r"|\b(?:stuck|been) (?:in|on) (?:bed|the sofa|the couch|the floor) all day\b"
            r"|\bnothing (?:i do |we do |ive tried |i try |i take )?"
            r"(?:helps|works|makes (?:it|any) (?:difference|better))\b"
        ),
    ),
    # The course over days: worse, or not going away.
    Pattern(
        Sign.SEVERE_PAIN,
        re.compile(
            # "gets worse when i look down" tells what aggravates it, not that it worsens.
            r"\b(?:getting|got|gotten|grown|growing|gone|going|become|becoming|keeps getting|"
            r"just gets|only gets|only getting|still getting|even) (?:\w+ )?worse\b"
            r"|\bgets (?:\w+ )?worse(?:$| and worse| every| each| by the| day by day| all the)"
            r"|\bworse (?:and worse|every|each|by the|today|tonight|this|than|now|all the|again|"
            r"since|day|week)\b"
            r"|\b(?:not|isnt|hasnt|havent|no|never|nothing|wont|doesnt|didnt|arent|aint) "
            r"(?:(?:really|yet|even|quite|fully|completely|ever|much|any|a bit|at all|still) )?"
            r"(?:getting |got |gotten |been |gone |going |get )?"
            r"(?:better|improv\w*|eased|easing|away|any better|helped|helping|help|helps|works|"
            r"working|worked|shifting|shifted|budging|budged|settling|settled|stopping|stopped|"
            r"letting up|let up|going away|go away|gone away|stop|goes away)\b"
            r"|\bno (?:improvement|change|relief|let up|better)\b"
            rf"|\b(?:for|over|about|nearly|almost|been) (?:a month|months|{NUMBER} months|"
            rf"a year|years|ages)\b"
            r"|\bconstant\w*\b|\bnon ?stop\b|\bpersist\w*\b|\brelentless\b|\bnever ending\b"
            r"|\b(?:still|as) (?:as )?(?:painful|bad|sore) as\b|\bweeks later\b"
            r"|\bagain and again\b|\bmore (?:and more|every day|each day|by the day)\b"
            r"|\bnever (?:had|felt|been in|known) (?:\w+ ){0,2}(?:this|so|such) (?:bad|painful|"
            r"severe|intense|much pain|sore)\b"
            r"|\bnever (?:had|felt) (?:pain|anything) like (?:this|it)\b"
            rf"|\b{NUMBER} weeks (?:of (?:pain|agony|this)|straight|solid|on end)\b"
        ),
    ),
)

PATTERNS: tuple[Pattern, ...] = (*_WEAKNESS, *_NUMBNESS, *_FEVER, *_INJURY, *_SEVERE_PAIN)

# Words whose sound matters: a word that sounds like one of these (and is none of them) is
# respelled before the phrase patterns run again (``skill.sounds``).
SOUND_TARGETS: tuple[str, ...] = tuple(
    re.findall(
        r"\w+",
        "weak weaker weakness numb numbness tingling tingle tingly fever feverish temperature "
        "chills shivering fell fall accident crash whiplash injured injury worse worsening "
        "severe agony excruciating unbearable prickling grip cant buzzes buzzing",
    )
)
