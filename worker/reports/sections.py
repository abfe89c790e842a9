"""What each narrative section says, chosen by code from the entries and the facts.

Each section is a list of Jobs (worker/reports/jobs.py): a subject (entries, a fact) and a
small instruction for the model, plus the plain sentence that replaces a rejected answer.
Templated sentences use only figures of the facts, stated with their unit and subject, and
words the sentence checker accepts, so the report stays true when the model fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from englog.v1 import tasks_pb2 as pb

from worker.reports import select
from worker.reports.facts import Facts, fmt, num
from worker.reports.jobs import Job

ACCOMPLISHMENTS = "Key Accomplishments"
TIME = "Time Allocation Analysis"
TECHNICAL = "Technical Contributions"
EXCELLENCE = "Areas of Excellence"
RECOMMENDATIONS = "Recommendations"
TITLES = (ACCOMPLISHMENTS, TIME, TECHNICAL, EXCELLENCE, RECOMMENDATIONS)

WHY = "why this work mattered, from its title, details and tags, starting with \"You\""
WHAT = "what this technical work did, from its title and details, starting with \"You\""


def pct(part: float, whole: float) -> str:
    """A share as the facts round it (half-up, 1 decimal), written without a trailing .0."""
    if not whole:
        return "0"
    d = (Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(Decimal("0.1"),
                                                                  rounding=ROUND_HALF_UP)
    return fmt(float(d), 1)


def hours(minutes: float) -> str:
    d = (Decimal(str(minutes)) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return fmt(float(d), 2)


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def entry_template(e: pb.LogEntry) -> str:
    """The plain accomplishment sentence: what the entry is, as its fields say."""
    kind = e.type or "work"
    level = f"{e.value_rating}-value " if e.value_rating else ""
    text = f"You logged {e.title.strip().rstrip('.')} as {_article(level or kind)} {level}" \
           f"{kind} entry"
    if e.impact_level:
        text += f" with {e.impact_level} impact"
    if e.project:
        text += f" in {e.project}"
    return text + "."


def accomplishment_jobs(entries: Sequence[pb.LogEntry]) -> list[Job]:
    return [Job(ACCOMPLISHMENTS, WHY, [e], entry_template(e)) for e in entries]


def technical_jobs(entries: Sequence[pb.LogEntry]) -> list[Job]:
    return [Job(TECHNICAL, WHAT, [e], entry_template(e)) for e in entries]


@dataclass
class Share:
    name: str
    minutes: float
    pct: str
    hours: str


def shares(f: Facts, key: str) -> list[Share]:
    total = f.total_minutes
    out = [Share(r.name, r.minutes or 0, pct(r.minutes or 0, total), hours(r.minutes or 0))
           for r in f.distribution(key) if r.minutes]
    return out


def time_template(f: Facts) -> str:
    types = shares(f, "by_type")
    total = hours(f.total_minutes)
    if not types:
        return f"You logged {total} h in this period."
    first = types[0]
    text = f"Most time went to {first.name} ({first.hours} h, {first.pct}% of the time logged)"
    if len(types) > 1:
        second = types[1]
        text += f", then {second.name} ({second.hours} h, {second.pct}%)"
    return text + "."


def project_template(f: Facts) -> str | None:
    projects = [p for p in shares(f, "by_project") if not p.name.startswith("(")]
    if not projects:
        return None
    p = projects[0]
    tied = [q.name for q in projects if q.minutes == p.minutes]
    if len(tied) > 1:
        names = ", ".join(tied[:-1]) + " and " + tied[-1]
        return f"{names} took the most time of any project: {p.hours} h each, {p.pct}% of " \
               f"the total each."
    return f"{p.name} took the most time of any project: {p.hours} h, {p.pct}% of the total."


def time_jobs(f: Facts, entries: Sequence[pb.LogEntry]) -> list[Job]:
    """One worded sentence on the split by type; the project split stays templated."""
    types = shares(f, "by_type")
    context = "; ".join(f"{s.name} {s.hours} h ({s.pct}%)" for s in types[:3])
    return [Job(TIME, "how the time was split between activity types, copying the figures "
                      "exactly", [], time_template(f), context=context, must_cite=False)]


def _metric(f: Facts, key: str) -> float | None:
    return num(f.metrics.get(key))


def excellence_jobs(f: Facts, entries: Sequence[pb.LogEntry]) -> list[Job]:
    """The strength the facts show most, with the entry that shows it best."""
    high = select.top_high_value(entries, 1)
    hv = _metric(f, "high_value_percentage")
    if high and hv:
        e = high[0]
        template = (f"High-value work made up {fmt(hv, 1)}% of the time, including "
                    f"{e.title.strip().rstrip('.')}.")
        return [Job(EXCELLENCE, "the strength this high-value work shows, starting with \"You\"",
                    [e], template, context=f"high-value work {fmt(hv, 1)}% of the time")]
    best = select.ranked(entries)[:1]
    if not best:
        return []
    e = best[0]
    return [Job(EXCELLENCE, "the strength this work shows, starting with \"You\"", [e],
                f"Your heaviest work was {e.title.strip().rstrip('.')}.")]


def _facts_advice(f: Facts) -> tuple[str, str] | None:
    """(the fact, the templated advice) a rule over the facts picks, or None."""
    focus = _metric(f, "focus_time_percentage")
    hv = _metric(f, "high_value_percentage")
    meeting = next((s for s in shares(f, "by_type") if s.name == "meeting"), None)
    if meeting and float(meeting.pct) >= 30:
        return (f"meetings took {meeting.pct}% of the time",
                f"Consider fewer meetings next week: meetings took {meeting.pct}% of the time.")
    if focus is not None and focus < 50:
        return (f"focus time was {fmt(focus, 1)}% of the time",
                f"Consider more focus time next week: focus time was {fmt(focus, 1)}% of "
                f"the time logged.")
    if hv is not None and hv < 40:
        return (f"high-value work was {fmt(hv, 1)}% of the time",
                f"Consider more high-value work next week: it was {fmt(hv, 1)}% of the time.")
    return None


def period_recommendation_jobs(f: Facts) -> list[Job]:
    """Long periods: the advice from the facts only (the entries sent are not the period)."""
    advice = _facts_advice(f)
    if advice is None:
        return []
    fact, template = advice
    return [Job(RECOMMENDATIONS, "one concrete suggestion for next week, starting with "
                                 "\"Consider\"", [], template, context=fact, must_cite=False)]


def recommendation_jobs(f: Facts, entries: Sequence[pb.LogEntry]) -> list[Job]:
    """A rule over the facts picks the advice; the model may only word it. With no rule
    firing, the advice is to continue the week's heaviest (high-value first) work."""
    jobs = period_recommendation_jobs(f)
    if jobs:
        return jobs
    best = select.top_high_value(entries, 1) or select.ranked(entries)[:1]
    if not best:
        return []
    e = best[0]
    return [Job(RECOMMENDATIONS, "one suggestion to continue this kind of work next week",
                [e], f"Continue with work like {e.title.strip().rstrip('.')}.")]


NO_TECHNICAL = "No such entries were logged in this period."
NO_HIGH_VALUE = "No high-value entries were logged in this period."
KEEP_LOGGING = "Continue logging your work next week."


def technical_fallback(f: Facts) -> str:
    """No technical entry to word (none sent, or none logged): the technical time itself."""
    tech = [s for s in shares(f, "by_type") if s.name in select.TECHNICAL_TYPES]
    if not tech:
        return NO_TECHNICAL
    parts = [f"{s.hours} h on {s.name} ({s.pct}%)" for s in tech]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"You spent {listed}."


def excellence_fallback(f: Facts) -> str:
    hv = _metric(f, "high_value_percentage")
    if hv:
        return f"High-value work made up {fmt(hv, 1)}% of the time."
    return NO_HIGH_VALUE
