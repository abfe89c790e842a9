"""The sentence checker: a narrative sentence is kept only when its figures and its words
come from the log. Pure Python, no model, no downloads.

Two checks, both must pass (`check_sentence` -> Verdict):

FIGURES are bound to a unit and a subject. Each number is read with the unit after it
(%, h/hours, min/minutes, entries/sessions, days, /100, ms, ...) and bound to the subject
named nearest to it in the same clause (else in the sentence): an activity type ("mentoring",
"coding"), a project name, a value or impact level ("high-value", "company impact"), one of
the 9 metrics ("focus", "collaboration", "peak hour", ...), the previous period ("up",
"compared with last week": only when nothing more specific is named in the clause) or the
totals ("in total", "overall"). The figure passes when that subject has a fact in that unit
which, rounded half-up to the stated decimals, is the stated number and within 5% (or 0.05)
of it: 12.2% and 12% match a 12.24% share, "12 h 15 min" and "12.3 h" match 735 minutes,
"3 h" does not match 2.5 h. "Half of", "a third of", "a quarter of"... are shares
within 5 points. So "15% ... mentoring" fails when mentoring is 12.2% even if 15
appears elsewhere in the facts, and "3 h" never matches a 3% share. A figure whose clause
names no subject may be about any subject the sentence names ("Mentoring, at 12.2%, ...")
and, unless it is a share, about the totals ("You logged 12.25 h, with mentoring at 1.5 h").
A figure in a sentence naming no subject is checked against the totals (a percentage
against every share in the facts). A word after a number that the cited entries do not
use and that is no unit is not what the number counts ("0.224 reflects ..."). Besides the
facts:
  - a number stated as in a cited entry's title or description passes ("PR #4312",
    "p99 from 900 ms to 120 ms"): same number, and the same unit when it is one of ours;
  - a cited entry's duration, count of cited entries and their days pass for time, entries
    and days (the citation is the evidence), also when the subject is named by words of
    the cited entry's title ("Design review" is a meeting, not the review type);
  - "2 PRs" passes when 2 of the cited entries speak of PRs;
  - dates (ISO or "Nov 17") pass inside the period, the previous period or a cited entry's
    day, "week 47" when the period or a cited entry lies in ISO week 47; clock times pass
    for the peak hour or a cited entry's start.

SUPPORT: every content word of the sentence must be found in its cited entries (title,
description, tags, project, type and the type's usual words), in the facts (activity types,
projects, value and impact levels with time logged, metric names, the user's name), or in
report_words (stop words and the short list of report words). Content word = a lowercase
token of letters (digits allowed after a letter: "p99", "oauth2"), apostrophe-s removed,
not a stop word; a token starting with a digit is a figure, checked above. Words are
compared after light folding (`forms`): inflections (-s, -es, -ies, -ed, -ing, -ly, a final
-e, a doubled final consonant, a few irregular pasts: wrote -> write) and, against the
cited entries only, derivations (-ion, -ation, -ment, -ity); two words match when any of
their folded forms match, so "rotated" matches "rotation", "secure" matches "security" and
"chatbots" does not match "chat". The facts and report words match by inflection only, so
the impact level "product" does not vouch for "production". A run of Japanese/Chinese/
Korean characters has no spaces to split on: it is supported when it is a substring of the
cited entries' text or a project name, or when each of its kanji/katakana/hangul chunks
(split at hiragana, which are mostly particles) is.

`facts` is the report facts as a plain dict, the shape of GenerateInsightRequest.facts_json
(backend/insights/facts.py) or of MessageToDict(ReportFacts, preserving_proto_field_name=
True). Keys read, all optional (a missing key is just a fact the sentence cannot use):
  period {start, end, days}                 previous_period {start, end, totals, change_pct}
  totals {entries, minutes, hours, active_days}            (also previous/change, older shape)
  by_type, by_value, by_impact: {name: minutes} or [{name, minutes, entries?, pct?}]
  by_project: [{name, minutes, entries}]    metrics: the 9 spec names
  counts {mentoring|review: {entries, minutes} or a number}          user {name}
Numbers may be strings (MessageToDict renders int64 as strings).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from worker.reports.facts import num, rows
from worker.reports.figures import LIST_MARKER_RE, split_sentences
from worker.reports.report_words import REPORT_WORDS, STOP_WORDS

# --- public API ------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceEntry:
    """One log entry as the checker sees it (what a sentence citing it may say)."""

    id: str
    title: str
    description: str
    type: str
    project: str
    tags: tuple[str, ...]
    minutes: int
    date: str  # YYYY-MM-DD, the local day the entry starts (the API sends local times)
    value: str = ""  # value_rating, optional: binds "high-value" figures to this entry
    impact: str = ""  # impact_level, optional
    start_time: str = ""  # RFC 3339, optional: lets "at 9:30" cite the entry's start

    @classmethod
    def from_log_entry(cls, e: Any) -> EvidenceEntry:
        """From an englog.v1.LogEntry, or a dict with its field names or the API's
        (project_name; duration_minutes or minutes), or a stored digest Highlight in dict
        form (entry_id, title, date, sentence)."""
        def get(*names: str) -> Any:
            for name in names:
                value = e.get(name) if isinstance(e, Mapping) else getattr(e, name, None)
                if value not in (None, ""):
                    return value
            return None

        start = str(get("start_time") or "")
        return cls(id=str(get("id", "entry_id") or ""), title=str(get("title") or ""),
                   # A stored highlight's sentence was checked against its entry: its
                   # words are that entry's evidence when the entry itself is not sent.
                   description=str(get("description", "sentence") or ""),
                   type=str(get("type") or ""),
                   project=str(get("project", "project_name") or ""),
                   tags=tuple(get("tags") or ()),
                   minutes=int(num(get("duration_minutes", "minutes")) or 0),
                   date=str(get("date") or start)[:10],
                   value=str(get("value_rating", "value") or ""),
                   impact=str(get("impact_level", "impact") or ""), start_time=start)


@dataclass
class Verdict:
    ok: bool
    bad_figures: list[str] = field(default_factory=list)  # figures as stated, e.g. "15%"
    unsupported_words: list[str] = field(default_factory=list)  # content words found nowhere
    reasons: list[str] = field(default_factory=list)  # human-readable, for logs and tests


def check_sentence(sentence: str, cited: Sequence[EvidenceEntry],
                   facts: Mapping[str, Any]) -> Verdict:
    return _check(sentence, list(cited), FactIndex.build(facts))


def check_text(text: str, cited: Sequence[EvidenceEntry],
               facts: Mapping[str, Any]) -> list[tuple[str, Verdict]]:
    """Each sentence of text (list markers removed) with its verdict; all cite `cited`.
    Markdown headings and table rows are layout rendered by code, not sentences: skipped."""
    index, entries = FactIndex.build(facts), list(cited)
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith(("#", "|")):
            continue
        for sentence in split_sentences(LIST_MARKER_RE.sub("", line)):
            out.append((sentence, _check(sentence, entries, index)))
    return out


# --- words -----------------------------------------------------------------------------

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f"
_HIRAGANA_RE = re.compile("[\u3040-\u309f]+")
TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+(?:'[^\W_{_CJK}]+)*)")

# (suffix, replacement), tried on every word; stems shorter than 3 letters are not made.
_INFLECTIONS = (("ings", ""), ("ing", ""), ("ies", "y"), ("ied", "y"), ("ers", "er"),
                ("ed", ""), ("es", ""), ("ly", ""), ("s", ""), ("e", ""))
_DERIVATIONS = (("ations", ""), ("ation", ""), ("ations", "e"), ("ation", "e"),
                ("ments", ""), ("ment", ""), ("ions", ""), ("ion", ""), ("ity", ""))


def _strip_once(word: str, rules: tuple[tuple[str, str], ...]) -> set[str]:
    out = set()
    for suffix, repl in rules:
        # A plain -s may leave 2 letters ("PRs" -> "pr"); other stems need 3.
        if not word.endswith(suffix) or len(word) - len(suffix) < (2 if suffix == "s" else 3):
            continue
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            continue
        stem = word[: len(word) - len(suffix)] + repl
        out.add(stem)
        if suffix in ("ing", "ed", "ings") and len(stem) > 3 and stem[-1] == stem[-2] \
                and stem[-1] not in "lsz":
            out.add(stem[:-1])  # debugging -> debugg -> debug
        if not repl and not stem.endswith("e"):
            out.add(stem + "e")  # rotating -> rotat, rotate
    return out


_BRITISH_IZE = re.compile(r"(?<=\w{3})is(e|es|ed|ing|ation|ations|er|ers)$")
_BRITISH_OUR = re.compile(r"(?<=\w{3})our(s|ed|ing)?$")

# Irregular past forms a report uses for entry verbs ("wrote" the ADR the entry calls "Write").
IRREGULAR = {
    "wrote": "write", "written": "write", "built": "build", "led": "lead", "ran": "run",
    "met": "meet", "gave": "give", "given": "give", "found": "find", "held": "hold",
    "taught": "teach", "sent": "send", "began": "begin", "begun": "begin", "chose": "choose",
    "chosen": "choose", "drew": "draw", "drawn": "draw", "brought": "bring",
    "caught": "catch", "thought": "think", "bought": "buy", "fought": "fight",
    "spoke": "speak", "spoken": "speak", "broke": "break", "broken": "break",
    "shook": "shake", "stood": "stand", "understood": "understand", "knew": "know",
    "known": "know", "saw": "see", "seen": "see", "read": "read", "rode": "ride",
    "rewrote": "rewrite", "rewritten": "rewrite", "overcame": "overcome", "set": "set",
    "paid": "pay", "laid": "lay", "split": "split", "shut": "shut", "cut": "cut",
    "dealt": "deal", "meant": "mean", "lost": "lose", "felt": "feel", "heard": "hear",
    "won": "win", "fed": "feed", "hid": "hide", "hidden": "hide", "struck": "strike",
}


@lru_cache(maxsize=8192)
def forms(word: str, derived: bool = True) -> frozenset[str]:
    """The folded forms of a lowercase word: itself and its stems, two levels deep.

    derived=False strips only inflections (plural, tense, -ly), for the report words: a
    report word must not vouch for a derived word ("product" for "production").
    """
    # British and American spellings are one word: optimise/optimize, colour/color.
    word = _BRITISH_IZE.sub(r"iz\1", word)
    if len(word) >= 6:
        word = _BRITISH_OUR.sub(r"or\1", word)
    if not word.isascii():
        # Accents do not make a different word: "Uberweisung" is "Überweisung", "cafe" "café".
        word = "".join(c for c in unicodedata.normalize("NFKD", word)
                       if not unicodedata.combining(c))
    rules = _INFLECTIONS + _DERIVATIONS if derived else _INFLECTIONS
    first = _strip_once(word, rules)
    if word in IRREGULAR:
        first |= {IRREGULAR[word], *_strip_once(IRREGULAR[word], rules)}
    out = {word, *first}
    for stem in first:
        out |= _strip_once(stem, rules)
    return frozenset(out)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")


@dataclass(frozen=True)
class Token:
    text: str  # lowercase
    start: int
    end: int
    cjk: bool


def tokens(text: str) -> list[Token]:
    """Word tokens of (normalised) text; "team's" -> "team", hyphens and slashes split."""
    out = []
    for m in TOKEN_RE.finditer(text):
        word = m.group(0).lower()
        if m.group("word") and word.endswith("'s"):
            word = word[:-2]
        out.append(Token(word, m.start(), m.end(), bool(m.group("cjk"))))
    return out


def _is_content(tok: Token) -> bool:
    if tok.cjk:
        return True
    w = tok.text
    return len(w) > 1 and not w[0].isdigit() and w not in STOP_WORDS


def _vocabulary(words: Iterable[str], derived: bool = True) -> set[str]:
    out: set[str] = set()
    for w in words:
        out |= forms(w, derived)
    return out


_REPORT_FORMS = _vocabulary(REPORT_WORDS | STOP_WORDS, derived=False)

# The words people use for each activity type: an entry's type and a type with time in the
# facts support these (a "debug" entry may be called debugging; "documentation" is docs).
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "coding", "coded", "programming"),
    "debug": ("debug", "debugging", "debugged"),
    "docs": ("docs", "doc", "documentation", "document", "documented", "documenting"),
    "mentoring": ("mentoring", "mentor", "mentored", "mentee"),
    "review": ("review", "reviews", "reviewing", "reviewed", "reviewer"),
    "meeting": ("meeting", "meetings", "met"),
    "planning": ("planning", "plan", "planned"),
    "learning": ("learning", "learn", "learned", "learnt"),
    "ops": ("ops", "operations", "operational"),
    "admin": ("admin", "administrative", "administration"),
}

# The metrics' names and the words people use for them (matched by inflection only, like
# everything from the facts: the impact level "product" must not vouch for "production").
METRIC_WORDS = ("average averaged daily hours peak productivity productive hour most day "
                "activity efficiency efficient score focus focused time percentage "
                "collaboration collaborative collaborating collaborated ratio high value "
                "company impact value impact score deep code debug docs")


# --- the facts as subjects with values per unit ------------------------------------------

PCT, HOURS, MINUTES, ENTRIES, DAYS, SCORE, RATIO, CLOCK = (
    "%", "h", "min", "entries", "days", "score", "ratio", "clock")
FACT_UNITS = {PCT, HOURS, MINUTES, ENTRIES, DAYS, SCORE, RATIO, CLOCK}


@dataclass
class Subject:
    key: str  # "type:mentoring", "project:Atlas API", "metric:focus_time_percentage", ...
    label: str
    phrases: list[tuple[str, ...]]
    values: dict[str, list[Decimal]] = field(default_factory=dict)
    kind: str = ""  # type|project|value|impact|metric|previous|total
    name: str = ""  # the type/project/level name, to match cited entries

    def add(self, unit: str, value: Any) -> None:
        d = _dec(value)
        if d is not None:
            self.values.setdefault(unit, []).append(abs(d))

    def add_minutes(self, minutes: Any, total: float) -> None:
        m = num(minutes)
        if m is None:
            return
        self.add(MINUTES, m)
        self.add(HOURS, m / 60)
        if total:
            self.add(PCT, 100 * m / total)


def _dec(value: Any) -> Decimal | None:
    n = num(value)
    if n is None:
        return None
    try:
        d = Decimal(str(n))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokens(_normalise(text)))


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _span(start: Any, end: Any) -> set[date]:
    a, b = _date(start), _date(end)
    if a is None or b is None or b < a or (b - a).days > 400:
        return {d for d in (a, b) if d}
    return {a + timedelta(days=i) for i in range((b - a).days + 1)}


@dataclass
class FactIndex:
    subjects: list[Subject]
    totals: Subject
    previous: Subject
    vocabulary: set[str]
    names_text: str  # project and user names, lowercase: where a CJK run may be found
    dates: set[date]
    peak_hour: int | None
    all_pct: list[Decimal]
    # (subject, phrase, folded forms of each phrase word) for every subject and the totals
    phrase_table: list[tuple[Subject, tuple[str, ...], tuple[frozenset[str], ...]]] = field(
        default_factory=list)

    def __post_init__(self) -> None:
        self.phrase_table = [(s, p, tuple(forms(w) for w in p))
                             for s in [*self.subjects, self.totals] for p in s.phrases if p]

    @classmethod
    def build(cls, facts: Mapping[str, Any]) -> FactIndex:
        facts = facts if isinstance(facts, Mapping) else {}
        totals_raw = _mapping(facts.get("totals"))
        total_minutes = num(totals_raw.get("minutes")) or 0.0
        subjects: list[Subject] = []
        vocab_words: list[str] = []

        for kind, key in (("type", "by_type"), ("value", "by_value"), ("impact", "by_impact"),
                          ("project", "by_project")):
            for row in rows(facts.get(key), total_minutes):
                if not row.minutes and not row.entries:
                    continue
                s = Subject(f"{kind}:{row.name}", row.name, _subject_phrases(kind, row.name),
                            kind=kind, name=row.name)
                s.add_minutes(row.minutes, total_minutes)
                if row.pct is not None:
                    s.add(PCT, row.pct)
                if row.entries is not None:
                    s.add(ENTRIES, row.entries)
                subjects.append(s)
                vocab_words += [*_phrase(row.name), *TYPE_WORDS.get(row.name, ())]
                if kind in ("value", "impact"):
                    vocab_words += [kind, "level", "wide"]  # "company-wide impact"
        by_key = {s.key: s for s in subjects}

        counts = _mapping(facts.get("counts"))
        for type_name, v in counts.items():
            s = by_key.get(f"type:{type_name}")
            if s is None:
                continue
            s.add(ENTRIES, v.get("entries", v.get("count")) if isinstance(v, Mapping) else v)

        metrics = _mapping(facts.get("metrics"))
        subjects += _metric_subjects(metrics, by_key)
        vocab_words += METRIC_WORDS.split() + ["active", "days", "entries"]  # totals' names

        totals = Subject("total", "the totals", [("total",), ("totals",), ("overall",),
                                                 ("altogether",), ("in", "all")], kind="total")
        totals.add_minutes(totals_raw.get("minutes"), 0)
        totals.add(HOURS, totals_raw.get("hours"))
        totals.add(ENTRIES, totals_raw.get("entries"))
        totals.add(DAYS, totals_raw.get("active_days"))
        period = _mapping(facts.get("period"))
        totals.add(DAYS, period.get("days"))

        previous = _previous_subject(facts, total_minutes)
        subjects.append(previous)
        if previous.values:
            vocab_words += [w for p in _PREVIOUS_PHRASES for w in p] + ["more", "less"]

        user = _mapping(facts.get("user"))
        vocab_words += _phrase(str(user.get("name") or ""))

        dates = _span(period.get("start_date") or period.get("start"),
                      period.get("end_date") or period.get("end"))
        prev = _mapping(facts.get("previous_period"))
        dates |= _span(prev.get("start"), prev.get("end"))

        peak = num(metrics.get("peak_productivity_hour"))
        all_pct = [v for s in subjects for v in s.values.get(PCT, [])]
        names = [s.name for s in subjects if s.kind == "project"] + [str(user.get("name") or "")]
        return cls(subjects, totals, previous, _vocabulary(vocab_words, derived=False),
                   _normalise("\n".join(names)).lower(), dates,
                   None if peak is None else int(peak), all_pct)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _subject_phrases(kind: str, name: str) -> list[tuple[str, ...]]:
    low = name.lower()
    if kind == "type":
        return [(w,) for w in TYPE_WORDS.get(low, (low,))]
    if kind == "value":
        return [(low, "value"), (low, "valued")]
    if kind == "impact":
        return [(low, "impact"), (low, "level", "impact"), (low, "wide", "impact"),
                ("impact", "on", "the", low), ("impact", "on", low)]
    phrase = _phrase(name)
    return [phrase] if phrase else []


# metric key -> (phrases, units it is stated in, multiplier per unit)
_METRICS: dict[str, tuple[tuple[tuple[str, ...], ...], dict[str, float]]] = {
    "average_daily_hours": ((("average",), ("averaged",), ("daily", "average"), ("per", "day"),
                             ("a", "day"), ("each", "day")), {HOURS: 1, MINUTES: 60}),
    "peak_productivity_hour": ((("peak",), ("peak", "hour"), ("most", "productive", "hour")),
                               {CLOCK: 1}),
    "activity_efficiency_score": ((("efficiency",), ("efficient",), ("efficiency", "score"),
                                   ("activity", "efficiency", "score")), {PCT: 1, SCORE: 1}),
    "focus_time_percentage": ((("focus",), ("focus", "time"), ("focused",), ("deep", "work")),
                              {PCT: 1}),
    "collaboration_ratio": ((("collaboration",), ("collaboration", "ratio"),
                             ("collaborative",), ("collaborating",)), {RATIO: 1, PCT: 100}),
    "high_value_percentage": ((("high", "value"),), {PCT: 1}),
    "company_impact_ratio": ((("company", "product", "impact"),
                              ("company", "and", "product", "impact"),
                              ("company", "or", "product", "impact")), {PCT: 1}),
    "value_impact_score": ((("value", "impact", "score"), ("value", "x", "impact"),
                            ("value", "impact"), ("score",)), {SCORE: 1, PCT: 1}),
}


def _metric_subjects(metrics: Mapping[str, Any], by_key: dict[str, Subject]) -> list[Subject]:
    out = []
    for key, (phrases, units) in _METRICS.items():
        value = num(metrics.get(key))
        if value is None:
            continue
        if key == "high_value_percentage" and "value:high" in by_key:
            by_key["value:high"].add(PCT, value)  # one subject, both readings
            continue
        s = Subject(f"metric:{key}", key.replace("_", " "), list(phrases), kind="metric")
        for unit, factor in units.items():
            s.add(unit, value * factor)
        out.append(s)
    return out


_PREVIOUS_PHRASES = [("previous",), ("prior",), ("last", "week"), ("last", "month"),
                     ("last", "period"), ("last", "quarter"), ("last", "year"),
                     ("week", "before"), ("compared",), ("change",), ("changed",),
                     ("increase",), ("increased",), ("decrease",), ("decreased",),
                     ("up",), ("down",), ("rose",), ("fell",), ("grew",), ("dropped",),
                     ("drop",), ("growth",)]


def _previous_subject(facts: Mapping[str, Any], total_minutes: float) -> Subject:
    s = Subject("previous", "the previous period", list(_PREVIOUS_PHRASES), kind="previous")
    prev = _mapping(facts.get("previous_period") or facts.get("previous"))
    prev_totals = _mapping(prev.get("totals")) or prev
    s.add_minutes(prev_totals.get("minutes"), 0)
    s.add(HOURS, prev_totals.get("hours"))
    s.add(ENTRIES, prev_totals.get("entries"))
    s.add(DAYS, prev_totals.get("active_days"))
    change = _mapping(facts.get("change") or prev.get("change_pct") or prev.get("change"))
    for v in change.values():
        s.add(PCT, v)
    # "1.5 hours more than last week": the difference is a fact too (not after an empty
    # period, where it would be the total and "12 hours last week" would pass).
    prev_minutes = num(prev_totals.get("minutes"))
    if prev_minutes and total_minutes:
        diff = abs(total_minutes - prev_minutes)
        s.add(MINUTES, diff)
        s.add(HOURS, diff / 60)
    return s


# --- figures -----------------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
          r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_ORD = r"(?:st|nd|rd|th)?"
DATE_RES = (
    re.compile(r"(?<![\w.])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w])"),
    re.compile(rf"(?i)\b{_MONTH}\s+(?P<d>\d{{1,2}}){_ORD}\b(?:,?\s+(?P<y>\d{{4}})\b)?"),
    re.compile(rf"(?i)\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<y>\d{{4}})\b)?"),
)
CLOCK_RES = (
    re.compile(r"(?i)(?<![\w.:])(?P<h>\d{1,2}):(?P<m>\d{2})(?:\s*(?P<ap>[ap])\.?m\b\.?)?"),
    re.compile(r"(?i)(?<![\w.:])(?P<h>\d{1,2})\s*(?P<ap>[ap])\.?m\b\.?"),
)
COMPOUND_RE = re.compile(
    r"(?i)(?<![\w.])(?P<h>\d+)\s*(?:h|hrs?|hours?)\s*(?:and\s+)?(?P<m>\d{1,2})\s*"
    r"(?:m|mins?|minutes?)\b")
NUMBER_RE = re.compile(
    r"(?i)(?<![\w.#])(?P<hash>#)?(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<f>\d+))?"
    r"|\b(?P<word>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b")
_NUMBER_WORDS = {w: i + 1 for i, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve".split())}

_WEEK_BEFORE_RE = re.compile(r"(?i)\b(?:week|wk|kw)\s*$")  # "week 47": an ISO week number

# "half of your time", "a third of the week": a share, within 5 points ("half" is 45-55%).
FRACTION_RE = re.compile(r"(?i)\b(?P<f>half|(?:a|one)\s+third|two\s+thirds|(?:a|one)\s+quarter"
                         r"|three\s+quarters|(?:a|one)\s+fifth)\s+of\b")
_FRACTIONS = {"half": Decimal(50), "a third": Decimal("33.3"), "one third": Decimal("33.3"),
              "two thirds": Decimal("66.7"), "a quarter": Decimal(25),
              "one quarter": Decimal(25), "three quarters": Decimal(75),
              "a fifth": Decimal(20), "one fifth": Decimal(20)}

# The unit right after a number ("15%", "2.5 h", "15-minute", "64 / 100").
UNIT_RE = re.compile(
    r"(?i)^[\s-]*(?:(?P<pct>%|percent\b|per\s?cent\b|pct\b)|(?P<score>/\s*100\b|out\s+of\s+100\b)"
    r"|(?P<h>h|hrs?|hours?)\b|(?P<min>m|mins?|minutes?)\b"
    r"|(?P<entries>entry|entries|tasks?|activit(?:y|ies)|items?|sessions?|times)\b"
    r"|(?P<days>days?|workdays?|working\s+days?|active\s+days?)\b)")
_OTHER_UNIT_RE = re.compile(r"^[\s-]*(?P<w>[^\W\d_]+)")
# Units of measurement the facts never hold: a figure in one must be in a cited entry.
MEASURES = frozenset("ms s sec secs second seconds us ns gb mb kb tb gib mib k x rps qps rpm "
                     "req reqs requests lines loc users nodes servers pods".split())


@dataclass
class Figure:
    text: str  # as stated, e.g. "15%"
    start: int
    end: int
    value: Decimal
    places: int
    unit: str | None  # one of FACT_UNITS, "other:<word>" or None (bare number)
    kind: str = "number"  # number|date|clock|id
    day: date | None = None
    month_day: tuple[int, int] | None = None
    subject_hint: str | None = None  # a subject named right after the number
    within: Decimal | None = None  # a fraction word's tolerance, in percentage points


def _figures(text: str, index: FactIndex | None) -> list[Figure]:
    taken: list[tuple[int, int]] = []
    out: list[Figure] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for rx in DATE_RES:
        for m in rx.finditer(text):
            if not free(*m.span()):
                continue
            taken.append(m.span())
            fig = Figure(m.group(0), m.start(), m.end(), Decimal(0), 0, None, kind="date")
            month = int(m.group("m")) if "m" in m.groupdict() and m.groupdict().get("m") \
                else _MONTHS.get((m.groupdict().get("mon") or "")[:3].lower())
            day = int(m.group("d"))
            year = m.groupdict().get("y")
            if month and year:
                try:
                    fig.day = date(int(year), month, day)
                except ValueError:
                    fig.day = None
            fig.month_day = (month or 0, day)
            out.append(fig)
    for rx in CLOCK_RES:
        for m in rx.finditer(text):
            if not free(*m.span()):
                continue
            taken.append(m.span())
            hour = int(m.group("h")) % 24
            ap = (m.groupdict().get("ap") or "").lower()
            if ap == "p" and hour < 12:
                hour += 12
            if ap == "a" and hour == 12:
                hour = 0
            minute = int(m.groupdict().get("m") or 0)
            out.append(Figure(m.group(0), m.start(), m.end(), Decimal(hour * 60 + minute), 0,
                              CLOCK, kind="clock"))
    for m in FRACTION_RE.finditer(text):
        if not free(*m.span()):
            continue
        taken.append(m.span())
        share = _FRACTIONS[re.sub(r"\s+", " ", m.group("f").lower())]
        out.append(Figure(m.group(0), m.start(), m.end(), share, 1, PCT, kind="fraction",
                          within=Decimal(5)))
    for m in COMPOUND_RE.finditer(text):
        if not free(*m.span()):
            continue
        taken.append(m.span())
        minutes = int(m.group("h")) * 60 + int(m.group("m"))
        out.append(Figure(m.group(0), m.start(), m.end(), Decimal(minutes), 0, MINUTES))
    for m in NUMBER_RE.finditer(text):
        if not free(*m.span()):
            continue
        fig = _number(text, m, index)
        if fig is not None:
            out.append(fig)
            taken.append((fig.start, fig.end))  # "64 out of 100": 100 is the unit
    out.sort(key=lambda f: f.start)
    return out


_UNIT_GROUPS = {"pct": PCT, "score": SCORE, "h": HOURS, "min": MINUTES, "entries": ENTRIES,
                "days": DAYS}


def _unit_of(u: re.Match[str]) -> str:
    return next(unit for group, unit in _UNIT_GROUPS.items() if u.group(group))


def _number(text: str, m: re.Match[str], index: FactIndex | None) -> Figure | None:
    if m.group("word"):
        value, places = Decimal(_NUMBER_WORDS[m.group("word").lower()]), 0
    else:
        raw = m.group("n").replace(",", "") + (f".{m.group('f')}" if m.group("f") else "")
        value, places = Decimal(raw), len(m.group("f") or "")
    rest = text[m.end():]
    end, unit, hint = m.end(), None, None
    if m.group("hash"):
        return Figure(m.group(0), m.start(), end, value, places, None, kind="id")
    if not m.group("word") and _WEEK_BEFORE_RE.search(text[max(0, m.start() - 12):m.start()]):
        return Figure(text[m.start():end], m.start(), end, value, places, None, kind="week")
    u = UNIT_RE.match(rest)
    if u:
        unit = _unit_of(u)
        end += u.end()
    else:
        # "3 meetings", "2 mentoring sessions", "1.5 high-value hours": a subject right after.
        hint, consumed = _subject_after(rest, index)
        if hint is not None:
            u = UNIT_RE.match(rest[consumed:])
            if u:
                unit = _unit_of(u)
                end += consumed + u.end()
            else:
                unit = ENTRIES
                end += consumed
        else:
            if m.group("word"):
                return None  # "one of the ...", "one major change": not a stated figure
            # "900 ms", "3 PRs", "42 tickets": a unit of the entries, not of the facts.
            w = _OTHER_UNIT_RE.match(rest)
            if w and w.group("w").lower() not in STOP_WORDS:
                unit = "other:" + w.group("w").lower()
                end += w.end()
    return Figure(text[m.start():end].strip(), m.start(), end, value, places, unit,
                  subject_hint=hint)


def _subject_after(rest: str, index: FactIndex | None) -> tuple[str | None, int]:
    toks = tokens(rest[:80])
    if index is None or not toks or rest[: toks[0].start].strip(" -"):
        return None, 0
    for s, phrase, pforms in index.phrase_table:
        if s.kind in ("type", "project", "value", "impact") and len(phrase) <= len(toks) \
                and all(forms(toks[i].text) & pf for i, pf in enumerate(pforms)):
            return s.key, toks[len(phrase) - 1].end
    return None, 0


def _matches(fig: Figure, fact: Decimal) -> bool:
    """Stated = fact rounded half-up to the stated decimals, and within 5% of it (or 0.05):
    12% for 12.24% and 12 h for 12.25 h pass, 3 h for 2.5 h does not."""
    if abs(fact - fig.value) < Decimal("1e-9"):
        return True
    if fig.within is not None:
        return abs(fact - fig.value) <= fig.within
    try:
        rounded = fact.quantize(Decimal(1).scaleb(-fig.places), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more decimals than Decimal's precision: only exact counts
        return False
    if rounded != fig.value:
        return False
    return abs(fact - fig.value) <= max(abs(fact) * Decimal("0.05"), Decimal("0.05"))


def _in_hours_or_minutes(fig: Figure, minutes: Iterable[float]) -> bool:
    for m in minutes:
        if fig.unit == MINUTES and _matches(fig, Decimal(str(m))):
            return True
        if fig.unit == HOURS and _matches(fig, Decimal(str(m)) / 60):
            return True
        if fig.unit is None and (_matches(fig, Decimal(str(m)))
                                 or _matches(fig, Decimal(str(m)) / 60)):
            return True
    return False


# --- binding figures to subjects ----------------------------------------------------------

_CLAUSE_RE = re.compile(r"[,;:()\[\]\u2014\u2013]|\s-\s|\b(?:and|but|while|whereas|compared|"
                        r"versus|vs|than|although|though|plus)\b", re.I)


@dataclass
class Mention:
    subject: Subject
    start: int
    end: int
    words: tuple[str, ...] = ()


@lru_cache(maxsize=4096)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(t.text for t in tokens(_normalise(text)))


def _title_words(cited: list[EvidenceEntry]) -> set[str]:
    return {w for e in cited for w in _words_of(e.title)}


def _mentions(toks: list[Token], index: FactIndex, title_words: set[str] = frozenset()
              ) -> list[Mention]:
    """Where the sentence names a subject. A metric or the previous period named only by
    words of a cited entry's title is the title, not the subject ("Daily standup")."""
    found: list[Mention] = []
    word_forms = [forms(t.text) for t in toks]
    for i, first in enumerate(word_forms):
        for s, phrase, pforms in index.phrase_table:
            n = len(phrase)
            if not first & pforms[0] or i + n > len(toks):
                continue
            if not all(word_forms[i + j] & pforms[j] for j in range(1, n)):
                continue
            if s.kind in ("metric", "previous") and all(
                    toks[i + j].text in title_words for j in range(n)):
                continue
            found.append(Mention(s, toks[i].start, toks[i + n - 1].end,
                                 tuple(toks[i + j].text for j in range(n))))
    # A longer phrase wins over the shorter ones inside it ("company/product impact").
    found.sort(key=lambda m: -(m.end - m.start))
    kept: list[Mention] = []
    seen: set[tuple[str, int, int]] = set()
    for m in found:
        if (m.subject.key, m.start, m.end) in seen:
            continue  # "mentoring" matches both ("mentoring",) and ("mentor",)
        seen.add((m.subject.key, m.start, m.end))
        if not any(k.start <= m.start and m.end <= k.end and k.subject is not m.subject
                   and (k.end - k.start) > (m.end - m.start) for k in kept):
            kept.append(m)
    return kept


