"""Warning-sign patterns for an injury (every way an accident, fall or blow is told) and for
severe or worsening pain (by its intensity, its course over days, or what it stops you doing).
Built and judged as ``skill.warning_signs`` describes.
"""

from __future__ import annotations

import re

from .sign_words import NUMBER, Pattern, Sign, any_of

# -- injury --------------------------------------------------------------------------------

_VEHICLE = any_of(
    "car bike bicycle motorbike motorcycle scooter van lorry truck bus train cab taxi horse "
    "quad ski skis snowboard skateboard trampoline"
)
_THING = any_of(
    "ladder stairs steps staircase chair stool bed roof wall horse bike bicycle motorbike "
    "scooter table tree trampoline bunk_bed step kerb curb counter desk wagon bench swing "
    "slide skateboard board boat stage platform"
)
_HEAD = any_of("head neck back skull face chin spine shoulder")
# Verbs of a blow to the head ("whacked my head on a beam"); not "crack", said of clicking a
# stiff neck on purpose.
_BLOW = any_of(
    "bang banged banging bump bumped bumping hit hitting whack whacked smack smacked knock "
    "knocked clonk clonked thump thumped bash bashed slam slammed smash smashed clout clouted "
    "conk conked"
)
# Contact sports, where a neck is hurt by a blow or a tackle (not the gym: a strain there is an
# ordinary cause of a spasm).
_SPORT = any_of(
    "rugby football soccer hockey boxing wrestling judo karate martial_arts cricket lacrosse "
    "basketball netball match game fight scrum tackle"
)
INJURY = (
    Pattern(
        Sign.INJURY,
        re.compile(
            r"\baccidents?\b|\bcrash\w*\b|\bcollision\b|\bcollided\b|\bwhiplash\b|\bconcuss\w*\b"
            # "my neck is wrecked" is worn out: a wreck is a crash as a noun, or done to a vehicle.
            rf"|\binjur\w*\b|\bwrecks?\b|\bwreckage\b|\bwrecked (?:\w+ )?{_VEHICLE}\b"
            r"|\bpile up\b|\bfender bender\b"
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
            # Two heads meeting: "someone clashed heads with me playing football".
            r"|\b(?:clash\w*|bump\w*|bang\w*|knock\w*|crack\w*|smash\w*) heads\b|\bhead clash\b"
            r"|\b(?:ran|run|running|bumped|drove|driven|crashed|smashed|slammed|ploughed|plowed|"
            r"went) into (?:me|my|the back|us|a|the|another)\b"
            # A neck goes into spasm, and people go into rooms.
            r"(?! (?:\w+ )?(?:spasms?|cramps?|knots?|lock\w*|seizure|panic|shop|office|town|"
            r"kitchen|room|hospital|surgery|clinic|work)\b)"
            r"|\b(?:got|was|been|get|getting|being) (?:\w+ )?(?:hit|struck|knocked|thrown|tackled|"
            r"punched|kicked|attacked|assaulted|beaten|mugged|headbutted|jumped|run over|"
            r"hurt|injured|flung|bucked|tossed)\b"
            r"|\b(?:hit|rammed|smashed into|slammed into|ran into|drove into) (?:me|us|my car|"
            r"our car|the back of)\b"
            r"|\b(?:snapped|jerked|whipped|flung|thrown) (?:back|forward|forwards|backwards)\b"
            rf"|\b{_BLOW} (?:my|his|her|the back of my|the side of my|the top of my) {_HEAD}\b"
            # Hurt at a sport or under a load: "hurt my neck playing rugby".
            r"|\b(?:hurt|injured|damaged|jarred|wrenched) (?:my|his|her) "
            rf"{_HEAD} (?:\w+ ){{0,2}}(?:playing|at|in|during|doing) (?:\w+ )?{_SPORT}\b"
            # Hurt with a sound of something giving: "hurt my neck lifting and heard a crack".
            rf"|\b(?:hurt|injured) (?:my|his|her) {_HEAD} (?:\w+ ){{0,8}}(?:heard|felt) "
            r"(?:a|something) (?:\w+ )?(?:crack|snap|pop|crunch)\b"
            r"|\bhit (?:by|in the|on the|from)\b"
            rf"|\bhit (?:my|his|her|the back of my|the side of my) {_HEAD}\b|\b{_HEAD} hit\b"
            r"|\bhit (?:the|a) (?:ground|floor|deck|wall|windscreen|windshield|dashboard|dash|"
            r"bottom|steering wheel|post|tree|pavement|ice)\b"
            r"|\btook a (?:\w+ ){0,3}(?:hit|knock|blow|bang|whack|smack|tumble|fall|spill|header)\b"
            # Something hard that struck: "took a ball to the head", "caught an elbow in the neck".
            r"|\b(?:took|caught|got) (?:a|an) (?:\w+ )?(?:ball|punch|kick|elbow|knee|boot|stick|"
            rf"bat|puck|racket|shoulder|headbutt) (?:to|in|on) (?:the|my) (?:\w+ )?{_HEAD}\b"
            # A small collision: "a bump in the car park", "had a prang in the van".
            r"|\b(?:a|had a|little|minor) (?:bump|prang|knock|scrape|shunt) in (?:the|my|a) "
            r"(?:car|van|taxi|cab|bus)\b"
            # Pushed into something: "someone shoved me into a wall".
            r"|\b(?:shoved|pushed|threw|slammed|knocked|barged|bundled|flung) (?:me|him|her|us) "
            r"(?:\w+ )?(?:into|against|onto|over|down|to the ground)\b"
            rf"|\b(?:got|was|been|get|getting|being) (?:\w+ )?{_BLOW}\b"
            r"|\b(?:knock|blow|bang|whack|smack|bump) (?:on|to|in) (?:the|my) (?:\w+ )?"
            rf"{_HEAD}\b|\bbang\w* my {_HEAD}\b|\bknocked (?:out|unconscious)\b"
            # "i was knocked down", not "i knocked over a glass".
            # Nor "i knocked off work early".
            r"|\bknocked (?:over|down|off)\b"
            r"(?! (?:a|an|the|my|his|her|some|it|them|that|this|work|early|for)\b)"
        ),
    ),
    Pattern(
        Sign.INJURY,
        re.compile(
            r"\btackl\w*\b|\bscrum\b|\bassault\w*\b|\battacked\b|\bpunched\b|\bbeaten up\b"
            r"|\bmugged\b|\bhead ?butt\w*\b|\bcame off (?:my|the|a|his|her) \w+\b"
            rf"|\b(?:thrown|bucked|flung|tossed) (?:off|from|out)\b"
            r"|\b(?:slipped|slipping|tripped|tripping|stumbled|skidded|wiped out|went flying|"
            r"went over|toppled)\b(?! (?:a |my )?dis[ck])"
            rf"|\bwent down (?:hard|badly|heavily)\b|\blanded (?:\w+ )?on (?:my|his|her) "
            rf"{_HEAD}\b|\b(?:landed|came down|come down|coming down) (?:\w+ )?"
            r"(?:badly|awkwardly|hard|heavily|wrong|funny|on my head|on my neck)\b"
            r"|\b(?:bad|awkward|hard|heavy|nasty) landing\b|\bheaded (?:the|a) (?:\w+ )?\w*ball\b"
            r"|\bcracked (?:my|his|her) (?:head|skull)\b"
            rf"|\b{_BLOW} (?:\w+ )?(?:in|on) (?:the|my|his|her) (?:head|skull|face|neck)\b"
            r"|\b(?:dived|dove|dived head first|jumped) into (?:the |a )?(?:shallow|pool|water|"
            r"lake|sea|river)\b|\bhit the bottom\b"
            rf"|\b(?:fell|dropped|landed|came down|collapsed|jumped) on (?:me|my|top of me)\b"
            rf"|\b(?:{_VEHICLE}) (?:accident|crash|wreck|smash|collision|injury)\b"
            r"|\b(?:sports?|rugby|football|hockey|skiing|riding|diving|gym|boxing|wrestling|"
            r"martial arts|judo|karate) (?:injury|accident|collision|crash)\b"
            r"|\bwhiplash\b|\bjarred\b|\bjolted\b|\bwrenched\b|\bcricked\b"
        ),
    ),
)

