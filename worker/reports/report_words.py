"""Words the sentence checker accepts without evidence.

Two lists, kept apart because they are reviewed differently:

STOP_WORDS are function words (articles, pronouns, prepositions, auxiliaries, light verbs,
number words, calendar names). They carry no claim about the work, so they are never checked.

REPORT_WORDS is the short list of words a report may say about ANY week of ANY engineer:
the period, time, units, effort in general, and the few verbs the brief names. Every word
here must be true of a week of meetings as much as of a week of coding. A word that is only
true of some weeks ("feature", "customer", "release", "bug", "users", "quality") does NOT
belong here: it has to come from the cited entries or the facts. Impact and value levels,
type names, project names and metric names come from the facts, not from this list.

The checker folds both lists by inflection only (plural, tense, -ly), so "contributed" also
covers "contributes" and "contributing", but "product" does not vouch for "production".
"""

from __future__ import annotations

STOP_WORDS = frozenset("""
a an the this that these those there here it its it's itself
i me my mine myself you your yours yourself we us our ours ourselves they them their theirs
he him his she her hers who whom whose which what whatever when where why how
and or but nor so yet if then than because as while whereas although though unless until
of in on at by for with without within into onto from to toward towards about above below
over under between among across through throughout during before after since per via
around along beside besides beyond against upon off out up down
be is am are was were been being do does did done doing have has had having
will would shall should can could may might must ought
get gets got getting make makes made making take takes took taken taking
go goes went gone going put puts keep kept let lets give gave given use used using
need needs needed able find finds found mean means meant set show shows showed shown
cover covers covered covering follow follows followed following
not no yes also too very just only still even ever again already more most less least
much many few fewer several some any all each every both either neither other another
such same own else rather quite fairly mostly mainly largely primarily partly
now well further furthermore moreover however therefore thus hence overall instead
various different multiple whether etc vs something anything everything nothing thing things way
currently recently often usually sometimes always never soon
including include includes included like almost nearly about roughly approximately around
first second third last next previous prior am pm
one two three four five six seven eight nine ten eleven twelve once twice half
thirds fifth fifths quarters
monday tuesday wednesday thursday friday saturday sunday
january february march april june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
don't doesn't didn't isn't aren't wasn't weren't won't can't couldn't shouldn't
you're you've we're we've they're they've i'm i've that's there's let's
""".split())

REPORT_WORDS = frozenset("""
week weekly day daily days month monthly quarter quarterly year annual period
time hour hours minute minutes percent percentage share total totals
entry entries activity activities task tasks session sessions item items
work worked working effort project projects largest heaviest top
spent spend spending logged log dedicated allocated allocation
focus focused
contributed contribution
improved improvement
delivered
team product company
overall highlight highlights summary report key main mattered
consider continue aim try suggest protect reflect reflects indicate indicates
""".split())