def _compatible(subject: Subject, unit: str | None) -> bool:
    if subject.kind == "total":
        return unit in (HOURS, MINUTES, ENTRIES, DAYS, None)
    if subject.kind in ("type", "project", "value", "impact"):
        return unit in (PCT, HOURS, MINUTES, ENTRIES, DAYS, None)
    return unit is None or unit in subject.values


def _bind(fig: Figure, mentions: list[Mention], clauses: list[int], index: FactIndex
          ) -> tuple[list[Mention], bool]:
    """The subjects a figure may be about, nearest first, and whether that is certain (one
    subject, named in its own clause) or not (the subjects named elsewhere in the sentence:
    "Mentoring, at 12.2%, ...", "Debugging took 2.5 hours (20.4%), all on Checkout")."""
    if fig.subject_hint:
        for s in index.subjects:
            if s.key == fig.subject_hint:
                return [Mention(s, fig.start, fig.end)], True

    def clause_of(pos: int) -> int:
        return bisect_right(clauses, pos)  # clauses: sorted boundary offsets

    def distance(m: Mention) -> tuple[int, bool]:
        # Equally near: the subject before the figure ("the ratio of 0.224 reflects ...").
        return max(m.start - fig.end, fig.start - m.end, 0), m.start > fig.start

    specific = [m for m in mentions if m.subject.kind != "total"
                and _compatible(m.subject, fig.unit)]
    here = clause_of(fig.start)
    # The previous period is named by weak words ("up", "down"): a type, project, level or
    # metric in the same clause is the subject before it ("focus went up to 77.6%").
    # Outside its clause it binds nothing: "12.25 hours, up 22.5% from last week".
    same = [m for m in specific if clause_of(m.start) == here]
    for pool in ([m for m in same if m.subject.kind != "previous"],
                 [m for m in same if m.subject.kind == "previous"]):
        if pool:
            return [min(pool, key=distance)], True
    totals = [m for m in mentions if m.subject.kind == "total" and clause_of(m.start) == here]
    if totals and _compatible(index.totals, fig.unit):
        return [totals[0]], True
    return sorted((m for m in specific if m.subject.kind != "previous"), key=distance), False


