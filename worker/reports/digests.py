"""Week digests: a closed week's facts plus its cited highlights, reused by long reports.

A highlight is an accomplishment sentence that passed the sentence check, with the entry it
rests on and that entry's score (value x impact x minutes), so highlights from many weeks can
be re-ranked against each other without the entries. Long periods rank the highlights of the
digests the API sent together with candidates from the weeks whose entries it sent.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from englog.v1 import tasks_pb2 as pb

from worker.reports import select
from worker.reports.citations import Ref, ref_of


@dataclass
class Candidate:
    """A possible accomplishment: an entry of this request or a stored highlight."""

    score: float
    ref: Ref
    entry_id: str
    entry: pb.LogEntry | None = None   # None: from a digest, already worded and checked
    sentence: str = ""

    @property
    def rank_key(self) -> tuple:
        # Heaviest first, then the most recent, then id: the same rule as select.ranked.
        when = self.entry.start_time if self.entry is not None else self.ref.date
        return (-self.score, tuple(-ord(c) for c in when), self.entry_id)


def of_entry(e: pb.LogEntry) -> Candidate:
    return Candidate(select.score(e), ref_of(e), e.id, entry=e)


def of_highlight(h: pb.Highlight) -> Candidate:
    return Candidate(h.score, Ref(h.title, h.date), h.entry_id, sentence=h.sentence)


def week_of(e: pb.LogEntry) -> str:
    """The ISO week (its Monday, YYYY-MM-DD) of an entry, by its local start day."""
    try:
        day = datetime.fromisoformat(e.start_time).date()
    except ValueError:
        day = date.fromisoformat(e.start_time[:10])
    return (day - timedelta(days=day.weekday())).isoformat()


def by_week(entries: Sequence[pb.LogEntry]) -> OrderedDict[str, list[pb.LogEntry]]:
    weeks: OrderedDict[str, list[pb.LogEntry]] = OrderedDict()
    for e in sorted(entries, key=lambda e: e.start_time):
        weeks.setdefault(week_of(e), []).append(e)
    return weeks


def long_candidates(entries: Sequence[pb.LogEntry],
                    digests: Sequence[pb.WeekDigest]) -> list[Candidate]:
    """Stored highlights plus each sent week's own accomplishments, best first."""
    out = [of_highlight(h) for d in digests for h in d.highlights]
    for week_entries in by_week(entries).values():
        out += [of_entry(e) for e in select.accomplishments(week_entries)]
    return sorted(out, key=lambda c: c.rank_key)


def highlight(c: Candidate, sentence: str) -> pb.Highlight:
    return pb.Highlight(entry_id=c.entry_id, sentence=sentence, title=c.ref.title,
                        date=c.ref.date, score=c.score)


def weekly_digest(week_start: str, fingerprint: str, facts: pb.ReportFacts,
                  highlights: Sequence[pb.Highlight]) -> pb.WeekDigest:
    return pb.WeekDigest(week_start=week_start, fingerprint=fingerprint, facts=facts,
                         highlights=list(highlights))


def is_iso_week(start: str, end: str) -> bool:
    try:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return False
    return a.weekday() == 0 and (b - a).days == 6