# -- severe or worsening pain ------------------------------------------------------------------

# "the pain is", "the pain's" (normalized "pains"), "the ache gets".
_PAIN_IS = r"(?:pain|pains|ache|aches|spasms?|agony) (?:is |was |has been |feels |are |gets |got )?"

SEVERE_PAIN = (
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
            # "it's horrendous": only words that say pain, not weather or traffic.
            r"|\bits (?:so |really |absolutely |just |truly )?(?:horrendous|horrific|atrocious)\b"
            r"|\b(?:intense|extreme|terrible|awful|horrible|horrendous|dreadful|shocking|"
            r"insane|crazy|blinding|searing|violent|fierce|vicious|overwhelming) (?:\w+ )?"
            r"(?:pain|ache|agony|spasm)\w*\b"
            # The pain said to be extreme: "the pain is horrendous", "the pain's unreal".
            rf"|\b{_PAIN_IS}(?:so |really |very |just |absolutely |truly |properly |quite |that |"
            r"too )?(?:intense|extreme|terrible|awful|horrible|horrendous|horrific|unbearable|"
            r"excruciating|too much|out of this world|unreal|brutal|savage|immense|crushing|"
            r"hideous|atrocious|insane|ridiculous|terrifying|fierce|vicious|overwhelming)\b"
            # "bad" only with a word that makes it more than bad: "really bad pain", "the pain
            # is that bad" (not "the pain is bad in the morning").
            rf"|\b{_PAIN_IS}(?:so|really|very|that|too|extremely|incredibly) bad\b"
            r"|\b(?:really|very|so|extremely|incredibly|unbelievably|seriously|properly) "
            r"(?:really |very )?bad (?:\w+ )?(?:pain|ache|spasm)\w*\b"
            r"|\b(?:through the roof|off the (?:charts?|scale|scales)|beyond belief)\b"
            r"|\bhurts? (?:like (?:hell|mad|crazy|anything|the devil|nothing else)|so (?:much|bad)"
            r"|more than anything)\b"
            r"|\bkilling me\b|\bin (?:so much|such) pain\b|\bso much pain\b"
            r"|\b(?:so|too|really really|incredibly|unbelievably|extremely|insanely) painful\b"
            r"|\b(?:so|too) (?:bad|sore) (?:that )?(?:i|it|its|im)\b|\bits so bad\b"
            r"|\b(?:screaming|scream|screamed|crying|cry|cried|sobbing|in tears|tears)\b"
            # Pain likened to a blade: "like a knife stabbing into my neck".
            r"|\blike (?:\w+ ){0,3}(?:knife|knives|dagger|blade|stabb\w*)\b"
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
            # A score that has climbed: "it was a two out of ten on monday and it's an eight now".
            r"|\bout of (?:ten|10) (?:\w+ ){0,8}(?:an eight|a nine|a ten|an 8|a 9|a 10)\b"
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
            r"|\b(?:kept|keeps|keep|keeping) me (?:up|awake)\b"
            r"|\b(?:woke|wakes|waking|woken|wakened|waken) me (?:up)?\b"
            r"|\bstuck in bed\b|\bbed ?(?:bound|ridden)\b"
            r"|\b(?:call|calls|called|calling|phone|phoned|ring|rang) in sick\b"
            r"|(?<!knocked )\boff work\b"
            r"|\b(?:stopping|stops|stopped) me (?:from )?(?:doing|sleeping|working|getting)\b"
            # No sleep for the pain: "i haven't slept a wink", "not slept properly for days".
            r"|\b(?:havent|hasnt|not|didnt|couldnt|cant|never|hardly|barely) (?:\w+ )?slept "
            r"(?:properly |well |much )?(?:a wink|at all|all night|in days|for (?:\w+ )?"
            r"(?:days|nights))\b"
            r"|\bsleepless\b"
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
            r"touching|touch it|touched|making a dent|make a dent|taking the edge off|"
            r"letting up|let up|going away|go away|gone away|stop|goes away)\b"
            r"|\bno (?:improvement|change|relief|let up|better)\b"
            # Pain that has lasted: "it's been sore for months" (not "looking at my phone for
            # ages", nor pain "on and off for years", which comes and goes).
            r"|\b(?:pain|pains|ache|aching|achy|hurt|hurts|hurting|sore|soreness|stiff|stiffness|"
            r"spasms?|it|this|its|been|had|going on|there|lasted|lasting|neck|necks|like this|"
            r"like that) (?:now )?"
            rf"(?:for|over|about|nearly|almost) (?:well |way |just |about |nearly |almost |over |"
            rf"more than |the best part of )*(?:a month|months|{NUMBER} months|a year|years|ages)\b"
            rf"|\b(?:for|over) (?:a month|months|{NUMBER} months|a year|years|ages) (?:now )?"
            r"(?:my |the |this )?(?:neck|pain|ache|it|its)\b"
            # Constant pain, not a constant habit ("constantly turning my head").
            r"|\bconstant(?! (?:\w+ing|use|movement|movements|looking|typing)\b)\b"
            r"|\bconstantly (?:\w+ )?(?:hurts?|hurting|aching|aches|in pain|sore|painful|throbbing|"
            r"there|on|stiff|tight)\b"
            r"|\b(?:hurts?|hurting|aching|aches|throbbing|there) constantly\b"
            r"|\bnon ?stop\b|\bpersist\w*\b|\brelentless\b|\bnever ending\b"
            r"|\b(?:still|as) (?:as )?(?:painful|bad|sore) as\b|\bweeks later\b"
            r"|\bagain and again\b|\bmore (?:and more|every day|each day|by the day)\b"
            # Building day by day: "the pain's ramping up each day instead of easing".
            r"|\b(?:ramping|building|creeping|ratcheting|cranking|flaring|stepping) up (?:\w+ )?"
            r"(?:each|every|by the|day by) (?:day|night|hour)\b|\bescalat\w*\b|\bintensif\w*\b"
            r"|\binstead of (?:easing|getting better|settling|improving|going away|calming)\b"
            r"|\b(?:increas\w*|growing|spreading|mounting|rising|worsening) (?:\w+ )?(?:day by day|"
            r"by the day|every day|each day|daily|by the hour)\b"
            r"|\bspread\w* (?:\w+ ){0,3}(?:further|wider|more)\b"
            r"|\b(?:each|every) day (?:the |my )?(?:pain|ache|it|spasm|stiffness|neck) "
            r"(?:\w+ ){0,8}(?:more|worse|further|stronger|sharper)\b"
            # Painkillers that do nothing: "i took the strongest painkillers and they didn't even
            # touch it".
            r"|\b(?:painkillers?|pain killers?|pills?|tablets?|meds|medicines?|medication|"
            r"ibuprofen|paracetamol|tylenol|advil|codeine|naproxen|aspirin|nurofen) (?:\w+ ){0,8}"
            r"(?:didnt|dont|doesnt|arent|werent|wont|not|never) "
            r"(?:even |really |seem to |do |done )?"
            r"(?:touch|touched|touching|work|working|worked|help|helping|helped|do anything|"
            r"doing anything|done anything|make a dent|take the edge off)\b"
            r"|\b(?:pain|ache|aching|it|its|throbbing|soreness) (?:\w+ )?(?:keeps getting|"
            r"is getting|getting|gets|growing|grows) (?:\w+ )?(?:stronger|more intense|"
            r"more painful|sharper|more severe)\b"
            r"|\bnever (?:had|felt|been in|known) (?:\w+ ){0,2}(?:this|so|such) (?:bad|painful|"
            r"severe|intense|much pain|sore)\b"
            r"|\bnever (?:had|felt) (?:pain|anything) like (?:this|it)\b"
            r"|\blike nothing (?:ive|i have|i had|id|i|weve) (?:ever )?"
            r"(?:felt|had|known|experienced|been through)\b"
            rf"|\b{NUMBER} weeks (?:of (?:pain|agony|this)|straight|solid|on end)\b"
        ),
    ),
)