def _cited_for(subject: Subject, cited: list[EvidenceEntry]) -> list[EvidenceEntry]:
    name = subject.name.lower()
    if subject.kind == "type":
        return [e for e in cited if e.type.lower() == name]
    if subject.kind == "project":
        return [e for e in cited if e.project.lower() == name]
    if subject.kind == "value":
        return [e for e in cited if e.value.lower() == name]
    if subject.kind == "impact":
        return [e for e in cited if e.impact.lower() == name]
    return []


def _cited_values(fig: Figure, entries: list[EvidenceEntry]) -> bool:
    """Durations, counts and days of the cited entries (each, and all together)."""
    if not entries:
        return False
    minutes = [e.minutes for e in entries] + [sum(e.minutes for e in entries)]
    if fig.unit in (HOURS, MINUTES, None) and _in_hours_or_minutes(fig, minutes):
        return True
    if fig.unit in (ENTRIES, None) and _matches(fig, Decimal(len(entries))):
        return True
    return fig.unit == DAYS and _matches(fig, Decimal(len({e.date for e in entries})))


def _subject_has(fig: Figure, s: Subject) -> bool:
    units = [fig.unit] if fig.unit is not None else list(s.values)
    return any(_matches(fig, v) for u in units for v in s.values.get(u, []))


@lru_cache(maxsize=4096)
def _figures_of(text: str) -> tuple[Figure, ...]:
    """The figures an entry's text states, read without facts (so "3 reviews" is a count of
    "reviews", not of the review type)."""
    return tuple(f for f in _figures(_normalise(text), None) if f.kind != "date")


def _entry_figures(cited: list[EvidenceEntry]) -> list[Figure]:
    return [f for e in cited for text in (e.title, e.description, *e.tags)
            for f in _figures_of(text)]


def _stated_in_entries(fig: Figure, entry_figs: list[Figure]) -> bool:
    for f in entry_figs:
        if f.value != fig.value:
            continue
        same_unit = f.unit == fig.unit or (fig.unit == ENTRIES and str(f.unit).startswith(
            "other:"))
        if fig.unit in FACT_UNITS and not same_unit:
            continue
        return True
    return False


def _figure_problem(fig: Figure, mentions: list[Mention], clauses: list[int],
                    cited: list[EvidenceEntry], entry_figs: list[Figure],
                    index: FactIndex) -> str | None:
    """None when the figure is supported, else why not."""
    if fig.kind == "date":
        days = index.dates | {d for e in cited if (d := _date(e.date))}
        if fig.day is not None:
            return None if fig.day in days else f"{fig.text}: not a day of the period"
        if fig.month_day in {(d.month, d.day) for d in days}:
            return None
        return f"{fig.text}: not a day of the period"
    if _stated_in_entries(fig, entry_figs):
        return None
    if fig.kind == "id":
        return f"{fig.text}: not in the cited entries"
    if fig.kind == "week":
        days = index.dates | {d for e in cited if (d := _date(e.date))}
        if int(fig.value) in {d.isocalendar().week for d in days}:
            return None
        return f"week {fig.text}: not a week of the period"
    if fig.kind == "clock":
        hour, minute = divmod(int(fig.value), 60)
        if index.peak_hour is not None and minute == 0 and hour == index.peak_hour:
            return None
        starts = {e.start_time[11:16] for e in cited if len(e.start_time) >= 16}
        if f"{hour:02d}:{minute:02d}" in starts:
            return None
        return f"{fig.text}: neither the peak hour nor a cited entry's start"
    if fig.unit and fig.unit.startswith("other:"):
        word = fig.unit.removeprefix("other:")
        named = [e for e in cited if forms(word) & _entry_evidence(e)[0]]
        # "reviewed 2 PRs": a count of the cited entries that speak of PRs.
        if named and _matches(fig, Decimal(len(named))):
            return None
        if not named and word not in MEASURES:
            # "0.224 reflects ...": the word after the number is not what it counts.
            text = fig.text[: len(fig.text) - len(word)].strip()
            fig = replace(fig, unit=None, text=text, end=fig.start + len(text))
    candidates, certain = _bind(fig, mentions, clauses, index)
    if not candidates:
        return _unbound_problem(fig, cited, index)
    for mention in candidates:
        subject = mention.subject
        # The totals are the generic subject: "took 2.5 hours in total" may be an entry's.
        own = cited if subject.kind == "total" else _cited_for(subject, cited)
        # A subject named by words of a cited title may be that entry ("Design review").
        own = own + [e for e in cited if mention.words and set(mention.words)
                     <= _words_of(e.title)]
        if _subject_has(fig, subject) or _cited_values(fig, own):
            return None
    # A time, count or day figure outside any subject's clause may be a total: "You logged
    # 12.25 hours, with mentoring at 1.5 hours". A share may not: it has to be the share of
    # a subject the sentence names, or "Mentoring, at 24.5%" would pass on code's 24.5%.
    if not certain and fig.unit != PCT and _unbound_problem(fig, cited, index) is None:
        return None
    subject = candidates[0].subject
    stated = ", ".join(f"{_show(v)}{'' if u in (SCORE, RATIO) else ' ' + u}"
                       for u, vs in subject.values.items()
                       if fig.unit in (None, u) for v in vs[:2]) or "no such figure"
    return f"{fig.text} for {subject.label}: the facts say {stated}"


def _unbound_problem(fig: Figure, cited: list[EvidenceEntry], index: FactIndex) -> str | None:
    if fig.unit == PCT:
        if any(_matches(fig, v) for v in index.all_pct):
            return None
        return f"{fig.text}: no share in the facts is {fig.text}"
    if fig.unit in (HOURS, MINUTES, ENTRIES, DAYS):
        if _subject_has(fig, index.totals) or _subject_has(fig, index.previous) \
                or _cited_values(fig, cited):
            return None
        return f"{fig.text}: not a total and not a cited entry's"
    if fig.unit in (SCORE, RATIO):
        if any(_subject_has(fig, s) for s in index.subjects if s.kind == "metric"):
            return None
        return f"{fig.text}: not a metric"
    if fig.unit is None:
        if 1900 <= fig.value <= 2100 and int(fig.value) in {d.year for d in index.dates}:
            return None  # the year of the period
        if _subject_has(fig, index.totals) or _cited_values(fig, cited):
            return None
        return f"{fig.text}: a number with no subject that is not a total or in a cited entry"
    return f"{fig.text}: not in the cited entries or the facts"


def _show(v: Decimal) -> str:
    return format(v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")


# --- the sentence ------------------------------------------------------------------------

_MARKUP_RE = re.compile(r"\*\*|__|`|^\s*#+\s*|\[\^?\d+(?:\s*,\s*\d+)*\]")


@lru_cache(maxsize=4096)
def _entry_evidence(e: EvidenceEntry) -> tuple[frozenset[str], str]:
    words: list[str] = []
    raw: list[str] = []
    for text in (e.title, e.description, e.project, e.type, *e.tags):
        norm = _normalise(text or "")
        raw.append(norm.lower())
        toks = [t.text for t in tokens(norm) if not t.cjk]
        # "code base" in the entry supports "codebase" in the sentence.
        words += toks + [a + b for a, b in zip(toks, toks[1:], strict=False)]
    words += TYPE_WORDS.get(e.type.lower(), ())
    return frozenset(_vocabulary(words)), "\n".join(raw)


def _evidence_forms(cited: list[EvidenceEntry]) -> tuple[set[str], str]:
    forms_: set[str] = set()
    raw: list[str] = []
    for e in cited:
        f, text = _entry_evidence(e)
        forms_ |= f
        raw.append(text)
    return forms_, "\n".join(raw)


def _cjk_supported(run: str, evidence_text: str) -> bool:
    if run in evidence_text:
        return True
    chunks = [c for c in _HIRAGANA_RE.split(run) if c]
    return bool(chunks) and all(c in evidence_text for c in chunks)


# A report sentence is a line or two; anything longer is not one sentence (and binding
# figures to subjects is quadratic in its length).
MAX_SENTENCE_CHARS = 1000


def _check(sentence: str, cited: list[EvidenceEntry], index: FactIndex) -> Verdict:
    if len(sentence) > MAX_SENTENCE_CHARS:
        return Verdict(ok=False, reasons=[f"longer than {MAX_SENTENCE_CHARS} characters"])
    text = _MARKUP_RE.sub("", _normalise(sentence))
    toks = tokens(text)
    verdict = Verdict(ok=True)

    mentions = _mentions(toks, index, _title_words(cited))
    clauses = [m.start() for m in _CLAUSE_RE.finditer(text)]
    entry_figs = _entry_figures(cited)
    for fig in _figures(text, index):
        problem = _figure_problem(fig, mentions, clauses, cited, entry_figs, index)
        if problem:
            verdict.bad_figures.append(fig.text)
            verdict.reasons.append(f"figure {problem}")

    evidence, evidence_text = _evidence_forms(cited)
    seen: set[str] = set()
    for i, tok in enumerate(toks):
        if not _is_content(tok) or tok.text in seen:
            continue
        seen.add(tok.text)
        if tok.cjk:
            supported = _cjk_supported(tok.text, evidence_text + "\n" + index.names_text)
        else:
            f = forms(tok.text)
            plain = forms(tok.text, False)
            supported = bool(plain & _REPORT_FORMS or plain & index.vocabulary or f & evidence)
            # "code base" in the sentence for "codebase" (or "code-base") in the entry.
            pairs = [toks[j].text + toks[j + 1].text for j in (i - 1, i)
                     if 0 <= j < len(toks) - 1 and toks[j].end + 1 >= toks[j + 1].start]
            supported = supported or any(forms(p) & evidence for p in pairs)
        if not supported:
            verdict.unsupported_words.append(tok.text)
    if verdict.unsupported_words:
        verdict.reasons.append("not in the cited entries, the facts or the report words: "
                               + ", ".join(verdict.unsupported_words))
    verdict.ok = not verdict.bad_figures and not verdict.unsupported_words
    return verdict
